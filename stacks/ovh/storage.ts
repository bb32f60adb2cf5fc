// Object storage on OVHcloud: one bucket per data zone and per research project, versioned, encrypted at rest
// (SSE with OVH-managed AES-256: OVH has no KMS-backed server-side encryption, so each project's own key protects
// its data through envelope encryption, see keys.ts), the raw zone locked in compliance mode for its retention.
// Each project gets an S3 user whose policy reaches only its own bucket.

import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as cloudproject from "@ovhcloud/pulumi-ovh/cloudproject";
import {
    CloudProjectStorageObjectBucketLifecycleConfiguration as BucketLifecycle,
} from "@ovhcloud/pulumi-ovh/cloudProjectStorageObjectBucketLifecycleConfiguration";
import { Endpoint, ServicePlace, Storage, WorkloadAccess } from "../../components/target";
import { ResearchProject, WarehouseSpec } from "../../components/model";
import { OvhRegion } from "./regions";

/** The role that lets a Public Cloud user hold S3 credentials; its policy then narrows what it reaches. */
export const OBJECT_STORAGE_ROLE = "objectstore_operator";

/** What a project's workloads may do in their bucket: read, write, delete current versions, list. */
export const PROJECT_BUCKET_ACTIONS = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListBucketMultipartUploads",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
] as const;

/** Uploads abandoned half-way are removed after a week rather than billed and kept forever. */
const ABORT_MULTIPART_DAYS = 7;

/** An S3 policy that names one bucket and the objects in it, and nothing else. */
export function bucketPolicy(bucket: string): string {
    return JSON.stringify({
        Statement: [{
            Sid: "ProjectBucketOnly",
            Effect: "Allow",
            Action: [...PROJECT_BUCKET_ACTIONS],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        }],
    });
}

/**
 * Bucket names: lower-case letters, digits and hyphens, 3 to 63 characters, unique across OVH's object storage,
 * hence the stack's random suffix. Every part is validated lower-case alphanumeric by the neutral model.
 */
export function bucketName(prefix: string, part: string, suffix: string): string {
    return `${prefix}-${part}-${suffix}`;
}

export interface OvhStorageArgs {
    readonly projectId: string;
    readonly region: OvhRegion;
    readonly spec: WarehouseSpec;
    readonly labels: Readonly<Record<string, string>>;
    /** Workloads reach the S3 endpoint through these blocks only. */
    readonly egressCidrs: readonly string[];
    readonly prefix: string;
    readonly protect: boolean;
}

interface BucketExtras {
    readonly objectLock?: cloudproject.StorageArgs["objectLock"];
    readonly tags?: Record<string, string>;
    readonly noncurrentVersionDays?: number;
}

interface ProjectStore {
    readonly bucket: pulumi.Output<string>;
    readonly credential: cloudproject.S3Credential;
}

export class OvhStorage extends pulumi.ComponentResource implements Storage {
    readonly endpoint: Endpoint;
    readonly zoneBuckets: { readonly raw: pulumi.Output<string>; readonly curated: pulumi.Output<string> };
    /** Written by addProject. */
    private readonly stores = new Map<string, ProjectStore>();
    private readonly buckets: Record<string, pulumi.Output<string>> = {};
    readonly projectBuckets: Readonly<Record<string, pulumi.Output<string>>> = this.buckets;
    private readonly region: OvhRegion;
    private readonly egressCidrs: readonly string[];
    private readonly blockName: string;
    private readonly projectId: string;
    private readonly noncurrentVersionDays: number;
    private readonly bucket: (part: string, extra: BucketExtras) => cloudproject.Storage;

