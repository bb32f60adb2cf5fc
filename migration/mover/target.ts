// The target side: an S3 API (OVHcloud Object Storage, Cloud Temple's, or the rehearsal's local server) through the
// official SDK, path-style, with its own endpoint. Large objects go up in multipart parts, streamed: memory stays
// at about partSize x queueSize per object whatever the object's size.

import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Readable } from "stream";

export interface S3TargetOptions {
    readonly endpoint: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** Part size of multipart uploads; objects smaller than this go in one PUT. Defaults to 8 MiB. */
    readonly partSize?: number;
}

export interface TargetObject {
    readonly key: string;
    readonly size: number;
}

export class S3Target {
    readonly client: S3Client;
    readonly partSize: number;

    constructor(options: S3TargetOptions) {
        this.partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, 5 * 1024 * 1024);
        this.client = new S3Client({
            endpoint: options.endpoint,
            region: options.region,
            forcePathStyle: true,
            credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
            // S3-compatible stores do not all accept the SDK's newer default CRC checksums; integrity is ours anyway
            // (authenticated encryption and plaintext SHA-256).
            requestChecksumCalculation: "WHEN_REQUIRED",
            responseChecksumValidation: "WHEN_REQUIRED",
            maxAttempts: 5,
        });
    }

    /** Streams `body` of exactly `size` bytes up; the size decides single PUT or multipart, before the first byte. */
    async put(bucket: string, key: string, body: Readable, size: number, metadata: Record<string, string>): Promise<void> {
        const upload = new Upload({
            client: this.client,
            params: {
                Bucket: bucket, Key: key, Body: body, ContentLength: size, Metadata: metadata, ContentType: "application/octet-stream",
            },
            partSize: this.partSize,
            queueSize: 2,
            leavePartsOnError: false,
        });
        await upload.done();
    }

    /** The object's metadata and size, or undefined when it does not exist. */
    async head(bucket: string, key: string): Promise<{ size: number; metadata: Record<string, string> } | undefined> {
        try {
            const r = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
            return { size: r.ContentLength ?? 0, metadata: r.Metadata ?? {} };
        } catch (e: any) {
            if (e?.$metadata?.httpStatusCode === 404 || e?.name === "NotFound" || e?.name === "NoSuchKey") return undefined;
            throw e;
        }
    }

    async get(bucket: string, key: string, range?: string): Promise<{ body: Readable; size: number; metadata: Record<string, string> }> {
        const r = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
        return { body: r.Body as Readable, size: r.ContentLength ?? 0, metadata: r.Metadata ?? {} };
    }

    async *list(bucket: string, prefix = ""): AsyncGenerator<TargetObject> {
        let token: string | undefined;
        do {
            const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
            for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0 };
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
    }

    destroy(): void {
        this.client.destroy();
    }
}
