// Entry point of the mover's container image.
import { runMover } from "./command";

runMover(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, tty: process.stderr.isTTY === true, env: process.env })
    .then(code => { process.exitCode = code; })
    .catch(e => { process.stderr.write(`data-mover: internal error: ${(e as Error).stack ?? e}\n`); process.exitCode = 3; });
