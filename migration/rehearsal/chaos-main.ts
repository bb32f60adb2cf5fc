// Runs the chaos and tamper suite: `node -r ts-node/register/transpile-only migration/rehearsal/chaos-main.ts
// [--kills N] [--seed N] [--json]`. CI runs a few kills; the long mode (`--kills 30` or more) runs more rounds.
// Exit codes: 0 every case holds; 1 a case failed; 2 bad usage; 3 it could not run (e.g. SoftHSM is missing).
import { MissingDependency } from "./softhsm";
import { runChaos } from "./chaos";

async function main(argv: string[]): Promise<number> {
    let kills = 3;
    let seed = 20261221;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const whole = (v: string | undefined) => {
            const n = Number(v);
            if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, got ${v === undefined ? "nothing" : `"${v}"`}`);
            return n;
        };
        if (flag === "--kills") kills = whole(argv[++i]);
        else if (flag === "--seed") seed = whole(argv[++i]);
        else if (flag === "--json") json = true;
        else {
            process.stderr.write(`chaos: unknown option ${flag}\nusage: chaos-main.ts [--kills N] [--seed N] [--json]\n`);
            return 2;
        }
    }
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
main(process.argv.slice(2)).then(exit, e => { process.stderr.write(`chaos: internal error: ${e?.stack ?? e}\n`); exit(3); });
