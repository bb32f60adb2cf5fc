// The chaos suite's own options: a bad value is one line and exit 2, before any server starts; never a stack trace.

import { spawnSync } from "child_process";
import * as path from "path";
import { parseChaosArgs } from "../../../migration/rehearsal/chaos-main";

const ROOT = path.resolve(__dirname, "../../..");

describe("chaos suite options", () => {
    test("defaults, and values as given", () => {
        expect(parseChaosArgs([])).toEqual({ kills: 3, seed: 20261221, json: false });
        expect(parseChaosArgs(["--kills", "30", "--seed", "11", "--json"])).toEqual({ kills: 30, seed: 11, json: true });
    });

    test.each([
        [["--kills", "abc"], '--kills needs a whole number, got "abc"'],
        [["--seed", "-1"], '--seed needs a whole number, got "-1"'],
        [["--kills"], "--kills needs a whole number, got nothing"],
        [["--kill", "3"], "unknown option --kill"],
    ])("%j is refused: %s", (argv, error) => {
        expect(parseChaosArgs(argv)).toEqual({ error });
    });

    test("the command answers a bad value with one line and the usage, exit 2", () => {
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "migration/rehearsal/chaos-main.ts", "--kills", "abc"],
            { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, encoding: "utf8", timeout: 60_000 });
        expect(run.status).toBe(2);
        expect(run.stderr).toBe('chaos: --kills needs a whole number, got "abc"\nusage: chaos-main.ts [--kills N] [--seed N] [--json]\n');
    });
});
