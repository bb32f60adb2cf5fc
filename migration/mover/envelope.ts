// The object format on the target: envelope encryption, AES-256-GCM in segments, under a per-object data key
// wrapped by the project's key (see docs/data-move.md, "Object format").
//
//   stored object = segment_0 || ... || segment_{n-1} || trailer
//   segment_i     = AES-256-GCM(dataKey, nonce(i, 0), plaintext[i*S .. (i+1)*S), aad) -> ciphertext || 16-byte tag
//   trailer       = AES-256-GCM(dataKey, nonce(n, 1), uint64be(size) || sha256(plaintext), aad)
//   nonce(i, f)   = 7-byte random prefix || uint32be(i) || byte f     (f = 1 only for the trailer)
//   aad           = "hdw-envelope/1\n" || object key
//
// Segments let a reader stream and release only authenticated plaintext; the counter and final flag in the nonce
// make reordering, dropping or truncating segments fail authentication (the STREAM construction). The trailer
// carries the plaintext size and SHA-256, authenticated, because they are known only once the object has streamed
// through and S3 metadata must be sent before the first byte.

import * as crypto from "crypto";
import { Transform, TransformCallback } from "stream";

export const FORMAT = "hdw-envelope/1";
export const CIPHER = "AES-256-GCM";
export const DEFAULT_SEGMENT_SIZE = 1024 * 1024;
const TAG = 16;
const PREFIX = 7;
const TRAILER_PLAIN = 8 + 32;
export const TRAILER_SIZE = TRAILER_PLAIN + TAG;

/** Metadata keys on the target object (S3 user metadata, sent as `x-amz-meta-<key>`). */
export const META = {
    format: "hdw-format",
    cipher: "hdw-cipher",
    segmentSize: "hdw-segment-size",
    noncePrefix: "hdw-nonce-prefix",
    keyId: "hdw-key-id",
    wrapping: "hdw-key-wrapping",
    wrappedKey: "hdw-wrapped-key",
    plaintextSize: "hdw-plaintext-size",
    sourceEtag: "hdw-source-etag",
    sourceLastModified: "hdw-source-last-modified",
} as const;

/** What a reader needs, besides the key service, to decrypt an object. */
export interface EnvelopeHeader {
    readonly keyId: string;
    readonly wrapping: string;
    readonly wrappedKey: string;
    readonly noncePrefix: Buffer;
    readonly segmentSize: number;
    readonly plaintextSize: number;
}

export function headerToMetadata(h: EnvelopeHeader): Record<string, string> {
    return {
        [META.format]: FORMAT,
        [META.cipher]: CIPHER,
        [META.segmentSize]: String(h.segmentSize),
        [META.noncePrefix]: h.noncePrefix.toString("base64"),
        [META.keyId]: h.keyId,
        [META.wrapping]: h.wrapping,
        [META.wrappedKey]: h.wrappedKey,
        [META.plaintextSize]: String(h.plaintextSize),
    };
}

/** Reads the header back from S3 metadata; throws naming what is missing or unknown. */
export function headerFromMetadata(meta: Record<string, string | undefined>): EnvelopeHeader {
    const get = (k: string) => {
        const v = meta[k];
        if (v === undefined || v === "") throw new Error(`not an ${FORMAT} object: metadata ${k} is missing`);
        return v;
    };
    if (get(META.format) !== FORMAT) throw new Error(`unknown object format ${meta[META.format]} (expected ${FORMAT})`);
    if (get(META.cipher) !== CIPHER) throw new Error(`unknown cipher ${meta[META.cipher]} (expected ${CIPHER})`);
    const noncePrefix = Buffer.from(get(META.noncePrefix), "base64");
    if (noncePrefix.length !== PREFIX) throw new Error(`nonce prefix must be ${PREFIX} bytes`);
    return {
        keyId: get(META.keyId), wrapping: get(META.wrapping), wrappedKey: get(META.wrappedKey), noncePrefix,
        segmentSize: positive(get(META.segmentSize), META.segmentSize),
        plaintextSize: nonNegative(get(META.plaintextSize), META.plaintextSize),
    };
}

/** The stored size of a plaintext of `size` bytes: lets the uploader announce the length before streaming. */
export function ciphertextSize(size: number, segmentSize: number): number {
    return size + Math.ceil(size / segmentSize) * TAG + TRAILER_SIZE;
}

export function newDataKey(): { dataKey: Buffer; noncePrefix: Buffer } {
    return { dataKey: crypto.randomBytes(32), noncePrefix: crypto.randomBytes(PREFIX) };
}

export function associatedData(objectKey: string): Buffer {
    return Buffer.from(`${FORMAT}\n${objectKey}`, "utf8");
}

function nonce(prefix: Buffer, index: number, final: boolean): Buffer {
    const n = Buffer.alloc(12);
    prefix.copy(n, 0);
    n.writeUInt32BE(index, PREFIX);
    n[11] = final ? 1 : 0;
    return n;
}

