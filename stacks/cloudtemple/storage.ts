// Storage on Cloud Temple's SecNumCloud-qualified object storage (FR1): a bucket per data zone and per research
// project, all versioned. The raw zone is created with S3 Object Lock, the curated zone expires old versions, and
// each project's bucket admits only the project's own storage account. Cloud Temple encrypts at rest with keys it
// manages; the keys the CNIL asks for are the workloads' envelope keys in OpenBao.

import * as pulumi from "@pulumi/pulumi";
import * as minio from "@pulumi/minio";
import { BlockContext, Endpoint, ServicePlace, Storage, WorkloadAccess } from "../../components/target";
import { ResearchProject, WarehouseSpec } from "../../components/model";
import { CloudTempleNetwork } from "./network";
import { CloudTempleSettings, projectSecretKey } from "./settings";
import { objectStorageProvider, VersionedBucket } from "./object-storage";
import { projectBucketName } from "./names";
import { bucketPolicy } from "./access-policies";

export interface CloudTempleStorageArgs {
    readonly ctx: BlockContext & { network: CloudTempleNetwork };
    readonly settings: CloudTempleSettings;
}

export class CloudTempleStorage extends pulumi.ComponentResource implements Storage {
    readonly endpoint: Endpoint;
    readonly zoneBuckets: { readonly raw: pulumi.Output<string>; readonly curated: pulumi.Output<string> };
    /** Written by addProject. */
    private readonly buckets: Record<string, pulumi.Output<string>> = {};
    readonly projectBuckets: Readonly<Record<string, pulumi.Output<string>>> = this.buckets;
    private readonly settings: CloudTempleSettings;
    private readonly spec: WarehouseSpec;
    private readonly bucket: (suffix: string, extra?: { objectLocking?: boolean; policy?: string }) => VersionedBucket;

    constructor(name: string, args: CloudTempleStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:cloudtemple:Storage", name, {}, opts);
        const { ctx, settings } = args;
        const { spec } = ctx;
        const prefix = ctx.network.names.bucketPrefix;
        this.settings = settings;
        this.spec = spec;
        const provider = objectStorageProvider(`${name}-s3`, settings, { parent: this });
        const bucket = (suffix: string, extra: { objectLocking?: boolean; policy?: string } = {}) =>
            new VersionedBucket(`${name}-${suffix}`, { ...extra, bucket: `${prefix}-${suffix}`, provider,
                protect: ctx.protect }, { parent: this });

        // Object Lock can only be switched on when a bucket is created; the default retention rule is set once
        // with the S3 API (docs/deploy-cloudtemple.md), which this provider cannot express.
        const raw = bucket("raw", { objectLocking: true });
        const curated = bucket("curated");
        new minio.IlmPolicy(`${name}-curated-lifecycle`, {
            bucket: curated.bucket,
            rules: [{
                id: "expire-noncurrent-versions",
                noncurrentVersionExpirationDays: spec.zones.curated.noncurrentVersionDays,
            }],
        }, { parent: this, provider });
        this.zoneBuckets = { raw: raw.bucket, curated: curated.bucket };

        this.bucket = bucket;
        // Published on the internet by Cloud Temple, restricted to the tenant's addresses in the console.
        this.endpoint = { url: pulumi.output(settings.objectStorage.endpoint), private: false };
        this.registerOutputs({ zoneBuckets: this.zoneBuckets });
    }

    /** The project's bucket, whose policy admits the project's own storage account alone. */
    addProject(project: ResearchProject): void {
        const account = this.settings.objectStorage.projectAccounts[project.id];
        const name = projectBucketName(this.spec, project.id);
        this.buckets[project.id] = this.bucket(`rp-${project.id}`, { policy: bucketPolicy(name, account.principal) }).bucket;
    }

    place(_projectId?: string): ServicePlace {
        return {
            description: "Cloud Temple object storage (S3, HTTPS)",
            place: { addresses: [...this.settings.objectStorage.endpointCidrs], external: true },
            ports: [{ protocol: "TCP", port: 443 }],
        };
    }

    access(projectId: string): WorkloadAccess {
        const account = this.settings.objectStorage.projectAccounts[projectId];
        return {
            settings: {
                S3_ENDPOINT: this.endpoint.url,
                S3_BUCKET: this.projectBuckets[projectId],
                S3_REGION: "us-east-1",
                S3_FORCE_PATH_STYLE: "true",
            },
            secrets: {
                S3_ACCESS_KEY_ID: account.accessKeyId,
                S3_SECRET_ACCESS_KEY: new pulumi.Config("warehouse").requireSecret(projectSecretKey(projectId)),
            },
            serviceAccountAnnotations: {},
            egress: this.settings.objectStorage.endpointCidrs.map(cidr => ({
                description: "Cloud Temple object storage (S3, HTTPS)",
                cidr,
                ports: [443],
            })),
        };
    }
}
