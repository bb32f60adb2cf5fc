// The object format on the target, `hdw-envelope/2` (docs/data-move.md, "Object format"). Everything a reader or
// the verification trusts is inside the object and authenticated, nothing in S3 metadata:
//
//   object      = prefix || header || commitment || segment_0 || ... || segment_{n-1} || trailer
//   prefix      = "HDWE" || version (1 byte, 2) || suite (1 byte, 1) || uint16be(header length)      (8 bytes)
//   header      = canonical JSON: bucket, key, scope, key id, wrapping, wrapped data key, object nonce,
//                 segment size, plaintext size, and the source's identity (account, container, blob, ETag,
//                 Last-Modified, length, Content-MD5, encryption, how the copy was checked against the source)
//   digest      = SHA-256(prefix || header)
//   objectKey   = HKDF-SHA-256(dataKey, salt = nonce, info = "hdw-envelope/2 encryption key" 0 digest)
//   commitment  = HKDF-SHA-256(dataKey, salt = nonce, info = "hdw-envelope/2 key commitment" 0 digest)
//   segment_i   = AES-256-GCM(objectKey, iv(0, i), plaintext[i*S .. (i+1)*S))  -> ciphertext || 16-byte tag
//   trailer     = AES-256-GCM(objectKey, iv(1, n), uint64be(size) || sha256(plaintext))        (56 bytes)
//   iv(f, i)    = uint32be(f) || uint64be(i)
//
// The data key is the run's key for the route (migration/keys/data-keys.ts), wrapped once by the route's key
// service; the object key is derived per object from it, the object's random nonce and every header field, so
// altering any field (a source version, a bucket, the segment size) changes the key and nothing decrypts. The
// commitment, checked before any segment, makes the header authenticated and binds the ciphertext to one key
// (GCM alone is not key-committing). Counter and final flag in the IV make reordered, dropped or appended segments
// fail (the STREAM construction). Every header field is bounded before anything is allocated for it.

import * as crypto from "crypto";
import { Transform, TransformCallback } from "stream";

export const FORMAT = "hdw-envelope/2";
const MAGIC = Buffer.from("HDWE", "ascii");
const VERSION = 2;
const SUITE = 1; // AES-256-GCM, HKDF-SHA-256, key commitment
export const PREFIX_SIZE = 8;
export const COMMITMENT_SIZE = 32;
const TAG = 16;
const TRAILER_PLAIN = 8 + 32;
export const TRAILER_SIZE = TRAILER_PLAIN + TAG;
export const NONCE_SIZE = 32;
/** GCM output is fed and taken in pieces of this size: larger calls allocate and page-fault per call. */
const PIECE = 64 * 1024;

/** Bounds on every header field, checked before anything else is read. */
export const LIMITS = {
    headerBytes: 16 * 1024,
    /** Segment size: from 4 KiB to 4 MiB, so a reader holds at most 4 MiB of unauthenticated plaintext. */
    minSegment: 4 * 1024,
    maxSegment: 4 * 1024 * 1024,
    /** S3's largest object. */
    maxSize: 5 * 2 ** 40,
    /** S3 object keys and Azure blob names are at most 1,024 characters. */
    name: 1024,
    wrappedKey: 8192,
    field: 256,
} as const;

/** The largest header region (prefix, header, commitment): what a reader fetches to read a header alone. */
export const MAX_HEADER_REGION = PREFIX_SIZE + LIMITS.headerBytes + COMMITMENT_SIZE;

export const DEFAULT_SEGMENT_SIZE = 1024 * 1024;
export const SOURCE_CHECKS = ["content-md5", "range-md5"] as const;
export type SourceCheck = typeof SOURCE_CHECKS[number];
export const SOURCE_ENCRYPTION_NAMES = ["service-side", "client-side-v2"] as const;

