// The two documents that isolate research projects from each other on this target: the OpenBao policy that lets a
// project's workloads use only its own transit key, and the bucket policy that lets its storage account reach only
// its own bucket. Pure functions, so the isolation is reviewed and tested as text.

import { TRANSIT_PATH } from "./names";

/**
 * OpenBao policy for one research project: envelope encryption with its key (encrypt, decrypt, data keys, rewrap
 * after rotation) and reading the key's metadata; no other path, so no other key, no key management.
 */
export function projectKeyPolicy(keyName: string): string {
    const use = ["encrypt", "decrypt", "rewrap", "datakey/plaintext", "datakey/wrapped"]
        .map(op => `path "${TRANSIT_PATH}/${op}/${keyName}" {\n  capabilities = ["update"]\n}`);
    return [
        `# Research workloads: envelope encryption with transit key ${keyName}, and nothing else.`,
        ...use,
        `path "${TRANSIT_PATH}/keys/${keyName}" {\n  capabilities = ["read"]\n}`,
        "",
    ].join("\n");
}

/**
 * OpenBao policy for the data mover on one key: wrap data keys (encrypt) and unwrap them to verify what it wrote
 * (decrypt). No data-key generation, no rewrap, no key metadata or management, no other key.
 */
export function moverKeyPolicy(keyName: string): string {
    return [
        `# Data mover: wrap and verify with transit key ${keyName}, and nothing else.`,
        ...["encrypt", "decrypt"].map(op => `path "${TRANSIT_PATH}/${op}/${keyName}" {\n  capabilities = ["update"]\n}`),
        "",
    ].join("\n");
}

/** The object operations a research project's workloads need on their bucket (versioned: no version deletion). */
export const PROJECT_OBJECT_ACTIONS = [
    "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject",
    "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
] as const;
export const PROJECT_BUCKET_ACTIONS = ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation"] as const;

/**
 * Bucket policy granting one storage account (and only it) access to one bucket (and only it). Deleting object
 * versions, changing the policy or the versioning stay with the platform account that owns the bucket.
 */
export function bucketPolicy(bucket: string, principal: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ListOwnBucket",
                Effect: "Allow",
                Principal: { AWS: [principal] },
                Action: [...PROJECT_BUCKET_ACTIONS],
                Resource: [`arn:aws:s3:::${bucket}`],
            },
            {
                Sid: "ReadWriteOwnObjects",
                Effect: "Allow",
                Principal: { AWS: [principal] },
                Action: [...PROJECT_OBJECT_ACTIONS],
                Resource: [`arn:aws:s3:::${bucket}/*`],
            },
        ],
    });
}
