import * as crypto from "crypto";
import { Readable } from "stream";
import { CryptoPool, PooledEncryptor } from "../../../migration/mover/crypto-pool";
import { EnvelopeDecryptor, EnvelopeEncryptor, EnvelopeHeader, newNonce } from "../../../migration/mover/envelope";
import { readAll } from "../../../migration/mover/inspect";

// Encryption on worker threads must write the very bytes the inline encryptor writes, and fail the same way.

function header(size: number): EnvelopeHeader {
    return {
        bucket: "b", key: "k", scope: "s", keyId: "k", wrapping: "w", wrappedKey: "d3JhcA==", nonce: newNonce(), segmentSize: 64 * 1024, size,
        source: { account: "a", container: "c", blob: "k", etag: '"e"', lastModified: "2026-01-01T00:00:00.000Z", length: size, encryption: "service-side", check: "range-md5" },
    };
}

function pieces(b: Buffer, size: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
    return out;
}

describe("crypto workers", () => {
    let pool: CryptoPool;
    beforeAll(() => { pool = new CryptoPool(2); });
    afterAll(() => pool.close());

    test.each([0, 1000, 3 * 1024 * 1024 + 17])("write byte for byte what the inline encryptor writes (%i bytes), several objects at once", async size => {
        const key = crypto.randomBytes(32);
        const objects = Array.from({ length: 4 }, () => ({ plain: crypto.randomBytes(size), h: header(size) }));
        const pooled = await Promise.all(objects.map(o => readAll(Readable.from(pieces(o.plain, 50_000)).pipe(new PooledEncryptor(pool, key, o.h)))));
        for (const [i, o] of objects.entries()) {
            const inline = await readAll(Readable.from([o.plain]).pipe(new EnvelopeEncryptor(key, o.h)));
            expect(pooled[i].equals(inline)).toBe(true);
            const back = await readAll(Readable.from([pooled[i]]).pipe(new EnvelopeDecryptor(async () => key)));
            expect(back.equals(o.plain)).toBe(true);
        }
    });

    test("a source that gives fewer bytes than announced fails the stream, as inline", async () => {
        const key = crypto.randomBytes(32);
        await expect(readAll(Readable.from([crypto.randomBytes(100)]).pipe(new PooledEncryptor(pool, key, header(200))))).rejects.toThrow(/read 100 bytes, the source announced 200/);
    });
});
