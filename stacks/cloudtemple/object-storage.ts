// The S3 client of Cloud Temple's object storage (Dell ECS behind https://<namespace>.s3.fr1.cloud-temple.com):
// the MinIO provider, which speaks plain S3 with a custom endpoint, path-style and SigV4. Why this provider and not
// another is argued in docs/deploy-cloudtemple.md.

import * as pulumi from "@pulumi/pulumi";
import * as minio from "@pulumi/minio";
import { CloudTempleSettings, SECRET_KEYS } from "./settings";

/** A provider acting as the platform storage account, which creates and owns the buckets. */
export function objectStorageProvider(name: string, settings: CloudTempleSettings,
                                      opts: pulumi.ResourceOptions): minio.Provider {
    return new minio.Provider(name, {
        minioServer: new URL(settings.objectStorage.endpoint).host,
        minioSsl: true,
        minioApiVersion: "v4",
        // ECS has no regions; us-east-1 makes the client send no location constraint when creating a bucket.
        minioRegion: "us-east-1",
        minioUser: settings.objectStorage.platformAccount.accessKeyId,
        minioPassword: new pulumi.Config("warehouse").requireSecret(SECRET_KEYS.platformS3Secret),
    }, opts);
}

export interface VersionedBucketArgs {
    readonly bucket: string;
    /** S3 Object Lock: only settable when the bucket is created. */
    readonly objectLocking?: boolean;
    /** Bucket policy (JSON); none leaves the bucket to its owner, the platform account. */
    readonly policy?: string;
    readonly provider: minio.Provider;
    /** Protect the bucket and its versioning against deletion. */
    readonly protect: boolean;
}

/** A bucket with versioning on and, optionally, a policy; protected when the warehouse is. */
export class VersionedBucket extends pulumi.ComponentResource {
    readonly bucket: pulumi.Output<string>;
    readonly resource: minio.S3Bucket;

    constructor(name: string, args: VersionedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:cloudtemple:VersionedBucket", name, {}, opts);
        const child = { parent: this, provider: args.provider };
        this.resource = new minio.S3Bucket(name, {
            bucket: args.bucket,
            acl: "private",
            objectLocking: args.objectLocking ?? false,
            forceDestroy: false,
        }, { ...child, protect: args.protect });
        new minio.S3BucketVersioning(`${name}-versioning`, {
            bucket: this.resource.bucket,
            versioningConfiguration: { status: "Enabled" },
        }, { ...child, protect: args.protect });
        if (args.policy) {
            new minio.S3BucketPolicy(`${name}-policy`, { bucket: this.resource.bucket, policy: args.policy }, child);
        }
        this.bucket = this.resource.bucket;
        this.registerOutputs({ bucket: this.bucket });
    }
}
