// `rehearse data`: hands the parsed flags back to the data rehearsal (migration/rehearsal), which parses and
// validates them itself, with the process's streams mapped onto the command's output.

import { Writable } from "stream";
import type { Io } from "../commands/command";
import { runDataRehearsal as rehearse } from "../../migration/rehearsal/command";

export async function runDataRehearsal(values: Record<string, unknown>, valueFlags: readonly string[],
                                       io: Io): Promise<number> {
    const argv: string[] = [];
    for (const flag of valueFlags) if (typeof values[flag] === "string") argv.push(`--${flag}`, values[flag] as string);
    if (values.json) argv.push("--json");
    const stream = (write: (text: string) => void) => new Writable({
        write(chunk, _encoding, done) { write(chunk.toString()); done(); },
    });
    return rehearse(argv, { stdout: stream(t => io.out(t)), stderr: stream(t => io.err(t)) });
}