    constructor(name: string, args: OvhStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:ovh:Storage", name, {}, opts);
        const { projectId, region, spec, prefix, labels } = args;
        const child = { parent: this };

        const suffix = new random.RandomString(`${name}-suffix`, {
            length: 6, upper: false, special: false, lower: true, numeric: true,
        }, child);

        const bucket = (part: string, extra: BucketExtras) => {
            const store = new cloudproject.Storage(`${name}-${part}`, {
                serviceName: projectId,
                regionName: region.storage,
                name: suffix.result.apply(s => bucketName(prefix, part, s)),
                encryption: { sseAlgorithm: "AES256" },
                versioning: { status: "enabled" },
                objectLock: extra.objectLock,
                // Object keys of health data (file names) stay out of the Pulumi state.
                hideObjects: true,
                tags: { ...labels, ...extra.tags },
            }, { parent: this, protect: args.protect });
            new BucketLifecycle(`${name}-${part}-lifecycle`, {
                serviceName: projectId,
                regionName: region.storage,
                containerName: store.name,
                rules: [
                    {
                        id: "abort-incomplete-uploads",
                        status: "enabled",
                        abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS },
                    },
                    ...(extra.noncurrentVersionDays === undefined ? [] : [{
                        id: "expire-noncurrent-versions",
                        status: "enabled",
                        noncurrentVersionExpiration: { noncurrentDays: extra.noncurrentVersionDays },
                    }]),
                ],
            }, child);
            return store;
        };

        const raw = bucket("raw", {
            // Compliance mode: nobody, the account owner included, can delete or overwrite a version early.
            objectLock: {
                status: "enabled",
                rule: { mode: "compliance", period: `P${spec.zones.raw.retentionDays}D` },
            },
            tags: { "data-zone": "raw" },
        });
        const curated = bucket("curated", {
            tags: { "data-zone": "curated" },
            noncurrentVersionDays: spec.zones.curated.noncurrentVersionDays,
        });

        this.bucket = bucket;
        this.blockName = name;
        this.projectId = projectId;
        this.noncurrentVersionDays = spec.zones.curated.noncurrentVersionDays;

        this.endpoint = { url: pulumi.output(region.s3Endpoint), private: false };
        this.zoneBuckets = { raw: raw.name, curated: curated.name };
        this.region = region;
        this.egressCidrs = args.egressCidrs;
        this.registerOutputs({ endpoint: this.endpoint.url, zoneBuckets: this.zoneBuckets });
    }

    /** The project's bucket, and an S3 user that reaches that bucket alone. */
    addProject(project: ResearchProject): void {
        const store = this.projectStore(this.blockName, this.projectId, project, this.bucket(`rp-${project.id}`, {
            tags: { "data-zone": "project", "research-project": project.id },
            noncurrentVersionDays: this.noncurrentVersionDays,
        }));
        this.stores.set(project.id, store);
        this.buckets[project.id] = store.bucket;
    }

    /** The project's S3 user: a policy on its bucket alone, and credentials issued only once the policy holds. */
    private projectStore(name: string, projectId: string, project: ResearchProject,
                         store: cloudproject.Storage): ProjectStore {
        const child = { parent: this };
        const user = new cloudproject.User(`${name}-${project.id}-user`, {
            serviceName: projectId,
            description: `Research project ${project.id}: object storage, own bucket only`,
            roleNames: [OBJECT_STORAGE_ROLE],
        }, child);
        const policy = new cloudproject.S3Policy(`${name}-${project.id}-policy`, {
            serviceName: projectId,
            userId: user.id,
            policy: store.name.apply(bucketPolicy),
        }, child);
        // Without a policy the role reaches every bucket of the project: keys exist only after it is in place.
        const credential = new cloudproject.S3Credential(`${name}-${project.id}-credential`, {
            serviceName: projectId,
            userId: user.id,
        }, { ...child, dependsOn: [policy] });
        return { bucket: store.name, credential };
    }

    place(_projectId?: string): ServicePlace {
        return {
            description: "object storage (public S3 endpoint)",
            place: { addresses: [...this.egressCidrs], external: true },
            ports: [{ protocol: "TCP", port: 443 }],
        };
    }

    access(projectId: string): WorkloadAccess {
        const store = this.stores.get(projectId);
        if (!store) throw new Error(`no bucket for research project ${projectId}`);
        return {
            settings: {
                S3_ENDPOINT: this.endpoint.url,
                S3_BUCKET: store.bucket,
                S3_REGION: this.region.storage.toLowerCase(),
            },
            secrets: {
                S3_ACCESS_KEY_ID: store.credential.accessKeyId,
                S3_SECRET_ACCESS_KEY: store.credential.secretAccessKey,
            },
            serviceAccountAnnotations: {},
            egress: this.egressCidrs.map(cidr => ({ description: "object storage S3 endpoint", cidr, ports: [443] })),
        };
    }
}
