import { execFileSync } from "child_process";
import * as path from "path";
import { findSoftHsmModule } from "../../../migration/keys/pkcs11";

// The PKCS#11 KEK on a real SoftHSM token. The checks run in a child process: SoftHSM reads SOFTHSM2_CONF from the
// process environment, which Jest's sandbox cannot change.

describe("PKCS#11 key-encryption keys (SoftHSM)", () => {
    let observed: Record<string, any>;

    beforeAll(() => {
        if (!findSoftHsmModule()) throw new Error("SoftHSM is not installed: run `bash .ci/rehearsal-deps.sh` (CI runs it before the tests)");
        const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "..", "support", "pkcs11-checks.ts")],
            { cwd: path.resolve(__dirname, "../../.."), env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, encoding: "utf8" });
        observed = JSON.parse(out);
    }, 60_000);

    test("wraps and unwraps a data key, from any session of the token", () => {
        expect(observed.roundTrip).toBe(true);
        expect(observed.secondSessionUnwraps).toBe(true);
        expect(observed.wrappedDiffersFromKey).toBe(true);
    });

    test("refuses a tampered wrapped key and a key wrapped by another project's key", () => {
        expect(observed.tamperedRefused).toBe(true);
        expect(observed.otherKeyRefused).toBe(true);
    });

    test("never lets the key's value out of the token", () => {
        expect(observed.keyValueReadable).toBe(false);
    });

    test("after the key is destroyed nothing it wrapped can be unwrapped (crypto-shredding)", () => {
        expect(observed.destroyed).toBe(true);
        expect(observed.unwrapAfterDestroy).toMatch(/no key labelled "project-a"/);
    });

    test("names the token it cannot find", () => {
        expect(observed.missingToken).toMatch(/no PKCS#11 token labelled "nope"/);
    });
});
