// Reading a source blob so that every byte is compared with a checksum the source itself computed, before the
// copy can complete: the blob's stored Content-MD5 when it has one (one read, checked at its end), otherwise the
// MD5 the service computes for each range of at most 4 MiB it sends (x-ms-range-get-content-md5). A mismatch fails
// the stream, which aborts the upload: no object that failed this check ever appears on the target.

import * as crypto from "crypto";
import { PassThrough, Readable, Transform, TransformCallback } from "stream";
import { KeyResolver } from "../keys/key-encryption-key";
import {
    ClientSideDecryptor, clientSidePlaintextSize, parseClientSideEncryption, unwrapContentKey,
} from "./azure-client-side";
import { SourceCheck } from "./envelope";
import { Route } from "./plan";
import { EndpointError } from "./requests";
import { RANGE_MD5_LIMIT, SourceBlob, SourceStore } from "./source";

export interface CheckedSource {
    /** Plaintext: decrypted when the client encrypted the blob; fails if a source checksum does not match. */
    readonly body: Readable;
    readonly plaintextSize: number;
    readonly check: SourceCheck;
    readonly encryption: "service-side" | "client-side-v2";
}

/** The bytes read do not match the source's own checksum: a bad read (transit, proxy, client), retried. */
export class SourceChecksumError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "SourceChecksumError";
    }
}

export async function openChecked(source: SourceStore, blob: SourceBlob, route: Route, sourceKeys: KeyResolver | undefined,
                                  rangeSize = RANGE_MD5_LIMIT): Promise<CheckedSource> {
    const where = `${blob.container}/${blob.name}`;
    let raw: Readable;
    let metadata: Record<string, string>;
    let check: SourceCheck;
    if (blob.contentMd5 !== undefined || blob.size === 0) {
        const read = await source.read(blob);
        metadata = read.metadata;
        raw = read.body.pipe(new Md5Check(blob.contentMd5, blob.size, where));
        read.body.on("error", e => raw.destroy(e));
        check = "content-md5";
    } else {
        const first = await source.read(blob, { offset: 0, count: Math.min(rangeSize, blob.size), md5: true });
        metadata = first.metadata;
        raw = Readable.from(rangesOf(source, blob, first, rangeSize, where), { objectMode: false });
        check = "range-md5";
    }
    try {
        const encryption = parseClientSideEncryption(metadata);
        if (!encryption) {
            if (route.sourceEncryption === "client-side-v2") {
                throw new Error(`${where}: the route expects client-side encryption but the blob has no encryptiondata`);
            }
            return { body: raw, plaintextSize: blob.size, check, encryption: "service-side" };
        }
        // Encrypted on the client even if the route says otherwise: copying its ciphertext as plaintext would be wrong.
        if (!sourceKeys) throw new Error(`${where} is client-side encrypted but no source key service is configured`);
        const contentKey = await unwrapContentKey(encryption, sourceKeys);
        const decryptor = new ClientSideDecryptor(contentKey, encryption.regionSize);
        raw.on("error", e => decryptor.destroy(e));
        return { body: raw.pipe(decryptor), plaintextSize: clientSidePlaintextSize(blob.size, encryption), check, encryption: "client-side-v2" };
    } catch (e) {
        raw.destroy();
        throw e;
    }
}

/** One read of the whole blob, checked against its stored Content-MD5 and length when the last byte has passed. */
class Md5Check extends Transform {
    private readonly hash = crypto.createHash("md5");
    private seen = 0;
    constructor(private readonly expected: string | undefined, private readonly size: number, private readonly where: string) {
        super();
    }
    _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
        this.hash.update(chunk);
        this.seen += chunk.length;
        done(null, chunk);
    }
    _flush(done: TransformCallback): void {
        if (this.seen !== this.size) return done(new SourceChecksumError(`${this.where}: read ${this.seen} bytes, the source lists ${this.size}`));
        const actual = this.hash.digest("base64");
        if (this.expected !== undefined && actual !== this.expected) {
            return done(new SourceChecksumError(`${this.where}: the bytes read do not match the source's Content-MD5 (${actual}, expected ${this.expected})`));
        }
        done();
    }
}

/** The blob as consecutive ranges, each checked against the MD5 the service computed for it; the next is prefetched. */
async function* rangesOf(source: SourceStore, blob: SourceBlob, first: { body: Readable; rangeMd5?: string }, rangeSize: number,
                         where: string): AsyncGenerator<Buffer> {
    let current: Promise<{ body: Readable; rangeMd5?: string }> = Promise.resolve(first);
    let pending: Promise<{ body: Readable; rangeMd5?: string }> | undefined;
    try {
        for (let offset = 0; offset < blob.size; offset += rangeSize) {
            const count = Math.min(rangeSize, blob.size - offset);
            const read = await current;
            const nextOffset = offset + rangeSize;
            if (nextOffset < blob.size) {
                pending = source.read(blob, { offset: nextOffset, count: Math.min(rangeSize, blob.size - nextOffset), md5: true });
                pending.catch(() => undefined); // awaited in the next turn; a failure there is reported there
            } else {
                pending = undefined;
            }
            if (!read.rangeMd5) {
                read.body.destroy();
                throw new EndpointError(source.endpoint, `GET ${where} bytes ${offset}-${offset + count - 1}`,
                    "no Content-MD5 for the range although it was asked for (x-ms-range-get-content-md5)", "permanent");
            }
            const hash = crypto.createHash("md5");
            let seen = 0;
            for await (const chunk of read.body) {
                hash.update(chunk as Buffer);
                seen += (chunk as Buffer).length;
                yield chunk as Buffer;
            }
            if (seen !== count) throw new SourceChecksumError(`${where}: range at ${offset} gave ${seen} bytes, expected ${count}`);
            const actual = hash.digest("base64");
            if (actual !== read.rangeMd5) {
                throw new SourceChecksumError(`${where}: bytes ${offset}-${offset + count - 1} do not match the MD5 the source computed for them`);
            }
            current = pending ?? Promise.resolve({ body: new PassThrough().end() as Readable });
        }
    } finally {
        if (pending) pending.then(r => r.body.destroy(), () => undefined);
    }
}