/** The source object a target object was copied from, as the source listed it when the copy began. */
export interface SourceIdentity {
    /** The storage account's name. */
    readonly account: string;
    readonly container: string;
    readonly blob: string;
    readonly etag: string;
    readonly lastModified: string;
    /** Bytes as stored at the source (ciphertext for client-side encrypted blobs). */
    readonly length: number;
    /** The source's own Content-MD5 of those bytes, base64, when it has one. */
    readonly contentMd5?: string;
    readonly encryption: typeof SOURCE_ENCRYPTION_NAMES[number];
    /** How the bytes read were checked against the source's own checksums before the object could exist. */
    readonly check: SourceCheck;
}

export interface EnvelopeHeader {
    readonly bucket: string;
    readonly key: string;
    /** The route's scope (a research project id, or "platform"). */
    readonly scope: string;
    /** The key service's id of the key that wrapped the data key. */
    readonly keyId: string;
    /** How: `okms-servicekey-encrypt`, `openbao-transit`, `pkcs11-aes-key-wrap-pad`. */
    readonly wrapping: string;
    readonly wrappedKey: string;
    readonly nonce: Buffer;
    readonly segmentSize: number;
    /** Plaintext bytes. */
    readonly size: number;
    readonly source: SourceIdentity;
}

export class EnvelopeError extends Error {
    constructor(message: string, readonly kind: "format" | "forged" | "corrupt" | "truncated") {
        super(message);
        this.name = "EnvelopeError";
    }
}

/** Segments of a plaintext of `size` bytes. */
export function segmentCount(size: number, segmentSize: number): number {
    return Math.ceil(size / segmentSize);
}

/** Header region, segments and trailer: the stored size, known before the first byte is sent. */
export function storedSize(header: EnvelopeHeader): number {
    return headerRegionSize(header) + header.size + segmentCount(header.size, header.segmentSize) * TAG + TRAILER_SIZE;
}

export function headerRegionSize(header: EnvelopeHeader): number {
    return PREFIX_SIZE + Buffer.byteLength(headerJson(header)) + COMMITMENT_SIZE;
}

export function newNonce(): Buffer {
    return crypto.randomBytes(NONCE_SIZE);
}

/** The canonical header text: fixed field order, no whitespace, optional fields left out. */
function headerJson(h: EnvelopeHeader): string {
    const s = h.source;
    return JSON.stringify({
        format: FORMAT, bucket: h.bucket, key: h.key, scope: h.scope, keyId: h.keyId, wrapping: h.wrapping,
        wrappedKey: h.wrappedKey, nonce: h.nonce.toString("base64"), segmentSize: h.segmentSize, size: h.size,
        source: {
            account: s.account, container: s.container, blob: s.blob, etag: s.etag, lastModified: s.lastModified,
            length: s.length, ...(s.contentMd5 !== undefined ? { contentMd5: s.contentMd5 } : {}),
            encryption: s.encryption, check: s.check,
        },
    });
}

export function encodeHeaderPrefixAndBody(h: EnvelopeHeader): Buffer {
    validateHeader(h);
    const json = Buffer.from(headerJson(h), "utf8");
    if (json.length > LIMITS.headerBytes) throw new EnvelopeError(`header is ${json.length} bytes, more than ${LIMITS.headerBytes}`, "format");
    const prefix = Buffer.alloc(PREFIX_SIZE);
    MAGIC.copy(prefix, 0);
    prefix[4] = VERSION;
    prefix[5] = SUITE;
    prefix.writeUInt16BE(json.length, 6);
    return Buffer.concat([prefix, json]);
}

/** The keys of one object: derived from the data key, the nonce and the whole header. */
export interface ObjectKeys {
    readonly objectKey: Buffer;
    readonly commitment: Buffer;
}

export function deriveKeys(dataKey: Buffer, nonce: Buffer, prefixAndHeader: Buffer): ObjectKeys {
    if (dataKey.length !== 32) throw new EnvelopeError("the data key must be 32 bytes", "format");
    const digest = crypto.createHash("sha256").update(prefixAndHeader).digest();
    const derive = (label: string) => Buffer.from(crypto.hkdfSync("sha256", dataKey, nonce, Buffer.concat([Buffer.from(`${FORMAT} ${label}\0`), digest]), 32));
    return { objectKey: derive("encryption key"), commitment: derive("key commitment") };
}

