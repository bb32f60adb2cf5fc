// Runs the chaos and tamper suite: `node -r ts-node/register/transpile-only migration/rehearsal/chaos-main.ts
// [--kills N] [--seed N] [--json]`. CI runs a few kills; the long mode (`--kills 30` or more) runs more rounds.
// Exit codes: 0 every case holds; 1 a case failed; 2 bad usage; 3 it could not run (e.g. SoftHSM is missing).
import { MissingDependency } from "./softhsm";
import { runChaos } from "./chaos";

const USAGE = "usage: chaos-main.ts [--kills N] [--seed N] [--json]";

/** The suite's options, or the one line that says what is wrong with them. */
export function parseChaosArgs(argv: readonly string[]): { kills: number; seed: number; json: boolean } | { error: string } {
    let kills = 3;
    let seed = 20261221;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (flag === "--json") { json = true; continue; }
        if (flag !== "--kills" && flag !== "--seed") return { error: `unknown option ${flag}` };
        const v = argv[++i];
        const n = Number(v);
        if (v === undefined || v === "" || !Number.isInteger(n) || n < 0) {
            return { error: `${flag} needs a whole number, got ${v === undefined ? "nothing" : `"${v}"`}` };
        }
        if (flag === "--kills") kills = n;
        else seed = n;
    }
    return { kills, seed, json };
}

async function main(argv: string[]): Promise<number> {
    const parsed = parseChaosArgs(argv);
    if ("error" in parsed) {
        process.stderr.write(`chaos: ${parsed.error}\n${USAGE}\n`);
        return 2;
    }
    const { kills, seed, json } = parsed;
    try {
        const result = await runChaos({
            kills, seed, smallPerContainer: 12, largeCount: 3, largeBytes: 6 * 1024 * 1024, concurrency: 4,
            say: text => process.stderr.write(`${text}\n`),
        });
        if (json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
        return result.ok ? 0 : 1;
    } catch (e) {
        process.stderr.write(`chaos: ${(e as Error).message}\n`);
        if (!(e instanceof MissingDependency)) process.stderr.write(`${(e as Error).stack ?? ""}\n`);
        return 3;
    }
}

// Exit once the result is written: a case stopped at its deadline may leave work behind that would keep the process
// alive.
const exit = (code: number) => process.stdout.write("", () => process.exit(code));
if (require.main === module) main(process.argv.slice(2)).then(exit, e => { process.stderr.write(`chaos: internal error: ${e?.stack ?? e}\n`); exit(3); });
