import { execFileSync } from "child_process";
import * as path from "path";
import { findSoftHsmModule } from "../../../migration/keys/pkcs11";

// Defect 8: a wrong PKCS#11 PIN stops the run at once, with one login (a real HSM locks its token after a few).
// The mover runs against Azurite, s3rver and SoftHSM in a child process (SoftHSM reads SOFTHSM2_CONF from the real
// environment, which Jest's sandbox cannot set).

describe("defect 8: a wrong PKCS#11 PIN", () => {
    let observed: { exitCode: number; logins: number; stored: number; log: string[] };

    beforeAll(() => {
        if (!findSoftHsmModule()) throw new Error("SoftHSM is not installed: run `bash .ci/rehearsal-deps.sh` (CI runs it before the tests)");
        const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "..", "support", "wrong-pin.ts")],
            { cwd: path.resolve(__dirname, "../../.."), env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }, encoding: "utf8", timeout: 120_000 });
        observed = JSON.parse(out);
    }, 150_000);

    test("stops before the first object with one login and a configuration exit code", () => {
        expect(observed.logins).toBe(1);
        expect(observed.stored).toBe(0);
        expect(observed.exitCode).toBe(2);
    });

    test("says which token refused the PIN, once", () => {
        const errors = observed.log.map(l => JSON.parse(l)).filter(l => /PIN/.test(l.error ?? ""));
        expect(errors).toHaveLength(1);
        expect(errors[0].error).toMatch(/token "hdw-rehearsal".*PIN was refused/);
    });
});
