import { spawn } from "child_process";
import * as path from "path";
import { findSoftHsmModule } from "../../../migration/keys/pkcs11";

// The chaos and tamper suite on real protocol servers (Azurite, s3rver behind fronts, SoftHSM), as its own process
// (SoftHSM reads its configuration from the real environment). CI runs a few seeded kills; the long mode is
// `node -r ts-node/register/transpile-only migration/rehearsal/chaos-main.ts --kills 30`. Nothing is skipped:
// without SoftHSM the suite fails and says how to install it.

jest.setTimeout(600_000);
const SUITE_DEADLINE_MS = 570_000;

const ROOT = path.resolve(__dirname, "../../..");

describe("chaos and tamper suite (Azurite -> s3rver, keys in SoftHSM)", () => {
    let result: any;
    let stderr = "";

    beforeAll(async () => {
        if (!findSoftHsmModule()) throw new Error("SoftHSM is not installed: run `bash .ci/rehearsal-deps.sh` (CI runs it before the tests)");
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "migration/rehearsal/chaos-main.ts", "--kills", "3", "--json"], {
            cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        child.stdout.on("data", d => { stdout += d; });
        child.stderr.on("data", d => { stderr += d; });
        // Stopped before jest's own timeout, so that a hang shows the cases that ran and where it stopped.
        let stopped = false;
        const stop = setTimeout(() => { stopped = true; child.kill("SIGKILL"); }, SUITE_DEADLINE_MS);
        const code = await new Promise<number | null>((resolve, reject) => { child.once("error", reject); child.once("close", resolve); })
            .finally(() => clearTimeout(stop));
        if (stopped) throw new Error(`the chaos suite was stopped after ${SUITE_DEADLINE_MS / 1000} s; it printed:\n${stderr}`);
        try {
            result = JSON.parse(stdout);
        } catch {
            throw new Error(`the chaos suite printed no result (exit ${code}):\n${stderr}`);
        }
    });

    afterAll(() => {
        if (result && !result.ok) console.log(stderr);
    });

    const expectCase = (name: RegExp) => {
        const found = result.cases.filter((c: any) => name.test(c.name));
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ ok: true });
        return found[0];
    };

    test("every case holds", () => {
        expect(result.cases.filter((c: any) => !c.ok)).toEqual([]);
        expect(result.cases.length).toBeGreaterThanOrEqual(16);
    });
    test("SIGKILL at seeded random points: nothing lost, nothing stored twice", () => {
        expectCase(/^SIGKILL at 3 seeded random points/);
        expect(result.kills.landed).toBeGreaterThanOrEqual(1);
    });
    test("tampering on the target is reported, then repaired: rollback, swap, truncation, forged header, bit flip", () => {
        for (const name of [/^rollback/, /^swap/, /^truncation/, /^forged header/, /^bit flip/]) expectCase(name);
    });
    test("a wrong route key is reported once the plan is fixed, then re-keyed so that shredding the project's key reaches every object", () => {
        expect(expectCase(/^wrong route key/).detail).toMatch(/the platform key opens 0/);
    });
    test("an extra object under a new prefix and a deleted source prefix are reported, never deleted by the mover", () => {
        expectCase(/^extra object under a new prefix/);
        expectCase(/^deleted source prefix/);
    });
    test("a read corrupted in transit is never written nor accepted by a retried pod", () => {
        expectCase(/^bad source reads/);
    });
    test("stalled endpoints end the run in bounded time, naming the endpoint and the cause", () => {
        expectCase(/^stalled endpoints/);
    });
    test("a wrong PIN, a bucket without its declared protections, another shard count stop the run before the first object", () => {
        expect(expectCase(/^wrong PIN/).detail).toMatch(/exit 2, 1 login/);
        expectCase(/^a bucket without the versioning/);
        expectCase(/^another shard count/);
    });
    test("two movers on one shard store every object once", () => {
        expectCase(/^two movers on one shard/);
    });
});
