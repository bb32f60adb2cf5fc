// `rehearse data`: hands the parsed flags back to the data rehearsal (migration/rehearsal), which parses and
// validates them itself, with the process's streams mapped onto the command's output. Without --work-dir, the
// work directory is made here, so that an interruption (Ctrl-C) removes it as the end of the run does.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Writable } from "stream";
import type { Io } from "../commands/command";
import { onInterrupt } from "../interrupt";
import { runDataRehearsal as rehearse } from "../../migration/rehearsal/command";

export async function runDataRehearsal(values: Record<string, unknown>, valueFlags: readonly string[],
                                       io: Io): Promise<number> {
    const argv: string[] = [];
    for (const flag of valueFlags) if (typeof values[flag] === "string") argv.push(`--${flag}`, values[flag] as string);
    if (values.json) argv.push("--json");
    const stream = (write: (text: string) => void) => new Writable({
        write(chunk, _encoding, done) { write(chunk.toString()); done(); },
    });
    const run = (args: string[]) => rehearse(args, { stdout: stream(t => io.out(t)), stderr: stream(t => io.err(t)) });
    if (typeof values["work-dir"] === "string") return run(argv);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "warehouse-rehearse-data-"));
    const remove = () => fs.rmSync(work, { recursive: true, force: true });
    const released = onInterrupt(remove);
    try {
        return await run([...argv, "--work-dir", work]);
    } finally {
        released();
        remove();
    }
}
