// The target side: an S3 API (OVHcloud Object Storage, Cloud Temple's, or the rehearsal's local server) through the
// official SDK, path-style. Writes are conditional (If-None-Match: * to create, If-Match: <ETag> to replace what
// was inspected), so two movers can never both write an object, nor overwrite what the other wrote. An object only
// becomes visible when its whole body has been consumed: a single PUT after the body ended (small objects, held in
// memory), or CompleteMultipartUpload after the last part; a body that fails (a source checksum that does not match)
// aborts the upload and leaves nothing. Every request has a deadline and bounded retries; errors name the endpoint.

import {
    AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
    GetBucketLifecycleConfigurationCommand, GetBucketVersioningCommand, GetObjectCommand, GetObjectLockConfigurationCommand,
    HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Readable } from "stream";
import { DEFAULT_TIMEOUTS, Endpoint, EndpointError, Timeouts, describe, hostOf, idleGuard, withRetries } from "./requests";

export interface TargetObject {
    readonly key: string;
    readonly size: number;
    readonly etag: string;
}

/** A write's condition: create only (`ifNoneMatch: "*"`), or replace exactly the object seen (`ifMatch`). */
export type WriteCondition = { readonly ifNoneMatch: "*" } | { readonly ifMatch: string };

export interface BucketProtections {
    readonly versioning: "Enabled" | "Suspended" | "Off";
    readonly objectLock?: { readonly mode?: string; readonly days?: number };
    readonly lifecycle: readonly { readonly abortIncompleteMultipartUploadDays?: number; readonly noncurrentVersionExpirationDays?: number; readonly enabled: boolean }[];
}

/** What the mover needs of a target (an S3 service; an in-memory one in the unit tests). */
export interface TargetStore {
    readonly endpoint: Endpoint;
    bucketExists(bucket: string): Promise<boolean>;
    protections(bucket: string): Promise<BucketProtections>;
    /** Streams `body` of exactly `size` bytes up under `condition`; returns the new object's ETag. */
    put(bucket: string, key: string, body: Readable, size: number, condition: WriteCondition): Promise<{ etag: string }>;
    head(bucket: string, key: string): Promise<{ size: number; etag: string; versionId?: string } | undefined>;
    /** Reads an object, or a range of it (`first`/`last` byte, inclusive), pinned to an ETag when given. */
    get(bucket: string, key: string, range?: { first: number; last: number }, ifMatch?: string): Promise<{ body: Readable; size: number; etag: string }>;
    list(bucket: string, prefix: string): AsyncGenerator<TargetObject>;
    /** The bucket's top-level prefixes ("a/") and "" when objects sit at its root. */
    topLevelPrefixes(bucket: string): Promise<string[]>;
    delete(bucket: string, key: string, options: { ifMatch?: string; versionId?: string }): Promise<void>;
    destroy(): void;
}

export interface S3TargetOptions {
    readonly endpoint: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** Part size of multipart uploads; objects up to this size go in one PUT. Defaults to 16 MiB. */
    readonly partSize?: number;
    readonly timeouts?: Timeouts;
}

export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

/**
 * The SDK's own log: it dumps every failed command (with its input) and warns that a streamed body cannot be
 * retried. The mover retries itself, with a fresh body, and logs each failure once, named (requests.ts): the
 * SDK's copies would only repeat it, unstructured, on stderr.
 */