/** A parsed header region: the header, its bytes (for the key derivation) and the stored commitment. */
export interface ParsedHeader {
    readonly header: EnvelopeHeader;
    readonly prefixAndHeader: Buffer;
    readonly commitment: Buffer;
    /** Bytes of the header region: where the first segment starts. */
    readonly regionSize: number;
}

/**
 * Parses the header region at the start of `bytes`; returns undefined while more bytes are needed (never more than
 * MAX_HEADER_REGION), throws on anything out of bounds or not canonical. The header is not authenticated yet:
 * call `authenticate` with the data key before trusting any field.
 */
export function parseHeader(bytes: Buffer): ParsedHeader | undefined {
    if (bytes.length < PREFIX_SIZE) return undefined;
    if (!bytes.subarray(0, 4).equals(MAGIC)) throw new EnvelopeError(`not an ${FORMAT} object (no HDWE prefix)`, "format");
    if (bytes[4] !== VERSION) throw new EnvelopeError(`format version ${bytes[4]} is not supported (expected ${VERSION})`, "format");
    if (bytes[5] !== SUITE) throw new EnvelopeError(`algorithm suite ${bytes[5]} is not supported (expected ${SUITE})`, "format");
    const length = bytes.readUInt16BE(6);
    if (length === 0 || length > LIMITS.headerBytes) throw new EnvelopeError(`header length ${length} is out of bounds (1 to ${LIMITS.headerBytes})`, "format");
    const regionSize = PREFIX_SIZE + length + COMMITMENT_SIZE;
    if (bytes.length < regionSize) return undefined;
    const json = bytes.subarray(PREFIX_SIZE, PREFIX_SIZE + length);
    let raw: any;
    try {
        raw = JSON.parse(json.toString("utf8"));
    } catch {
        throw new EnvelopeError("header is not JSON", "format");
    }
    const header = headerFromJson(raw);
    // One encoding only: a header that is not byte for byte the canonical form of its own fields is refused.
    if (!Buffer.from(headerJson(header), "utf8").equals(json)) throw new EnvelopeError("header is not in canonical form", "format");
    return {
        header, prefixAndHeader: Buffer.from(bytes.subarray(0, PREFIX_SIZE + length)),
        commitment: Buffer.from(bytes.subarray(PREFIX_SIZE + length, regionSize)), regionSize,
    };
}

/** Checks the commitment under `dataKey`: the header is authentic and the object belongs to this key. */
export function authenticate(parsed: ParsedHeader, dataKey: Buffer): ObjectKeys {
    const keys = deriveKeys(dataKey, parsed.header.nonce, parsed.prefixAndHeader);
    if (!crypto.timingSafeEqual(keys.commitment, parsed.commitment)) {
        throw new EnvelopeError("the header does not authenticate under the route's key (altered, or written under another key)", "forged");
    }
    return keys;
}

