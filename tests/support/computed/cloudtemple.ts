import type { ComputedOutputs } from "./outputs";

// What Cloud Temple's services and OpenBao compute during `pulumi up`, faked for the mocks.
export const cloudTempleOutputs: ComputedOutputs = {
    "minio:index/s3Bucket:S3Bucket": args => ({
        bucket: args.inputs.bucket,
        arn: `arn:aws:s3:::${args.inputs.bucket}`,
        bucketDomainName: `https://hdh-rehearsal.s3.fr1.cloud-temple.com/${args.inputs.bucket}`,
    }),
    "vault:index/mount:Mount": args => ({ accessor: "transit_5f6e7d8c", path: args.inputs.path }),
    "vault:transit/secretBackendKey:SecretBackendKey": args => ({
        name: args.inputs.name,
        latestVersion: 1,
        minDecryptionVersion: 1,
        supportsEncryption: true,
    }),
    "vault:index/authBackend:AuthBackend": args => ({ path: args.inputs.path, accessor: "auth_kubernetes_0a1b2c" }),
    "vault:index/policy:Policy": args => ({ name: args.inputs.name }),
    "kubernetes:helm.sh/v3:Release": args => ({
        status: { name: args.inputs.name, namespace: args.inputs.namespace, status: "deployed", version: 1 },
    }),
};
