// Runs the mover against Azurite, s3rver and a SoftHSM token with a wrong PIN in the target's settings, in its own
// process (SoftHSM reads SOFTHSM2_CONF from the real environment), counting every C_Login the mover makes, and
// prints what it observed as JSON for wrong-pin.test.ts.
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import * as pkcs11js from "pkcs11js";
import { runMover } from "../../../migration/mover/command";
import { Pkcs11Token } from "../../../migration/keys/pkcs11";
import { AZURITE_ACCOUNT, AZURITE_KEY, S3RVER_CREDENTIALS, startAzurite, startS3Server } from "../../../migration/rehearsal/servers";
import { createSoftHsmToken } from "../../../migration/rehearsal/softhsm";

async function main() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-wrong-pin-"));
    const stops: (() => Promise<void> | void)[] = [];
    try {
        const hsm = createSoftHsmToken(path.join(dir, "softhsm"));
        const token = new Pkcs11Token({ module: hsm.module, tokenLabel: hsm.label, pin: hsm.pin });
        token.ensureAesKey("tgt");
        token.close();
        const azurite = await startAzurite(path.join(dir, "azurite"));
        stops.push(() => azurite.stop());
        const s3 = await startS3Server(path.join(dir, "s3"), ["hdw-raw"]);
        stops.push(() => s3.stop());
        const service = new BlobServiceClient(azurite.accountUrl, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
        const container = service.getContainerClient("raw");
        await container.create();
        for (let i = 0; i < 10; i++) await container.getBlockBlobClient(`extract/${i}.csv`).upload(`a,b\n${i},${i}\n`, 8 + String(i).length * 2);
        const settings = (sub: string, values: Record<string, string>) => {
            fs.mkdirSync(path.join(dir, sub), { recursive: true });
            for (const [k, v] of Object.entries(values)) fs.writeFileSync(path.join(dir, sub, k), v);
            return path.join(dir, sub);
        };
        const credentialsDir = settings("source", { AZURE_STORAGE_ACCOUNT_NAME: AZURITE_ACCOUNT, AZURE_STORAGE_ACCOUNT_KEY: AZURITE_KEY });
        settings("access/platform", {
            S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
            PKCS11_MODULE: hsm.module, PKCS11_TOKEN_LABEL: hsm.label, PKCS11_PIN: "not-the-pin",
        });
        const plan = path.join(dir, "plan.json");
        fs.writeFileSync(plan, JSON.stringify({
            source: { accountUrl: azurite.accountUrl, credentialsDir }, accessDir: path.join(dir, "access"),
            routes: [{ container: "raw", bucket: "hdw-raw", keyId: "tgt", scope: "platform", sourceEncryption: "service-side" }],
        }));
        let logins = 0;
        const login = pkcs11js.PKCS11.prototype.C_Login;
        pkcs11js.PKCS11.prototype.C_Login = function (this: any, ...args: any[]) { logins++; return (login as any).apply(this, args); } as any;
        const out = new PassThrough();
        let text = "";
        out.on("data", d => { text += d; });
        const exitCode = await runMover(["move", "--plan", plan, "--manifest", path.join(dir, "m.jsonl")], { stdout: out, stderr: out, tty: false, env: {} });
        process.stdout.write(JSON.stringify({ exitCode, logins, stored: s3.stored.length, log: text.split("\n").filter(Boolean) }));
    } finally {
        for (const stop of stops.reverse()) await stop();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch(e => { process.stderr.write(String(e?.stack ?? e)); process.exitCode = 1; });