function seal(key: Buffer, iv: Buffer, aad: Buffer, plain: Buffer): Buffer {
    const c = crypto.createCipheriv("aes-256-gcm", key, iv);
    c.setAAD(aad);
    return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

function open(key: Buffer, iv: Buffer, aad: Buffer, sealed: Buffer): Buffer {
    if (sealed.length < TAG) throw new Error("truncated segment");
    const d = crypto.createDecipheriv("aes-256-gcm", key, iv);
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
}

/** Encrypts a plaintext stream into the stored form; `digest()` gives the plaintext size and SHA-256 after it ends. */
export class EnvelopeEncryptor extends Transform {
    private pending: Buffer[] = [];
    private pendingBytes = 0;
    private index = 0;
    private size = 0;
    private readonly hash = crypto.createHash("sha256");
    private result?: { size: number; sha256: string };

    constructor(private readonly dataKey: Buffer, private readonly noncePrefix: Buffer, private readonly aad: Buffer,
                private readonly segmentSize = DEFAULT_SEGMENT_SIZE) {
        super();
    }

    _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
        this.hash.update(chunk);
        this.size += chunk.length;
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        while (this.pendingBytes >= this.segmentSize) {
            const all = Buffer.concat(this.pending);
            this.push(this.sealSegment(all.subarray(0, this.segmentSize)));
            const rest = all.subarray(this.segmentSize);
            this.pending = rest.length ? [rest] : [];
            this.pendingBytes = rest.length;
        }
        done();
    }

    _flush(done: TransformCallback): void {
        if (this.pendingBytes > 0) this.push(this.sealSegment(Buffer.concat(this.pending)));
        const sha256 = this.hash.digest();
        const trailer = Buffer.alloc(TRAILER_PLAIN);
        trailer.writeBigUInt64BE(BigInt(this.size), 0);
        sha256.copy(trailer, 8);
        this.push(seal(this.dataKey, nonce(this.noncePrefix, this.index, true), this.aad, trailer));
        this.result = { size: this.size, sha256: sha256.toString("hex") };
        done();
    }

    digest(): { size: number; sha256: string } {
        if (!this.result) throw new Error("the encryptor has not finished");
        return this.result;
    }

    private sealSegment(plain: Buffer): Buffer {
        return seal(this.dataKey, nonce(this.noncePrefix, this.index++, false), this.aad, plain);
    }
}

/**
 * Decrypts the stored form back to plaintext, releasing only authenticated segments. Fails the stream if any
 * segment or the trailer does not authenticate, if the object is truncated or extended, or if the plaintext's
 * size or SHA-256 differ from the trailer's.
 */
export class EnvelopeDecryptor extends Transform {
    private buffer: Buffer = Buffer.alloc(0);
    private consumed = 0;
    private index = 0;
    private readonly hash = crypto.createHash("sha256");
    private size = 0;
    private readonly dataBytes: number;
    private readonly stored: number;
    private result?: { size: number; sha256: string };

    constructor(private readonly dataKey: Buffer, private readonly header: EnvelopeHeader, private readonly aad: Buffer,
                storedSize: number) {
        super();
        this.stored = storedSize;
        this.dataBytes = storedSize - TRAILER_SIZE;
        if (this.dataBytes < 0) throw new Error(`object too short (${storedSize} bytes) to hold an ${FORMAT} trailer`);
    }

    _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
        this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
        const full = this.header.segmentSize + TAG;
        try {
            while (this.consumed < this.dataBytes) {
                const want = Math.min(full, this.dataBytes - this.consumed);
                if (this.buffer.length < want) break;
                this.emitSegment(this.buffer.subarray(0, want));
                this.buffer = this.buffer.subarray(want);
                this.consumed += want;
            }
            done();
        } catch (e) {
            done(e as Error);
        }
    }

    _flush(done: TransformCallback): void {
        try {
            if (this.consumed < this.dataBytes || this.buffer.length !== TRAILER_SIZE) {
                throw new Error(`object length does not match its announced size (${this.stored} bytes)`);
            }
            let trailer: Buffer;
            try {
                trailer = open(this.dataKey, nonce(this.header.noncePrefix, this.index, true), this.aad, this.buffer);
            } catch {
                throw new Error("the trailer does not authenticate (object truncated, reordered or altered)");
            }
            const size = Number(trailer.readBigUInt64BE(0));
            const sha256 = trailer.subarray(8).toString("hex");
            const actual = this.hash.digest("hex");
            if (size !== this.size || sha256 !== actual) throw new Error("plaintext does not match the trailer's size and SHA-256");
            this.result = { size, sha256 };
            done();
        } catch (e) {
            done(e as Error);
        }
    }

    digest(): { size: number; sha256: string } {
        if (!this.result) throw new Error("the decryptor has not finished");
        return this.result;
    }

    private emitSegment(sealed: Buffer): void {
        let plain: Buffer;
        try {
            plain = open(this.dataKey, nonce(this.header.noncePrefix, this.index, false), this.aad, sealed);
        } catch {
            throw new Error(`segment ${this.index} does not authenticate (object altered or under another key)`);
        }
        this.index++;
        this.size += plain.length;
        this.hash.update(plain);
        this.push(plain);
    }
}

/** Reads the authenticated trailer alone (the object's last TRAILER_SIZE bytes): size and SHA-256 without a full read. */
export function openTrailer(dataKey: Buffer, header: EnvelopeHeader, aad: Buffer, trailerBytes: Buffer): { size: number; sha256: string } {
    if (trailerBytes.length !== TRAILER_SIZE) throw new Error("trailer has the wrong length");
    const segments = Math.ceil(header.plaintextSize / header.segmentSize);
    const trailer = open(dataKey, nonce(header.noncePrefix, segments, true), aad, trailerBytes);
    return { size: Number(trailer.readBigUInt64BE(0)), sha256: trailer.subarray(8).toString("hex") };
}

function positive(v: string, what: string): number {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`metadata ${what} must be a positive integer, got ${v}`);
    return n;
}

function nonNegative(v: string, what: string): number {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`metadata ${what} must be a non-negative integer, got ${v}`);
    return n;
}
