import * as crypto from "crypto";
import { Readable } from "stream";
import { pipeline } from "stream/promises";
import {
    EnvelopeDecryptor, EnvelopeEncryptor, EnvelopeHeader, LIMITS, MAX_HEADER_REGION, PREFIX_SIZE, TRAILER_SIZE, authenticate,
    headerRegionSize, newNonce, openTrailer, parseHeader, storedSize,
} from "../../../migration/mover/envelope";
import { readAll } from "../../../migration/mover/inspect";

const SEGMENT = 4096;

function header(size: number, over: Partial<EnvelopeHeader> = {}): EnvelopeHeader {
    return {
        bucket: "hdw-raw", key: "zone/a.csv", scope: "platform", keyId: "k1", wrapping: "test", wrappedKey: "d3JhcHBlZA==",
        nonce: newNonce(), segmentSize: SEGMENT, size,
        source: { account: "hdhprodlake", container: "raw", blob: "zone/a.csv", etag: '"0x1"', lastModified: "2026-01-01T00:00:00.000Z", length: size, contentMd5: "bWQ1bWQ1bWQ1bWQ1bWQ1bQ==", encryption: "service-side", check: "content-md5" },
        ...over,
    };
}

function chunks(b: Buffer, size: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
    return out;
}

async function encrypt(plain: Buffer, h = header(plain.length)) {
    const dataKey = crypto.randomBytes(32);
    const enc = new EnvelopeEncryptor(dataKey, h);
    const stored = await readAll(Readable.from(chunks(plain, 333)).pipe(enc));
    return { dataKey, header: h, stored, digest: enc.digest() };
}

async function decrypt(dataKey: Buffer, stored: Buffer, options: { md5?: boolean } = {}) {
    const dec = new EnvelopeDecryptor(async () => dataKey, { storedSize: stored.length, ...options });
    const plain = await readAll(Readable.from(chunks(stored, 500)).pipe(dec));
    return { plain, digest: dec.digest(), header: dec.header! };
}

/** Rewrites a header field in place: the attacker's edit, with the commitment left as it was. */
function forgeHeader(stored: Buffer, edit: (json: any) => void): Buffer {
    const length = stored.readUInt16BE(6);
    const json = JSON.parse(stored.subarray(PREFIX_SIZE, PREFIX_SIZE + length).toString());
    edit(json);
    const text = Buffer.from(JSON.stringify(json));
    const prefix = Buffer.from(stored.subarray(0, PREFIX_SIZE));
    prefix.writeUInt16BE(text.length, 6);
    return Buffer.concat([prefix, text, stored.subarray(PREFIX_SIZE + length)]);
}

