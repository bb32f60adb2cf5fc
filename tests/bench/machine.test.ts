// The machine line of a benchmark names the Node that ran the measured CLI: `--node` may pick another binary
// than the one running the bench, and a figure without its runtime cannot be compared.

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeMachine } from "../../bench/machine";

const REPO = path.resolve(__dirname, "..", "..");

describe("the benchmark's machine description", () => {
    it("names the running Node by default", () => {
        expect(describeMachine(REPO).node).toBe(process.version);
    });

    it("names the version of the Node binary the runs use, when another is given", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-node-"));
        const fake = path.join(dir, "node");
        fs.writeFileSync(fake, "#!/bin/sh\necho v99.1.2\n", { mode: 0o755 });
        try {
            expect(describeMachine(REPO, fake).node).toBe("v99.1.2");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a --node that does not run, naming it, before measuring anything", () => {
        const missing = path.join(os.tmpdir(), "no-such-node-binary");
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(REPO, "bench", "index.ts"),
            "--node", missing], { cwd: REPO, encoding: "utf8" });
        expect(run.status).toBe(2);
        expect(run.stderr.trim()).toBe(`bench: --node: ${missing} does not run as a Node binary (spawnSync ${missing} ENOENT)`);
    }, 30000);
});