function headerFromJson(raw: any): EnvelopeHeader {
    const fail = (what: string): never => { throw new EnvelopeError(`header field ${what}`, "format"); };
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("set is not an object");
    if (raw.format !== FORMAT) fail(`format is ${JSON.stringify(raw.format)}, expected ${FORMAT}`);
    const text = (v: unknown, name: string, max: number = LIMITS.field) =>
        (typeof v === "string" && v.length > 0 && v.length <= max ? v : fail(`${name} must be a string of 1 to ${max} characters`));
    const count = (v: unknown, name: string, min: number, max: number) =>
        (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? v as number : fail(`${name} must be a whole number from ${min} to ${max}`));
    const s = raw.source ?? fail("source is missing");
    const nonce = Buffer.from(text(raw.nonce, "nonce", 64), "base64");
    if (nonce.length !== NONCE_SIZE) fail(`nonce must be ${NONCE_SIZE} bytes`);
    const encryption = SOURCE_ENCRYPTION_NAMES.find(e => e === s.encryption) ?? fail(`source.encryption must be one of ${SOURCE_ENCRYPTION_NAMES.join(", ")}`);
    const check = SOURCE_CHECKS.find(c => c === s.check) ?? fail(`source.check must be one of ${SOURCE_CHECKS.join(", ")}`);
    return {
        bucket: text(raw.bucket, "bucket", 63), key: text(raw.key, "key", LIMITS.name), scope: text(raw.scope, "scope"),
        keyId: text(raw.keyId, "keyId"), wrapping: text(raw.wrapping, "wrapping"), wrappedKey: text(raw.wrappedKey, "wrappedKey", LIMITS.wrappedKey),
        nonce,
        // The bound is what makes a forged header harmless: a reader never holds more than one segment.
        segmentSize: count(raw.segmentSize, "segment size", LIMITS.minSegment, LIMITS.maxSegment),
        size: count(raw.size, "size", 0, LIMITS.maxSize),
        source: {
            account: text(s.account, "source.account"), container: text(s.container, "source.container"), blob: text(s.blob, "source.blob", LIMITS.name),
            etag: text(s.etag, "source.etag"), lastModified: text(s.lastModified, "source.lastModified"),
            length: count(s.length, "source.length", 0, LIMITS.maxSize),
            ...(s.contentMd5 !== undefined ? { contentMd5: text(s.contentMd5, "source.contentMd5", 24) } : {}),
            encryption, check,
        },
    };
}

function validateHeader(h: EnvelopeHeader): void {
    headerFromJson(JSON.parse(headerJson(h)));
}

function iv(final: boolean, index: number): Buffer {
    const b = Buffer.alloc(12);
    b.writeUInt32BE(final ? 1 : 0, 0);
    b.writeBigUInt64BE(BigInt(index), 4);
    return b;
}

/**
 * The encryption as a plain state machine (no stream): plaintext in, ciphertext pieces out. The same code runs
 * inline and in the mover's crypto workers.
 */
export class SegmentSealer {
    private cipher?: crypto.CipherGCM;
    private inSegment = 0;
    private index = 0;
    private total = 0;
    private readonly hash = crypto.createHash("sha256");

    constructor(private readonly objectKey: Buffer, private readonly segmentSize: number) {}

    /** Encrypts `chunk`; returns the ciphertext ready to go out (tags included as segments close). */
    write(chunk: Buffer, out: Buffer[] = []): Buffer[] {
        this.hash.update(chunk);
        this.total += chunk.length;
        let offset = 0;
        while (offset < chunk.length) {
            this.cipher ??= crypto.createCipheriv("aes-256-gcm", this.objectKey, iv(false, this.index));
            const take = Math.min(chunk.length - offset, this.segmentSize - this.inSegment, PIECE);
            out.push(this.cipher.update(chunk.subarray(offset, offset + take)));
            offset += take;
            this.inSegment += take;
            if (this.inSegment === this.segmentSize) this.closeSegment(out);
        }
        return out;
    }

    /** Closes the last segment and appends the trailer; `digest` is then available. */
    finish(out: Buffer[] = []): { pieces: Buffer[]; size: number; sha256: string } {
        if (this.inSegment > 0) this.closeSegment(out);
        const sha256 = this.hash.digest();
        const trailer = Buffer.alloc(TRAILER_PLAIN);
        trailer.writeBigUInt64BE(BigInt(this.total), 0);
        sha256.copy(trailer, 8);
        const c = crypto.createCipheriv("aes-256-gcm", this.objectKey, iv(true, this.index));
        out.push(c.update(trailer), c.final(), c.getAuthTag());
        return { pieces: out, size: this.total, sha256: sha256.toString("hex") };
    }

