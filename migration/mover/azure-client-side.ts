// Source objects written with Azure Storage client-side encryption v2 (the .NET, Java and Python SDKs' format):
// the blob's `encryptiondata` metadata holds the content key wrapped by a key-encryption key, and the body is a
// sequence of regions `nonce(12) || AES-256-GCM ciphertext || tag(16)` of 4 MiB of plaintext each. The wrapped
// value is the protocol version padded to 8 bytes followed by the content key, so a downgraded version is caught.
//
// Most of the warehouse is NOT stored like this: the Azure stack encrypts at rest with customer-managed keys in
// Key Vault, which the storage service applies transparently, so reads already return plaintext. This decoder
// exists for containers whose writers encrypted on the client; the mover handles both.

import * as crypto from "crypto";
import { Transform, TransformCallback } from "stream";
import { KeyResolver } from "../keys/key-encryption-key";

export const ENCRYPTION_METADATA = "encryptiondata";
const PROTOCOLS = ["2.0", "2.1"];
const NONCE = 12;
const TAG = 16;
/** The SDKs write regions of 4 MiB; a larger announced region is refused so a forged one cannot make us hold a blob. */
export const MAX_REGION = 64 * 1024 * 1024;

export interface ClientSideEncryption {
    readonly protocol: string;
    readonly keyId: string;
    readonly wrapAlgorithm: string;
    readonly encryptedKey: string;
    readonly regionSize: number;
}

/** Parses `encryptiondata`; undefined when the blob was not encrypted on the client. */
export function parseClientSideEncryption(metadata: Record<string, string> | undefined): ClientSideEncryption | undefined {
    const raw = Object.entries(metadata ?? {}).find(([k]) => k.toLowerCase() === ENCRYPTION_METADATA)?.[1];
    if (raw === undefined) return undefined;
    let data: any;
    try {
        data = JSON.parse(raw);
    } catch {
        throw new Error("encryptiondata metadata is not JSON");
    }
    const protocol = data?.EncryptionAgent?.Protocol;
    if (!PROTOCOLS.includes(protocol)) {
        throw new Error(`client-side encryption protocol ${protocol} is not supported (v1 is AES-CBC without integrity; ` +
            "re-encrypt such blobs with v2 at the source first)");
    }
    if (data?.EncryptionAgent?.EncryptionAlgorithm !== "AES_GCM_256") throw new Error("client-side encryption v2 must use AES_GCM_256");
    const regionSize = Number(data?.EncryptedRegionInfo?.DataLength);
    const nonceLength = Number(data?.EncryptedRegionInfo?.NonceLength);
    if (!Number.isSafeInteger(regionSize) || regionSize <= 0 || regionSize > MAX_REGION || nonceLength !== NONCE) {
        throw new Error(`invalid EncryptedRegionInfo (DataLength ${data?.EncryptedRegionInfo?.DataLength}: 1 byte to ${MAX_REGION / 1024 / 1024} MiB; NonceLength must be ${NONCE})`);
    }
    const wrapped = data?.WrappedContentKey ?? {};
    if (typeof wrapped.KeyId !== "string" || typeof wrapped.EncryptedKey !== "string") throw new Error("invalid WrappedContentKey");
    return { protocol, keyId: wrapped.KeyId, wrapAlgorithm: String(wrapped.Algorithm), encryptedKey: wrapped.EncryptedKey, regionSize };
}

/** The plaintext size of a client-side encrypted blob of `stored` bytes. */
export function clientSidePlaintextSize(stored: number, info: ClientSideEncryption): number {
    const region = NONCE + info.regionSize + TAG;
    return stored - Math.ceil(stored / region) * (NONCE + TAG);
}

/** Unwraps the content key with the source key service, checking the version bound into it. */
export async function unwrapContentKey(info: ClientSideEncryption, keys: KeyResolver): Promise<Buffer> {
    const kek = await keys(info.keyId);
    const unwrapped = await kek.unwrap(info.encryptedKey);
    const version = Buffer.alloc(8);
    version.write(info.protocol, "utf8");
    if (unwrapped.length !== 8 + 32 || !unwrapped.subarray(0, 8).equals(version)) {
        throw new Error("the wrapped content key does not carry the blob's protocol version (metadata altered)");
    }
    return unwrapped.subarray(8);
}

/** Encrypts like the Azure SDKs do (the rehearsal seeds client-side encrypted containers with it). */
export function encryptClientSide(plain: Buffer, contentKey: Buffer, regionSize: number): Buffer {
    const parts: Buffer[] = [];
    for (let offset = 0, counter = 0; offset < plain.length; offset += regionSize, counter++) {
        const iv = Buffer.alloc(NONCE);
        iv.writeBigUInt64BE(BigInt(counter), NONCE - 8);
        const c = crypto.createCipheriv("aes-256-gcm", contentKey, iv);
        parts.push(iv, c.update(plain.subarray(offset, offset + regionSize)), c.final(), c.getAuthTag());
    }
    return Buffer.concat(parts);
}

export function encryptionMetadata(keyId: string, wrapAlgorithm: string, encryptedKey: string, regionSize: number): string {
    return JSON.stringify({
        WrappedContentKey: { KeyId: keyId, EncryptedKey: encryptedKey, Algorithm: wrapAlgorithm },
        EncryptionAgent: { Protocol: "2.0", EncryptionAlgorithm: "AES_GCM_256" },
        EncryptedRegionInfo: { DataLength: regionSize, NonceLength: NONCE },
        KeyWrappingMetadata: { EncryptionLibrary: "health-data-warehouse rehearsal" },
    });
}

/** Streams a client-side encrypted body back to plaintext, region by region, authenticated. */
export class ClientSideDecryptor extends Transform {
    private chunks: Buffer[] = [];
    private held = 0;
    private expectedCounter = 0n;

    constructor(private readonly contentKey: Buffer, private readonly regionSize: number) {
        super();
    }

    _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
        this.chunks.push(chunk);
        this.held += chunk.length;
        const region = NONCE + this.regionSize + TAG;
        try {
            // Keep one full region back until the end: only then do we know whether it is the last one.
            while (this.held > region) this.openRegion(this.takeBytes(region));
            done();
        } catch (e) {
            done(e as Error);
        }
    }

    _flush(done: TransformCallback): void {
        try {
            if (this.held > 0) this.openRegion(this.takeBytes(this.held));
            done();
        } catch (e) {
            done(e as Error);
        }
    }

    private takeBytes(n: number): Buffer {
        const all = Buffer.concat(this.chunks);
        this.chunks = all.length > n ? [all.subarray(n)] : [];
        this.held = all.length - n;
        return all.subarray(0, n);
    }

    private openRegion(region: Buffer): void {
        if (region.length < NONCE + TAG) throw new Error("client-side encrypted blob is truncated");
        const iv = region.subarray(0, NONCE);
        // The SDKs number regions from 0; a region out of place means the blob was spliced.
        if (iv.readBigUInt64BE(NONCE - 8) !== this.expectedCounter) throw new Error("client-side encrypted region out of order");
        this.expectedCounter++;
        const d = crypto.createDecipheriv("aes-256-gcm", this.contentKey, iv);
        d.setAuthTag(region.subarray(region.length - TAG));
        try {
            this.push(Buffer.concat([d.update(region.subarray(NONCE, region.length - TAG)), d.final()]));
        } catch {
            throw new Error("client-side encrypted region does not authenticate under the source key");
        }
    }
}
