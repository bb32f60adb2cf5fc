// Small stream helpers shared by the copy and the verification.

import * as crypto from "crypto";
import { Readable, Transform, TransformCallback } from "stream";
import { KeyResolver } from "../keys/key-encryption-key";
import {
    ClientSideDecryptor, clientSidePlaintextSize, parseClientSideEncryption, unwrapContentKey,
} from "./azure-client-side";
import { Route } from "./plan";
import { AzureBlobSource, SourceBlob } from "./source";

/** Passes bytes through and hashes them on the way. */
export class HashTap extends Transform {
    private readonly hash: crypto.Hash;
    private value?: string;
    constructor(algorithm: "md5" | "sha256", private readonly encoding: "hex" | "base64") {
        super();
        this.hash = crypto.createHash(algorithm);
    }
    _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
        this.hash.update(chunk);
        done(null, chunk);
    }
    _flush(done: TransformCallback): void {
        this.value = this.hash.digest(this.encoding);
        done();
    }
    digest(): string {
        if (this.value === undefined) throw new Error("the stream has not ended");
        return this.value;
    }
}

export async function readAll(body: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
}

/** A source blob's plaintext: decrypted when the client encrypted it, as stored otherwise. */
export interface SourcePlaintext {
    /** Raw bytes as stored, hashed with MD5 (to compare with the source's Content-MD5). */
    readonly rawTap: HashTap;
    readonly stages: (Readable | Transform)[];
    readonly plaintextSize: number;
    readonly body: Readable;
}

export async function openSourcePlaintext(source: AzureBlobSource, blob: SourceBlob, route: Route,
                                          sourceKeys: KeyResolver | undefined): Promise<SourcePlaintext> {
    const { body, metadata } = await source.open(blob);
    const rawTap = new HashTap("md5", "base64");
    try {
        const encryption = parseClientSideEncryption(metadata);
        if (!encryption) {
            if (route.sourceEncryption === "client-side-v2") {
                throw new Error(`${blob.container}/${blob.name}: the route expects client-side encryption but the blob has no encryptiondata`);
            }
            return { rawTap, stages: [body, rawTap], plaintextSize: blob.size, body };
        }
        // Encrypted on the client even if the route says otherwise: copying its ciphertext as plaintext would be wrong.
        if (!sourceKeys) throw new Error(`${blob.container}/${blob.name} is client-side encrypted but no source key service is configured`);
        const contentKey = await unwrapContentKey(encryption, sourceKeys);
        return {
            rawTap, body,
            stages: [body, rawTap, new ClientSideDecryptor(contentKey, encryption.regionSize)],
            plaintextSize: clientSidePlaintextSize(blob.size, encryption),
        };
    } catch (e) {
        body.destroy();
        throw e;
    }
}
