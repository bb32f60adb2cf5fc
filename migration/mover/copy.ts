// One object's copy: read the source checked against its own checksums, decrypt it if the client encrypted it,
// encrypt it under the route's data key with its source identity in the authenticated header, and write it with a
// condition (create only, or replace exactly the object inspected). The upload completes only after the last source
// byte has passed its check; otherwise it is aborted and nothing appears on the target.

import { Readable, pipeline } from "stream";
import { EnvelopeEncryptor, EnvelopeHeader, EnvelopeWriter, newNonce, storedSize } from "./envelope";
import { MANIFEST_VERSION, ObjectEntry } from "./manifest";
import { MoverContext } from "./context";
import { openChecked } from "./checked-read";
import { Route } from "./plan";
import { SourceBlob } from "./source";
import { WriteCondition } from "./target";
import { RateLimiter } from "./throttle";

export interface CopyOptions {
    readonly segmentSize: number;
    readonly limiter?: RateLimiter;
    /** Builds the encryption stage: inline by default, or a worker thread's (crypto-pool.ts). */
    readonly encryptor?: (dataKey: Buffer, header: EnvelopeHeader) => EnvelopeWriter;
}

export async function copyObject(ctx: MoverContext, route: Route, blob: SourceBlob, condition: WriteCondition,
                                 options: CopyOptions, event: { recopy?: boolean } = {}): Promise<ObjectEntry> {
    const key = await ctx.keys.forWriting(route.keyId);
    const source = await openChecked(ctx.source, blob, route, ctx.sourceKeys);
    const header: EnvelopeHeader = {
        bucket: route.bucket, key: blob.name, scope: route.scope, keyId: key.keyId, wrapping: key.wrapping, wrappedKey: key.wrappedKey,
        nonce: newNonce(), segmentSize: options.segmentSize, size: source.plaintextSize,
        source: {
            account: ctx.source.account, container: blob.container, blob: blob.name, etag: blob.etag, lastModified: blob.lastModified,
            length: blob.size, ...(blob.contentMd5 !== undefined ? { contentMd5: blob.contentMd5 } : {}),
            encryption: source.encryption, check: source.check,
        },
    };
    const encryptor = options.encryptor ? options.encryptor(key.dataKey, header) : new EnvelopeEncryptor(key.dataKey, header);
    const stages: NodeJS.ReadWriteStream[] = options.limiter ? [options.limiter.stream()] : [];
    // Any stage failing (a source checksum, the source's length, a stalled body) destroys the body the upload
    // consumes, so the upload fails and is aborted before it completes.
    const body = pipeline([source.body, ...stages, encryptor] as any, () => undefined) as unknown as Readable;
    const stored = storedSize(header);
    let written: { etag: string };
    try {
        written = await ctx.targetFor(route.scope).put(route.bucket, blob.name, body, stored, condition);
    } catch (e) {
        body.destroy();
        source.body.destroy();
        throw e;
    }
    const digest = encryptor.digest();
    return {
        v: MANIFEST_VERSION, event: "copied", container: blob.container, blob: blob.name, bucket: route.bucket, key: blob.name,
        size: digest.size, sha256: digest.sha256, source: { etag: blob.etag, lastModified: blob.lastModified, contentMd5: blob.contentMd5 },
        keyId: key.keyId, storedSize: stored, targetEtag: written.etag, ...(event.recopy ? { recopy: true } : {}), at: new Date().toISOString(),
    };
}
