// Runs PKCS#11 checks against a fresh SoftHSM token in its own process (SoftHSM reads SOFTHSM2_CONF from the real
// environment, which Jest's sandbox cannot set) and prints what it observed as JSON for pkcs11.test.ts.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pkcs11js from "pkcs11js";
import { Pkcs11Token } from "../../../migration/keys/pkcs11";
import { createSoftHsmToken } from "../../../migration/rehearsal/softhsm";

async function main() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-pkcs11-test-"));
    const out: Record<string, unknown> = {};
    try {
        const hsm = createSoftHsmToken(dir, "unit");
        const token = new Pkcs11Token({ module: hsm.module, tokenLabel: hsm.label, pin: hsm.pin });
        const second = new Pkcs11Token({ module: hsm.module, tokenLabel: hsm.label, pin: hsm.pin });
        token.ensureAesKey("project-a");
        token.ensureAesKey("project-a"); // idempotent
        token.ensureAesKey("project-b");
        const a = token.key("project-a");
        const b = token.key("project-b");
        const dataKey = crypto.randomBytes(32);
        const wrapped = await a.wrap(dataKey);
        out.roundTrip = (await a.unwrap(wrapped)).equals(dataKey);
        out.secondSessionUnwraps = (await second.key("project-a").unwrap(wrapped)).equals(dataKey);
        out.wrappedDiffersFromKey = !Buffer.from(wrapped, "base64").includes(dataKey);
        const tampered = Buffer.from(wrapped, "base64");
        tampered[3] ^= 1;
        out.tamperedRefused = await a.unwrap(tampered.toString("base64")).then(() => false, e => /cannot unwrap/.test(e.message));
        out.otherKeyRefused = await b.unwrap(wrapped).then(() => false, e => /cannot unwrap/.test(e.message));
        // The key itself cannot be read out of the token.
        out.keyValueReadable = (() => {
            try {
                (token as any).lib.C_GetAttributeValue((token as any).session, (token as any).findKey("project-a"), [{ type: pkcs11js.CKA_VALUE }]);
                return true;
            } catch {
                return false;
            }
        })();
        out.destroyed = token.destroyKey("project-a");
        out.unwrapAfterDestroy = await a.unwrap(wrapped).then(() => "unwrapped", e => e.message);
        out.missingToken = (() => {
            try { new Pkcs11Token({ module: hsm.module, tokenLabel: "nope", pin: hsm.pin }); return "opened"; } catch (e) { return (e as Error).message; }
        })();
        second.close();
        token.close();
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    process.stdout.write(JSON.stringify(out));
}

main().catch(e => { process.stderr.write(String(e?.stack ?? e)); process.exitCode = 1; });