    private closeSegment(out: Buffer[]): void {
        const c = this.cipher!;
        const last = c.final();
        if (last.length) out.push(last);
        out.push(c.getAuthTag());
        this.cipher = undefined;
        this.inSegment = 0;
        this.index++;
    }
}

/** What a decryption proved: the plaintext's size and SHA-256 (and MD5 when asked), all authenticated. */
export interface OpenedDigest {
    readonly size: number;
    readonly sha256: string;
    readonly md5?: string;
}

/**
 * Decryption as a state machine over the stored bytes after the header region: releases a segment's plaintext
 * only once its tag has authenticated, keeps pieces as they came (no re-concatenation), so its work is linear and
 * what it holds is bounded by one segment whatever the header says.
 */
export class SegmentOpener {
    private decipher?: crypto.DecipherGCM;
    private index = 0;
    private inSegment = 0;
    private held: Buffer[] = [];
    private readonly tag = Buffer.alloc(TAG);
    private tagBytes = 0;
    private trailer?: Buffer;
    private trailerBytes = 0;
    private total = 0;
    private readonly hash = crypto.createHash("sha256");
    private readonly md5?: crypto.Hash;
    private readonly segments: number;
    private result?: OpenedDigest;
    /** The most plaintext held back at once, for the tests of defect 7. */
    maxHeld = 0;

    constructor(private readonly objectKey: Buffer, private readonly header: EnvelopeHeader, options: { md5?: boolean } = {}) {
        this.segments = segmentCount(header.size, header.segmentSize);
        if (options.md5) this.md5 = crypto.createHash("md5");
    }

    /** Feeds stored bytes; returns authenticated plaintext released by them. */
    write(chunk: Buffer, out: Buffer[] = []): Buffer[] {
        let offset = 0;
        while (offset < chunk.length) {
            if (this.index >= this.segments) {
                offset += this.takeTrailer(chunk.subarray(offset));
                continue;
            }
            const length = this.segmentLength(this.index);
            if (this.inSegment < length) {
                this.decipher ??= crypto.createDecipheriv("aes-256-gcm", this.objectKey, iv(false, this.index));
                const take = Math.min(chunk.length - offset, length - this.inSegment, PIECE);
                const plain = this.decipher.update(chunk.subarray(offset, offset + take));
                if (plain.length) this.held.push(plain);
                this.inSegment += take;
                offset += take;
                this.maxHeld = Math.max(this.maxHeld, this.inSegment);
                continue;
            }
            const take = Math.min(chunk.length - offset, TAG - this.tagBytes);
            chunk.copy(this.tag, this.tagBytes, offset, offset + take);
            this.tagBytes += take;
            offset += take;
            if (this.tagBytes === TAG) this.closeSegment(out);
        }
        return out;
    }

    /** Checks that the object ended exactly after an authentic trailer matching what was decrypted. */
    finish(): OpenedDigest {
        if (this.index < this.segments || this.trailerBytes < TRAILER_SIZE) {
            throw new EnvelopeError(`the object ends early (segment ${this.index} of ${this.segments}): truncated`, "truncated");
        }
        const d = crypto.createDecipheriv("aes-256-gcm", this.objectKey, iv(true, this.segments));
        d.setAuthTag(this.trailer!.subarray(TRAILER_PLAIN));
        let plain: Buffer;
        try {
            plain = Buffer.concat([d.update(this.trailer!.subarray(0, TRAILER_PLAIN)), d.final()]);
        } catch {
            throw new EnvelopeError("the trailer does not authenticate (object truncated, extended or altered)", "corrupt");
        }
        const size = Number(plain.readBigUInt64BE(0));
        const sha256 = plain.subarray(8).toString("hex");
        const actual = this.hash.digest("hex");
        if (size !== this.total || size !== this.header.size || sha256 !== actual) {
            throw new EnvelopeError("the plaintext does not match the trailer's size and SHA-256", "corrupt");
        }
        this.result = { size, sha256, ...(this.md5 ? { md5: this.md5.digest("base64") } : {}) };
        return this.result;
    }