describe("the target object format (hdw-envelope/2)", () => {
    test.each([0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 5 * SEGMENT + 17])("round-trips %i bytes and announces its stored size", async size => {
        const plain = crypto.randomBytes(size);
        const { dataKey, header: h, stored, digest } = await encrypt(plain);
        expect(stored.length).toBe(storedSize(h));
        expect(digest).toEqual({ size, sha256: crypto.createHash("sha256").update(plain).digest("hex") });
        const out = await decrypt(dataKey, stored, { md5: true });
        expect(out.plain.equals(plain)).toBe(true);
        expect(out.digest).toEqual({ ...digest, md5: crypto.createHash("md5").update(plain).digest("base64") });
        expect(out.header.source.etag).toBe('"0x1"');
    });

    test("the header and the trailer alone give the size and SHA-256, authenticated", async () => {
        const plain = crypto.randomBytes(3 * SEGMENT + 5);
        const { dataKey, stored, digest } = await encrypt(plain);
        const parsed = parseHeader(stored.subarray(0, MAX_HEADER_REGION))!;
        const keys = authenticate(parsed, dataKey);
        expect(openTrailer(keys.objectKey, parsed.header, stored.subarray(stored.length - TRAILER_SIZE))).toEqual(digest);
        expect(parsed.regionSize).toBe(headerRegionSize(parsed.header));
    });

    test("a flipped bit anywhere fails, naming what failed", async () => {
        const { dataKey, stored } = await encrypt(crypto.randomBytes(3 * SEGMENT));
        const region = headerRegionSize(parseHeader(stored)!.header);
        for (const [at, why] of [[region + 1, /segment 0 does not authenticate/], [region + SEGMENT + 20, /segment 1/], [stored.length - 1, /trailer/], [region - 3, /does not authenticate under the route's key/]] as const) {
            const bad = Buffer.from(stored);
            bad[at] ^= 1;
            await expect(decrypt(dataKey, bad)).rejects.toThrow(why);
        }
    });

    test("truncation, reordered segments, an appended segment or another key fail", async () => {
        const { dataKey, stored } = await encrypt(crypto.randomBytes(3 * SEGMENT));
        const region = headerRegionSize(parseHeader(stored)!.header);
        const seg = SEGMENT + 16;
        const head = stored.subarray(0, region);
        const body = stored.subarray(region);
        const truncated = Buffer.concat([head, body.subarray(0, seg), stored.subarray(stored.length - TRAILER_SIZE)]);
        await expect(new Promise((res, rej) => { const d = new EnvelopeDecryptor(async () => dataKey); d.on("error", rej); d.on("finish", res); d.resume(); Readable.from([truncated]).pipe(d); })).rejects.toThrow(/ends early|trailer/);
        await expect(decrypt(dataKey, truncated)).rejects.toThrow(/its header announces/);
        const swapped = Buffer.concat([head, body.subarray(seg, 2 * seg), body.subarray(0, seg), body.subarray(2 * seg)]);
        await expect(decrypt(dataKey, swapped)).rejects.toThrow(/segment 0/);
        await expect(decrypt(crypto.randomBytes(32), stored)).rejects.toThrow(/does not authenticate under the route's key/);
        const extended = Buffer.concat([stored, body.subarray(0, seg)]);
        await expect(readAll(Readable.from([extended]).pipe(new EnvelopeDecryptor(async () => dataKey)))).rejects.toThrow(/extended/);
    });

    test("every header field is authenticated: changing one (a source version, a bucket, the segment size) fails before any segment", async () => {
        const { dataKey, stored } = await encrypt(crypto.randomBytes(2 * SEGMENT));
        const edits: ((j: any) => void)[] = [
            j => { j.source.etag = '"0x2"'; }, j => { j.bucket = "hdw-curated"; }, j => { j.keyId = "k2"; }, j => { j.scope = "oncoprev"; },
            j => { j.segmentSize = 2 * SEGMENT; }, j => { j.source.lastModified = "2026-02-01T00:00:00.000Z"; }, j => { j.source.check = "range-md5"; },
        ];
        for (const edit of edits) await expect(decrypt(dataKey, forgeHeader(stored, edit), {})).rejects.toThrow(/does not authenticate under the route's key|its header announces/);
        // The same fields in another spelling (whitespace) are refused: one encoding, one digest.
        const length = stored.readUInt16BE(6);
        const spaced = Buffer.from(JSON.stringify(JSON.parse(stored.subarray(PREFIX_SIZE, PREFIX_SIZE + length).toString()), null, 1));
        const prefix = Buffer.from(stored.subarray(0, PREFIX_SIZE));
        prefix.writeUInt16BE(spaced.length, 6);
        expect(() => parseHeader(Buffer.concat([prefix, spaced, stored.subarray(PREFIX_SIZE + length)]))).toThrow(/not in canonical form/);
    });

    test("a header that is not canonical, unknown, or out of bounds is refused by name", () => {
        const h = header(10);
        const region = Buffer.alloc(0);
        expect(parseHeader(region)).toBeUndefined();
        expect(() => parseHeader(Buffer.from("NOPE\x02\x01\x00\x10"))).toThrow(/no HDWE prefix/);
        expect(() => parseHeader(Buffer.from("HDWE\x03\x01\x00\x10"))).toThrow(/format version 3/);
        expect(() => parseHeader(Buffer.from([0x48, 0x44, 0x57, 0x45, 2, 1, 0xff, 0xff]))).toThrow(/header length 65535 is out of bounds/);
        // The same fields spelt another way (whitespace, key order) are refused: one encoding, one digest.
        const spaced = Buffer.from(JSON.stringify({ format: "hdw-envelope/2" }, null, 1));
        const prefix = Buffer.from([0x48, 0x44, 0x57, 0x45, 2, 1, 0, 0]);
        prefix.writeUInt16BE(spaced.length, 6);
        expect(() => parseHeader(Buffer.concat([prefix, spaced, Buffer.alloc(32)]))).toThrow(/header field/);
        expect(() => new EnvelopeEncryptor(crypto.randomBytes(32), { ...h, segmentSize: LIMITS.maxSegment + 1 })).toThrow(/segment size/);
        expect(() => new EnvelopeEncryptor(crypto.randomBytes(32), { ...h, key: "k".repeat(1025) })).toThrow(/key must be/);
    });

    test("decrypting into a pipeline propagates the failure", async () => {
        const { dataKey, stored } = await encrypt(crypto.randomBytes(100));
        const bad = Buffer.from(stored);
        bad[bad.length - 30] ^= 0xff;
        const dec = new EnvelopeDecryptor(async () => dataKey);
        await expect(pipeline(Readable.from([bad]), dec, async function* (s) { for await (const _ of s) { /* drain */ } })).rejects.toThrow();
    });
});

describe("defect 7: a forged segment size", () => {
    test("is refused before the body is read, and the decryptor holds at most one segment", async () => {
        const { dataKey, stored } = await encrypt(crypto.randomBytes(64 * SEGMENT));
        // Out of bounds: refused when the header is parsed, before any key is asked for.
        let asked = 0;
        const huge = forgeHeader(stored, j => { j.segmentSize = 2 ** 40; });
        await expect(readAll(Readable.from(chunks(huge, 500)).pipe(new EnvelopeDecryptor(async () => { asked++; return dataKey; })))).rejects.toThrow(/segment size must be a whole number from 4096 to 4194304/);
        expect(asked).toBe(0);
        // Within bounds but not the one written: the commitment fails before the first segment.
        let fed = 0;
        let failedAt = -1;
        const dec = new EnvelopeDecryptor(async () => dataKey);
        dec.on("error", () => { if (failedAt < 0) failedAt = fed; });
        dec.resume();
        for (const c of chunks(forgeHeader(stored, j => { j.segmentSize = LIMITS.maxSegment; }), 500)) {
            if (dec.destroyed) break;
            fed += c.length;
            dec.write(c);
            await new Promise(r => setImmediate(r));
        }
        expect(failedAt).toBeGreaterThan(0);
        expect(failedAt).toBeLessThanOrEqual(MAX_HEADER_REGION + 500);
        // An authentic object: what is held back never exceeds one segment.
        const ok = new EnvelopeDecryptor(async () => dataKey);
        await readAll(Readable.from(chunks(stored, 7777)).pipe(ok));
        expect(ok.maxHeld).toBeLessThanOrEqual(SEGMENT);
    });
});
