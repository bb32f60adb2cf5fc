import * as crypto from "crypto";
import { Readable } from "stream";
import { pipeline } from "stream/promises";
import {
    EnvelopeDecryptor, EnvelopeEncryptor, TRAILER_SIZE, associatedData, ciphertextSize, headerFromMetadata, headerToMetadata,
    newDataKey, openTrailer,
} from "../../../migration/mover/envelope";
import { readAll } from "../../../migration/mover/streams";

const SEGMENT = 1024;

async function encrypt(plain: Buffer, key = "zone/a.csv") {
    const { dataKey, noncePrefix } = newDataKey();
    const enc = new EnvelopeEncryptor(dataKey, noncePrefix, associatedData(key), SEGMENT);
    const stored = await readAll(Readable.from(chunks(plain, 333)).pipe(enc));
    const header = { keyId: "k1", wrapping: "test", wrappedKey: "w", noncePrefix, segmentSize: SEGMENT, plaintextSize: plain.length };
    return { dataKey, header, stored, digest: enc.digest() };
}

async function decrypt(dataKey: Buffer, header: any, stored: Buffer, key = "zone/a.csv") {
    const dec = new EnvelopeDecryptor(dataKey, header, associatedData(key), stored.length);
    const plain = await readAll(Readable.from(chunks(stored, 500)).pipe(dec));
    return { plain, digest: dec.digest() };
}

function chunks(b: Buffer, size: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
    return out;
}

describe("the target object format (hdw-envelope/1)", () => {
    test.each([0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 5 * SEGMENT + 17])("round-trips %i bytes and announces its stored size", async size => {
        const plain = crypto.randomBytes(size);
        const { dataKey, header, stored, digest } = await encrypt(plain);
        expect(stored.length).toBe(ciphertextSize(size, SEGMENT));
        expect(digest).toEqual({ size, sha256: crypto.createHash("sha256").update(plain).digest("hex") });
        const out = await decrypt(dataKey, header, stored);
        expect(out.plain.equals(plain)).toBe(true);
        expect(out.digest).toEqual(digest);
    });

    test("the trailer alone gives the plaintext size and SHA-256", async () => {
        const plain = crypto.randomBytes(3 * SEGMENT + 5);
        const { dataKey, header, stored, digest } = await encrypt(plain);
        expect(openTrailer(dataKey, header, associatedData("zone/a.csv"), stored.subarray(stored.length - TRAILER_SIZE))).toEqual(digest);
    });

    test("a flipped bit anywhere fails decryption", async () => {
        const { dataKey, header, stored } = await encrypt(crypto.randomBytes(3 * SEGMENT));
        for (const at of [0, SEGMENT + 3, stored.length - 1]) {
            const bad = Buffer.from(stored);
            bad[at] ^= 1;
            await expect(decrypt(dataKey, header, bad)).rejects.toThrow(/authenticate/);
        }
    });

    test("truncation, reordered segments, another object's name or another key fail", async () => {
        const { dataKey, header, stored } = await encrypt(crypto.randomBytes(3 * SEGMENT));
        const seg = SEGMENT + 16;
        const truncated = Buffer.concat([stored.subarray(0, seg), stored.subarray(stored.length - TRAILER_SIZE)]);
        await expect(decrypt(dataKey, header, truncated)).rejects.toThrow();
        const swapped = Buffer.concat([stored.subarray(seg, 2 * seg), stored.subarray(0, seg), stored.subarray(2 * seg)]);
        await expect(decrypt(dataKey, header, swapped)).rejects.toThrow(/segment 0/);
        await expect(decrypt(dataKey, header, stored, "zone/b.csv")).rejects.toThrow(/authenticate/);
        await expect(decrypt(crypto.randomBytes(32), header, stored)).rejects.toThrow(/authenticate/);
    });

    test("metadata round-trips, and a foreign object is refused by name", () => {
        const h = { keyId: "k", wrapping: "pkcs11-aes-key-wrap-pad", wrappedKey: "abc", noncePrefix: crypto.randomBytes(7), segmentSize: 4096, plaintextSize: 10 };
        expect(headerFromMetadata(headerToMetadata(h))).toEqual(h);
        expect(() => headerFromMetadata({})).toThrow(/hdw-format is missing/);
        expect(() => headerFromMetadata({ ...headerToMetadata(h), "hdw-cipher": "AES-128-CBC" })).toThrow(/unknown cipher/);
    });

    test("decrypting into a pipeline propagates the failure", async () => {
        const { dataKey, header, stored } = await encrypt(crypto.randomBytes(100));
        const bad = Buffer.from(stored);
        bad[5] ^= 0xff;
        const dec = new EnvelopeDecryptor(dataKey, header, associatedData("zone/a.csv"), bad.length);
        await expect(pipeline(Readable.from([bad]), dec, async function* (s) { for await (const _ of s) { /* drain */ } })).rejects.toThrow();
    });
});
