import * as crypto from "crypto";
import { Readable } from "stream";
import {
    ClientSideDecryptor, clientSidePlaintextSize, encryptClientSide, encryptionMetadata, parseClientSideEncryption, unwrapContentKey,
} from "../../../migration/mover/azure-client-side";
import { KeyEncryptionKey, staticResolver } from "../../../migration/keys/key-encryption-key";
import { readAll } from "../../../migration/mover/inspect";

// A stand-in KEK (AES key wrap, RFC 3394) so these tests need no HSM; the rehearsal uses SoftHSM for the same.
function localKek(keyId: string): KeyEncryptionKey {
    const kek = crypto.randomBytes(32);
    const iv = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
    return {
        keyId, wrapping: "test-aes-kw",
        async wrap(k) { const c = crypto.createCipheriv("id-aes256-wrap", kek, iv); return Buffer.concat([c.update(k), c.final()]).toString("base64"); },
        async unwrap(w) { const d = crypto.createDecipheriv("id-aes256-wrap", kek, iv); return Buffer.concat([d.update(Buffer.from(w, "base64")), d.final()]); },
    };
}

describe("Azure client-side encryption v2 sources", () => {
    const region = 1000;

    test("decrypts region by region back to the plaintext, and computes its size from the stored size", async () => {
        const kek = localKek("src");
        const cek = crypto.randomBytes(32);
        const plain = crypto.randomBytes(3 * region + 7);
        const stored = encryptClientSide(plain, cek, region);
        const wrapped = await kek.wrap(Buffer.concat([Buffer.from("2.0\0\0\0\0\0"), cek]));
        const info = parseClientSideEncryption({ EncryptionData: encryptionMetadata("src", "A256KW", wrapped, region) })!;
        expect(info).toMatchObject({ protocol: "2.0", keyId: "src", regionSize: region });
        expect(clientSidePlaintextSize(stored.length, info)).toBe(plain.length);
        const key = await unwrapContentKey(info, staticResolver([kek]));
        const out = await readAll(Readable.from([stored.subarray(0, 10), stored.subarray(10)]).pipe(new ClientSideDecryptor(key, region)));
        expect(out.equals(plain)).toBe(true);
    });

    test("refuses v1 (CBC, no integrity), a tampered region and a downgraded wrapped version", async () => {
        expect(() => parseClientSideEncryption({ encryptiondata: JSON.stringify({ EncryptionAgent: { Protocol: "1.0" } }) })).toThrow(/not supported/);
        expect(parseClientSideEncryption({ other: "x" })).toBeUndefined();
        const kek = localKek("src");
        const cek = crypto.randomBytes(32);
        const stored = encryptClientSide(crypto.randomBytes(2 * region), cek, region);
        stored[region + 40] ^= 1;
        await expect(readAll(Readable.from([stored]).pipe(new ClientSideDecryptor(cek, region)))).rejects.toThrow(/authenticate/);
        const wrongVersion = await kek.wrap(Buffer.concat([Buffer.from("1.0\0\0\0\0\0"), cek]));
        const info = parseClientSideEncryption({ encryptiondata: encryptionMetadata("src", "A256KW", wrongVersion, region) })!;
        await expect(unwrapContentKey(info, staticResolver([kek]))).rejects.toThrow(/protocol version/);
    });
});