    private segmentLength(index: number): number {
        return index < this.segments - 1 ? this.header.segmentSize : this.header.size - (this.segments - 1) * this.header.segmentSize;
    }

    private closeSegment(out: Buffer[]): void {
        const d = this.decipher ?? crypto.createDecipheriv("aes-256-gcm", this.objectKey, iv(false, this.index));
        d.setAuthTag(this.tag);
        let last: Buffer;
        try {
            last = d.final();
        } catch {
            throw new EnvelopeError(`segment ${this.index} does not authenticate (object altered, reordered or truncated)`, "corrupt");
        }
        if (last.length) this.held.push(last);
        for (const piece of this.held) {
            this.hash.update(piece);
            this.md5?.update(piece);
            this.total += piece.length;
            out.push(piece);
        }
        this.held = [];
        this.decipher = undefined;
        this.inSegment = 0;
        this.tagBytes = 0;
        this.index++;
    }

    private takeTrailer(bytes: Buffer): number {
        this.trailer ??= Buffer.alloc(TRAILER_SIZE);
        const take = Math.min(bytes.length, TRAILER_SIZE - this.trailerBytes);
        if (take === 0) throw new EnvelopeError("bytes after the trailer: the object was extended", "corrupt");
        bytes.copy(this.trailer, this.trailerBytes, 0, take);
        this.trailerBytes += take;
        return take;
    }
}

/** Reads the trailer alone (the object's last TRAILER_SIZE bytes): size and SHA-256 without reading the rest. */
export function openTrailer(objectKey: Buffer, header: EnvelopeHeader, trailer: Buffer): { size: number; sha256: string } {
    if (trailer.length !== TRAILER_SIZE) throw new EnvelopeError("the trailer has the wrong length", "truncated");
    const d = crypto.createDecipheriv("aes-256-gcm", objectKey, iv(true, segmentCount(header.size, header.segmentSize)));
    d.setAuthTag(trailer.subarray(TRAILER_PLAIN));
    let plain: Buffer;
    try {
        plain = Buffer.concat([d.update(trailer.subarray(0, TRAILER_PLAIN)), d.final()]);
    } catch {
        throw new EnvelopeError("the trailer does not authenticate (object truncated, extended or altered)", "corrupt");
    }
    const size = Number(plain.readBigUInt64BE(0));
    if (size !== header.size) throw new EnvelopeError(`the trailer says ${size} bytes, the header ${header.size}`, "corrupt");
    return { size, sha256: plain.subarray(8).toString("hex") };
}

/** What every encryption stage shares: the header region goes out first; the size read is checked at the end. */
export abstract class EnvelopeWriter extends Transform {
    protected readonly region: Buffer;
    protected readonly objectKey: Buffer;
    private started = false;
    private result?: { size: number; sha256: string };

    protected constructor(dataKey: Buffer, readonly header: EnvelopeHeader, highWaterMarks: { readable: number; writable: number }) {
        super({ readableHighWaterMark: highWaterMarks.readable, writableHighWaterMark: highWaterMarks.writable });
        const prefixAndHeader = encodeHeaderPrefixAndBody(header);
        const keys = deriveKeys(dataKey, header.nonce, prefixAndHeader);
        this.region = Buffer.concat([prefixAndHeader, keys.commitment]);
        this.objectKey = keys.objectKey;
    }

    /** The plaintext's size and SHA-256, once the stream has ended. */
    digest(): { size: number; sha256: string } {
        if (!this.result) throw new Error("the encryptor has not finished");
        return this.result;
    }

    protected start(): void {
        if (this.started) return;
        this.started = true;
        this.push(this.region);
    }

    /** Records the digest, or the error when fewer or more bytes were read than the source announced. */
    protected finished(size: number, sha256: string): Error | undefined {
        if (size !== this.header.size) return new EnvelopeError(`read ${size} bytes, the source announced ${this.header.size}`, "truncated");
        this.result = { size, sha256 };
        return undefined;
    }
}

