// A run whose event loop empties before its command has answered is waiting on something that can no longer answer
// (a child process gone without a word, a promise nobody will settle). Node would then end the process with status
// 0 and nothing printed: for a check, a silent pass. The installed entry point reports it as the bug it is.

import { reportFailure } from "./errors";

/** Until `run` settles, an empty event loop ends the process with exit 2 and the internal-error lines. */
export function failIfUnsettled(run: Promise<unknown>, program: string, env: NodeJS.ProcessEnv = process.env): void {
    let settled = false;
    const settle = () => { settled = true; };
    run.then(settle, settle);
    process.once("beforeExit", () => {
        if (settled) return;
        const failure = reportFailure(new Error("the run stopped with its work unfinished and nothing left to wait for"),
            program, env);
        for (const line of failure.lines) process.stderr.write(`${line}\n`);
        process.exitCode = failure.code;
    });
}