const QUIET_RETRIES = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export class S3Target implements TargetStore {
    readonly client: S3Client;
    readonly partSize: number;
    readonly endpoint: Endpoint;
    private readonly timeouts: Timeouts;

    constructor(options: S3TargetOptions) {
        this.partSize = Math.max(options.partSize ?? DEFAULT_PART_SIZE, 5 * 1024 * 1024);
        this.timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
        this.endpoint = { role: "target", host: hostOf(options.endpoint) };
        this.client = new S3Client({
            endpoint: options.endpoint,
            region: options.region,
            forcePathStyle: true,
            credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
            // S3-compatible stores do not all accept the SDK's newer default CRC checksums; integrity is ours anyway
            // (authenticated encryption, checked against the source).
            requestChecksumCalculation: "WHEN_REQUIRED",
            responseChecksumValidation: "WHEN_REQUIRED",
            // One try per call: the retries are ours (withRetries), with the same deadlines and error names everywhere.
            maxAttempts: 1,
            // A connection that cannot be made, or goes silent, fails instead of hanging.
            requestHandler: { connectionTimeout: this.timeouts.requestSeconds * 1000, requestTimeout: this.timeouts.idleSeconds * 1000 },
            logger: QUIET_RETRIES,
        });
    }

    private send<T>(operation: string, command: any): Promise<T> {
        return withRetries(this.endpoint, operation, this.timeouts, signal => this.client.send(command, { abortSignal: signal }) as Promise<T>);
    }

    /** A command with a body: rebuilt for each attempt, a stream being readable once. */
    private sendWithBody<T>(operation: string, command: () => any): Promise<T> {
        return withRetries(this.endpoint, operation, this.timeouts, signal => this.client.send(command(), { abortSignal: signal }) as Promise<T>);
    }

    async bucketExists(bucket: string): Promise<boolean> {
        try {
            await this.send(`HEAD ${bucket}`, new HeadBucketCommand({ Bucket: bucket }));
            return true;
        } catch (e) {
            if (e instanceof EndpointError && e.kind === "not-found") return false;
            throw e;
        }
    }

    async protections(bucket: string): Promise<BucketProtections> {
        const versioning = await this.send<any>(`GET ${bucket}?versioning`, new GetBucketVersioningCommand({ Bucket: bucket }));
        let objectLock: BucketProtections["objectLock"];
        try {
            const lock = await this.send<any>(`GET ${bucket}?object-lock`, new GetObjectLockConfigurationCommand({ Bucket: bucket }));
            const rule = lock.ObjectLockConfiguration?.Rule?.DefaultRetention;
            if (lock.ObjectLockConfiguration?.ObjectLockEnabled === "Enabled") {
                objectLock = { mode: rule?.Mode, days: rule?.Days ?? (rule?.Years ? rule.Years * 365 : undefined) };
            }
        } catch (e) {
            // No lock configuration is an answer ("ObjectLockConfigurationNotFoundError"), not a failure.
            if (!(e instanceof EndpointError && (e.kind === "not-found" || /ObjectLockConfigurationNotFound/.test(e.cause)))) throw e;
        }
        let rules: any[] = [];
        try {
            rules = (await this.send<any>(`GET ${bucket}?lifecycle`, new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
        } catch (e) {
            if (!(e instanceof EndpointError && (e.kind === "not-found" || /NoSuchLifecycleConfiguration/.test(e.cause)))) throw e;
        }
        return {
            versioning: versioning.Status ?? "Off",
            objectLock,
            lifecycle: rules.map(r => ({
                enabled: r.Status === "Enabled",
                abortIncompleteMultipartUploadDays: r.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
                noncurrentVersionExpirationDays: r.NoncurrentVersionExpiration?.NoncurrentDays,
            })),
        };
    }

    async put(bucket: string, key: string, body: Readable, size: number, condition: WriteCondition): Promise<{ etag: string }> {
        const conditions = "ifNoneMatch" in condition ? { IfNoneMatch: condition.ifNoneMatch } : { IfMatch: condition.ifMatch };
        if (size <= this.partSize) {
            // Held in memory until the body has ended (and so been validated): only then is the object written.
            const whole = await collect(body, size);
            const r = await this.sendWithBody<any>(`PUT ${bucket}/${key}`, () => new PutObjectCommand({
                Bucket: bucket, Key: key, Body: partBody(whole), ContentLength: whole.size, ContentType: "application/octet-stream", ...conditions,
            }));
            return { etag: r.ETag ?? "" };
        }
        const created = await this.send<any>(`POST ${bucket}/${key}?uploads`, new CreateMultipartUploadCommand({
            Bucket: bucket, Key: key, ContentType: "application/octet-stream",
        }));
        const uploadId: string = created.UploadId;
        const parts: { PartNumber: number; ETag: string }[] = [];
        try {
            let number = 1;
            for await (const part of partsOf(body, this.partSize)) {
                const partNumber = number++;
                const r = await this.sendWithBody<any>(`PUT ${bucket}/${key} part ${partNumber}`, () => new UploadPartCommand({
                    Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: partBody(part), ContentLength: part.size,
                }));
                parts.push({ PartNumber: partNumber, ETag: r.ETag });
            }
            const total = parts.length;
            if (total === 0) throw new Error("no part to upload");
            const r = await this.send<any>(`POST ${bucket}/${key}?uploadId (complete ${total} parts)`, new CompleteMultipartUploadCommand({
                Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...conditions,
            }));
            return { etag: r.ETag ?? "" };
        } catch (e) {
            body.destroy();
            // Nothing may stay half-written: the parts go (the bucket's AbortIncompleteMultipartUpload rule is the backstop).
            await this.send(`DELETE ${bucket}/${key}?uploadId`, new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
            throw e;
        }
    }

    async head(bucket: string, key: string): Promise<{ size: number; etag: string; versionId?: string } | undefined> {
        try {
            const r = await this.send<any>(`HEAD ${bucket}/${key}`, new HeadObjectCommand({ Bucket: bucket, Key: key }));
            return { size: r.ContentLength ?? 0, etag: r.ETag ?? "", versionId: r.VersionId };
        } catch (e) {
            if (e instanceof EndpointError && e.kind === "not-found") return undefined;
            throw e;
        }
    }

    async get(bucket: string, key: string, range?: { first: number; last: number }, ifMatch?: string): Promise<{ body: Readable; size: number; etag: string }> {
        const operation = `GET ${bucket}/${key}${range ? ` bytes ${range.first}-${range.last}` : ""}`;
        const r = await withRetries(this.endpoint, operation, this.timeouts, async signal => {
            const controller = new AbortController();
            const abort = () => controller.abort();
            signal.addEventListener("abort", abort);
            try {
                return await this.client.send(new GetObjectCommand({
                    Bucket: bucket, Key: key, Range: range ? `bytes=${range.first}-${range.last}` : undefined, IfMatch: ifMatch,
                }), { abortSignal: controller.signal });
            } finally {
                signal.removeEventListener("abort", abort);
            }
        });
        const body = r.Body as Readable;
        const guarded = body.pipe(idleGuard(this.endpoint, operation, this.timeouts));
        body.on("error", e => guarded.destroy(describe(this.endpoint, operation, e, this.timeouts)));
        guarded.on("close", () => body.destroy());
        return { body: guarded, size: r.ContentLength ?? 0, etag: r.ETag ?? "" };
    }

    async *list(bucket: string, prefix: string): AsyncGenerator<TargetObject> {
        let token: string | undefined;
        do {
            const page = await this.send<any>(`LIST ${bucket}/${prefix}`, new ListObjectsV2Command({
                Bucket: bucket, Prefix: prefix || undefined, Delimiter: prefix === "" ? "/" : undefined, ContinuationToken: token,
            }));
            for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? "" };
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
    }

    async topLevelPrefixes(bucket: string): Promise<string[]> {
        const prefixes = new Set<string>();
        let token: string | undefined;
        do {
            const page = await this.send<any>(`LIST ${bucket}/`, new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/", ContinuationToken: token }));
            for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.add(p.Prefix);
            if ((page.Contents ?? []).length > 0) prefixes.add("");
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return [...prefixes].sort();
    }

    async delete(bucket: string, key: string, options: { ifMatch?: string; versionId?: string }): Promise<void> {
        await this.send(`DELETE ${bucket}/${key}${options.versionId ? ` version ${options.versionId}` : ""}`, new DeleteObjectCommand({
            Bucket: bucket, Key: key, IfMatch: options.ifMatch, VersionId: options.versionId,
        }));
    }

    destroy(): void {
        this.client.destroy();
    }
}

/** A part of an upload: the body's own chunks, not copied (a part is sent as a stream of them). */
export interface Part {
    readonly chunks: Buffer[];
    readonly size: number;
}

/** A part's bytes as a fresh stream for each attempt; sent unsigned (UNSIGNED-PAYLOAD), integrity is ours and TLS's. */
function partBody(part: Part): Readable {
    return Readable.from(part.chunks, { objectMode: false });
}

/** Reads exactly `size` bytes of a small body; fails if it ends early or runs long. */
async function collect(body: Readable, size: number): Promise<Part> {
    const chunks: Buffer[] = [];
    let at = 0;
    for await (const c of chunksOf(body)) {
        if (at + c.length > size) throw new Error(`the body is longer than the ${size} bytes announced`);
        chunks.push(c);
        at += c.length;
    }
    if (at !== size) throw new Error(`the body ended after ${at} of ${size} bytes`);
    return { chunks, size };
}

/** Cuts a body into parts of `partSize` bytes (the last one shorter), keeping its chunks (split at part edges). */
export async function* partsOf(body: Readable, partSize: number): AsyncGenerator<Part> {
    let chunks: Buffer[] = [];
    let at = 0;
    for await (let c of chunksOf(body)) {
        while (c.length > 0) {
            const take = Math.min(c.length, partSize - at);
            chunks.push(take === c.length ? c : c.subarray(0, take));
            at += take;
            c = c.subarray(take);
            if (at === partSize) {
                yield { chunks, size: at };
                chunks = [];
                at = 0;
            }
        }
    }
    if (at > 0) yield { chunks, size: at };
}

/**
 * A readable's chunks as they come ('data' events, paused when enough are queued). Iterating a Readable with
 * for-await calls read(), which concatenates everything buffered: a copy of every byte for nothing.
 */
export async function* chunksOf(stream: Readable): AsyncGenerator<Buffer> {
    const queue: Buffer[] = [];
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const onData = (c: Buffer) => { queue.push(c); if (queue.length >= 64) stream.pause(); wake?.(); };
    const onEnd = () => { ended = true; wake?.(); };
    const onError = (e: Error) => { failure = e; wake?.(); };
    const onClose = () => { if (!ended && !failure) failure = Object.assign(new Error("the body closed before its end"), { code: "ERR_STREAM_PREMATURE_CLOSE" }); wake?.(); };
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", onError);
    stream.once("close", onClose);
    try {
        for (;;) {
            if (queue.length > 0) {
                yield queue.shift()!;
                if (queue.length < 16 && stream.isPaused()) stream.resume();
                continue;
            }
            if (failure) throw failure;
            if (ended) return;
            await new Promise<void>(r => { wake = r; });
            wake = undefined;
        }
    } finally {
        stream.off("data", onData);
        stream.off("end", onEnd);
        stream.off("error", onError);
        stream.off("close", onClose);
    }
}