/** The encryption as a stream on this thread: header region first, then segments, then the trailer. */
export class EnvelopeEncryptor extends EnvelopeWriter {
    private readonly sealer: SegmentSealer;

    constructor(dataKey: Buffer, header: EnvelopeHeader) {
        super(dataKey, header, { readable: 4 * PIECE, writable: 4 * PIECE });
        this.sealer = new SegmentSealer(this.objectKey, header.segmentSize);
    }

    _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
        this.start();
        for (const piece of this.sealer.write(chunk)) this.push(piece);
        done();
    }

    _flush(done: TransformCallback): void {
        this.start();
        const result = this.sealer.finish();
        for (const piece of result.pieces) this.push(piece);
        done(this.finished(result.size, result.sha256));
    }
}

/** Finds the data key for a header, refusing a header that does not belong to the route being read. */
export type DataKeyFor = (header: EnvelopeHeader) => Promise<Buffer>;

/**
 * Decrypts a stored object back to plaintext: parses and bounds the header, asks `keyFor` for the data key (which
 * checks the header against the route), checks the commitment, then releases each segment once authenticated.
 */
export class EnvelopeDecryptor extends Transform {
    private headerBytes: Buffer[] = [];
    private headerLength = 0;
    private opener?: SegmentOpener;
    private parsed?: ParsedHeader;
    private consumed = 0;
    private result?: OpenedDigest;

    constructor(private readonly keyFor: DataKeyFor, private readonly options: { storedSize?: number; md5?: boolean } = {}) {
        super({ readableHighWaterMark: 4 * PIECE, writableHighWaterMark: 4 * PIECE });
    }

    get header(): EnvelopeHeader | undefined {
        return this.parsed?.header;
    }

    /** The most plaintext held back at once (bounded by the segment size). */
    get maxHeld(): number {
        return this.opener?.maxHeld ?? 0;
    }

    _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
        this.consumed += chunk.length;
        if (this.opener) {
            this.release(chunk, done);
            return;
        }
        this.headerBytes.push(chunk);
        this.headerLength += chunk.length;
        let parsed: ParsedHeader | undefined;
        try {
            // At most the header region is ever gathered: parseHeader bounds it from its first 8 bytes.
            const gathered = Buffer.concat(this.headerBytes);
            this.headerBytes = [gathered];
            parsed = parseHeader(gathered);
        } catch (e) {
            done(e as Error);
            return;
        }
        if (!parsed) {
            done();
            return;
        }
        this.parsed = parsed;
        const expected = storedSize(parsed.header);
        if (this.options.storedSize !== undefined && this.options.storedSize !== expected) {
            done(new EnvelopeError(`the object is ${this.options.storedSize} bytes, its header announces ${expected}`, "truncated"));
            return;
        }
        const rest = this.headerBytes[0].subarray(parsed.regionSize);
        this.headerBytes = [];
        this.keyFor(parsed.header).then(dataKey => {
            const keys = authenticate(parsed!, dataKey);
            this.opener = new SegmentOpener(keys.objectKey, parsed!.header, { md5: this.options.md5 });
            this.release(rest, done);
        }, done).catch(done);
    }

    _flush(done: TransformCallback): void {
        try {
            if (!this.opener) throw new EnvelopeError(`the object ends inside its header (${this.consumed} bytes)`, "truncated");
            this.result = this.opener.finish();
            done();
        } catch (e) {
            done(e as Error);
        }
    }

    digest(): OpenedDigest {
        if (!this.result) throw new Error("the decryptor has not finished");
        return this.result;
    }

    private release(bytes: Buffer, done: TransformCallback): void {
        try {
            for (const piece of this.opener!.write(bytes)) this.push(piece);
            done();
        } catch (e) {
            done(e as Error);
        }
    }
}
