// Runs the data-move rehearsal on its own: `node -r ts-node/register/transpile-only migration/rehearsal/main.ts`.
import { runDataRehearsal } from "./command";

runDataRehearsal(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
    .then(code => { process.exitCode = code; })
    .catch(e => { process.stderr.write(`rehearse data: internal error: ${(e as Error).stack ?? e}\n`); process.exitCode = 3; });
