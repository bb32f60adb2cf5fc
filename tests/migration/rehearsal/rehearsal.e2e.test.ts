import { spawn } from "child_process";
import * as path from "path";
import { findSoftHsmModule } from "../../../migration/keys/pkcs11";

// The whole data move on real protocol servers: Azurite (source), s3rver (target), SoftHSM (keys). The rehearsal
// command runs as its own process (SoftHSM reads its configuration from the real environment, which Jest's sandbox
// does not reach) and runs the mover as further processes, one of which it kills half-way. Nothing is skipped:
// without SoftHSM the suite fails and says how to install it.

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "../../..");

function runRehearsal(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "migration/rehearsal/main.ts", ...args], {
        cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", d => { stdout += d; });
    child.stderr.on("data", d => { stderr += d; });
    return new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("close", code => resolve({ code, stdout, stderr }));
    });
}

describe("data move rehearsal (Azurite -> s3rver, keys in SoftHSM)", () => {
    let run: { code: number | null; stdout: string; stderr: string };
    let result: any;

    beforeAll(async () => {
        if (!findSoftHsmModule()) {
            throw new Error("SoftHSM is not installed: run `bash .ci/rehearsal-deps.sh` (CI runs it before the tests)");
        }
        run = await runRehearsal(["--json", "--small", "24", "--large", "2"]);
        try {
            result = JSON.parse(run.stdout);
        } catch {
            throw new Error(`the rehearsal printed no result (exit ${run.code}):\n${run.stderr}`);
        }
    });

    afterAll(() => {
        // Each step's timing and detail, only when something failed.
        if (run && run.code !== 0) console.log(run.stderr);
    });

    test("exits 0 with every proof holding", () => {
        expect(result.proofs.filter((p: any) => !p.ok)).toEqual([]);
        expect(result.proofs.length).toBeGreaterThanOrEqual(12);
        expect(run.code).toBe(0);
    });

    test("moves every seeded object, large ones in several parts, each decrypting to the source's checksum", () => {
        expect(result.seeded.sizes.filter((s: number) => s > 5 * 1024 * 1024)).toHaveLength(2);
        expect(result.proofs.find((p: any) => p.name.startsWith("every object decrypts"))).toMatchObject({ ok: true });
        expect(result.proofs.find((p: any) => p.name === "nothing extra appeared on the target")).toMatchObject({ ok: true });
    });

    test("a run killed with SIGKILL half-way resumes without losing or copying anything twice", () => {
        const original = result.seeded.objects - 1; // one object is added later, for the delta pass
        expect(result.interrupted.signal).toBe("SIGKILL");
        expect(result.interrupted.recordedAtKill).toBeGreaterThan(0);
        expect(result.interrupted.recordedAtKill).toBeLessThan(original);
        expect(result.resumed.code).toBe(0);
        // Counted by the S3 server across both processes: each object stored exactly once.
        expect(result.storedDuringMove).toEqual({ objects: original, storedMoreThanOnce: 0, stores: original });
        const s = result.resumed.summary;
        expect(s.skipped).toBe(result.interrupted.recordedAtKill);
        expect(s.skipped + s.copied + s.adopted).toBe(original);
        expect(s.failed).toEqual([]);
    });

    test("the mover's own verification passes, re-reading source and target", () => {
        expect(result.verifyClean.exitCode).toBe(0);
        expect(result.verifyClean.report).toMatchObject({ ok: true, problems: [] });
        expect(result.verifyClean.report.target.verified).toBe(result.seeded.objects - 1);
        expect(result.verifyClean.report.checkedAgainst.reread).toBe(result.seeded.objects - 1);
    });

    test("catches objects changed at the source after their copy, even during the run", () => {
        expect(result.delta.summary).toMatchObject({ recopied: 2, copied: 1, adopted: 0, failed: [] });
        expect(result.delta.targetWrites).toBe(3);
        expect(result.proofs.find((p: any) => p.name.startsWith("after the delta pass"))).toMatchObject({ ok: true });
    });

    test("reports a corrupted, a missing and an unexpected target object with a non-zero exit, and a re-run repairs them", () => {
        const { exitCode, report, tampered } = result.verifyTampered;
        expect(exitCode).toBe(1);
        const found = Object.fromEntries(report.problems.map((p: any) => [`${p.bucket}/${p.key}`, p.kind]));
        expect(found).toEqual({ [tampered.corrupt]: "corrupt", [tampered.missing]: "missing", [tampered.extra]: "extra" });
        expect(result.repaired.exitCode).toBe(0);
    });

    test("crypto-shredding: the source key takes the source's data with it, a project's key its copy", () => {
        expect(result.proofs.find((p: any) => p.name.startsWith("after destroying the source key"))).toMatchObject({ ok: true });
        expect(result.proofs.find((p: any) => p.name.startsWith("after destroying a project's target key"))).toMatchObject({ ok: true });
    });

    test("measures the mover's ceiling in memory and projects the production move from it, with key-service calls", () => {
        expect(result.ceiling.podCopyBytesPerSecond).toBeGreaterThan(0);
        expect(result.ceiling.perCoreCopyBytesPerSecond).toBeGreaterThan(0);
        expect(result.projectionInput.podCopyBytesPerSecond).toBe(result.ceiling.podCopyBytesPerSecond);
        expect(result.projection.seconds).toBeGreaterThan(0);
        expect(result.projection.keyServiceCalls.total).toBeLessThan(result.projection.perObjectKeyCalls.calls / 1000);
        expect(["link bandwidth", "mover CPU", "per-object round trips", "key service"]).toContain(result.projection.bottleneck);
    });
});
