// The data mover at scale: an indexed Kubernetes Job on the target cluster. Each index is one shard; the mover
// hashes every (container, top-level prefix) unit to exactly one shard, so N pods cover the source once without
// coordinating. Each pod moves its shard (init container), then proves it (main container): a completed index is
// a verified shard. Pods run rootless on a read-only root filesystem; credentials arrive as mounted secrets.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { MigrationSpec, PLATFORM_SCOPE, WarehouseSpec } from "./model";
import { ClusterDns, EgressRule, KeyManagement, Storage, WorkloadAccess } from "./target";
import { RESTRICTED_POD_SECURITY, kubernetesLabels, mergeAccess } from "./workspaces";

/** One source container and where it goes: the target bucket and the key that wraps its objects' data keys. */
export interface DataMoverRoute {
    readonly container: string;
    readonly bucket: pulumi.Input<string>;
    readonly keyId: pulumi.Input<string>;
    /** Whose access (a research project id, or "platform" for the zones) writes the bucket and uses the key. */
    readonly scope: string;
    readonly sourceEncryption: "service-side" | "client-side-v2";
}

export interface DataMoverJobArgs {
    /** The mover image, pinned (a digest, or a tag other than `latest`). */
    readonly image: string;
    /** Completions: how many shards the source is split into. */
    readonly shards: number;
    /** Pods running at once. */
    readonly parallelism: number;
    /** Objects in flight per pod. */
    readonly concurrency: number;
    /** The Azure account's blob endpoint, e.g. `https://hdhprodlake.blob.core.windows.net`. */
    readonly sourceAccountUrl: string;
    /**
     * An existing Secret (created at migration time, never in Pulumi state) holding `AZURE_STORAGE_SAS_TOKEN`: a
     * short-lived read+list user-delegation SAS on the source account.
     */
    readonly sourceCredentialsSecret: string;
    /** An existing Secret with the source's client-side encryption key settings, when some containers use it. */
    readonly sourceKeysSecret?: string;
    readonly routes: readonly DataMoverRoute[];
    /** Target settings and credentials per scope, as the storage and key blocks grant them to a project. */
    readonly access: Readonly<Record<string, WorkloadAccess>>;
    /** Scopes whose access is an existing Secret instead (the zones: the contract grants access per project only). */
    readonly accessSecrets?: Readonly<Record<string, string>>;
    /** The migration's share of the link, bytes per second, split evenly between the running pods. */
    readonly bytesPerSecond: number;
    /** Where the pods must connect besides the target services: the source's blob endpoint addresses. */
    readonly sourceEgress: readonly EgressRule[];
    /** The cluster's DNS: its namespace, pods and port (5353 on OpenShift, where policies match after translation). */
    readonly dns: ClusterDns;
    /**
     * Whether the platform assigns the pods' UID and fsGroup (OpenShift's restricted SCC, which refuses fixed ones).
     * Elsewhere the pod runs as the image's user with that group as fsGroup, so mounted secrets are readable to it.
     */
    readonly platformAssignsIds: boolean;
    readonly labels: Readonly<Record<string, string>>;
    /** Defaults to `data-migration`. */
    readonly namespace?: string;
    /** Defaults to 1 CPU / 1 GiB requested, 2 CPU / 2 GiB limit: decrypt, hash and re-encrypt are CPU-bound. */
    readonly resources?: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
}

export const DATA_MOVER_NAMESPACE = "data-migration";
export const DATA_MOVER_SERVICE_ACCOUNT = "data-mover";
/** The labels of the mover's pods (its NetworkPolicy and the services' ingress rules select them). */
export const DATA_MOVER_LABELS = { "app.kubernetes.io/name": "data-mover" } as const;
/** The image's user and group (migration/Dockerfile: USER 65532:65532). */
export const DATA_MOVER_UID = 65532;
const PLAN_DIR = "/etc/data-mover";
const SOURCE_DIR = "/var/run/health-data/source";
const SOURCE_KEYS_DIR = "/var/run/health-data/source-keys";
const ACCESS_DIR = "/var/run/health-data/access";
const MANIFEST_DIR = "/var/lib/data-mover";
/** Where the mover looks for the OpenBao login token (migration/keys/from-settings.ts, OPENBAO_JWT_FILE). */
const OPENBAO_TOKEN_DIR = "/var/run/secrets/openbao";

export class DataMoverJob extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly jobName: pulumi.Output<string>;

    constructor(name: string, args: DataMoverJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:kubernetes:DataMoverJob", name, {}, opts);
        const ns = args.namespace ?? DATA_MOVER_NAMESPACE;
        const labels = { ...kubernetesLabels(args.labels), "app.kubernetes.io/name": "data-mover", "app.kubernetes.io/part-of": "health-data-warehouse" };
        const child = { parent: this };

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: {
                name: ns,
                labels: { ...labels, ...RESTRICTED_POD_SECURITY },
            },
        }, child);
        const inNs = { ...child, dependsOn: [namespace] };
        const meta = (n: string) => ({ name: n, namespace: ns, labels });

        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: meta(DATA_MOVER_SERVICE_ACCOUNT),
            // The mover never talks to the Kubernetes API.
            automountServiceAccountToken: false,
        }, inNs);

        const plan = pulumi.output(args.routes.map(r => pulumi.output(r))).apply(routes => JSON.stringify({
            source: { accountUrl: args.sourceAccountUrl, credentialsDir: SOURCE_DIR, ...(args.sourceKeysSecret ? { keysDir: SOURCE_KEYS_DIR } : {}) },
            accessDir: ACCESS_DIR,
            routes,
            concurrency: args.concurrency,
            maxBytesPerSecond: Math.max(1, Math.floor(args.bytesPerSecond / args.parallelism)),
        }, null, 2));
        const planMap = new k8s.core.v1.ConfigMap(`${name}-plan`, { metadata: meta("data-mover-plan"), data: { "plan.json": plan } }, inNs);

        // Each scope's settings (ConfigMap) and credentials (Secret) projected into one directory, one file each.
        const scopes = [...new Set(args.routes.map(r => r.scope))].sort();
        const accessSources: Record<string, pulumi.Input<k8s.types.input.core.v1.VolumeProjection>[]> = {};
        for (const scope of scopes) {
            const external = args.accessSecrets?.[scope];
            const access = args.access[scope];
            if (external) {
                accessSources[scope] = [{ secret: { name: external } }];
                continue;
            }
            if (!access) throw new Error(`data mover: no access for scope "${scope}" (routes use it)`);
            const settings = new k8s.core.v1.ConfigMap(`${name}-${scope}-settings`, {
                metadata: meta(`data-mover-${scope}-settings`), data: { ...access.settings },
            }, inNs);
            const credentials = new k8s.core.v1.Secret(`${name}-${scope}-credentials`, {
                metadata: meta(`data-mover-${scope}-credentials`),
                type: "Opaque",
                stringData: pulumi.secret(pulumi.output(access.secrets)) as pulumi.Output<Record<string, string>>,
            }, inNs);
            // Settings that are files of a ConfigMap the platform keeps in every namespace (OpenShift's service CA
            // bundle for OpenBao's certificate), projected under the setting's name: the mover reads it as a PEM.
            const mounted = (access.mountedSettings ?? []).map(m => ({
                configMap: { name: m.configMap, items: [{ key: m.key, path: m.name }] },
            }));
            accessSources[scope] = [{ configMap: { name: settings.metadata.name } }, { secret: { name: credentials.metadata.name } }, ...mounted];
        }

        const egress = [...args.sourceEgress, ...scopes.flatMap(s => args.access[s]?.egress ?? [])];
        new k8s.networking.v1.NetworkPolicy(`${name}-network`, {
            metadata: { ...meta("data-mover"), annotations: { "health-data.fr/egress": [...new Set(egress.map(e => e.description))].join("; ") } },
            spec: {
                podSelector: { matchLabels: { ...DATA_MOVER_LABELS } },
                policyTypes: ["Ingress", "Egress"],
                // No ingress at all; egress to DNS, the source and the target services only.
                ingress: [],
                egress: [
                    {
                        // The DNS pods on the port they listen on: OVN-Kubernetes and Cilium match egress after the
                        // Service's translation (OpenShift's DNS pods listen on 5353 behind port 53).
                        to: [{
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.dns.namespace } },
                            podSelector: { matchLabels: { ...args.dns.podLabels } },
                        }],
                        ports: args.dns.ports.flatMap(port => [{ protocol: "UDP", port }, { protocol: "TCP", port }]),
                    },
                    ...egress.map(rule => ({ to: [{ ipBlock: { cidr: rule.cidr, ...(rule.except?.length ? { except: [...rule.except] } : {}) } }], ports: rule.ports.map(port => ({ protocol: rule.protocol ?? "TCP", port })) })),
                ],
            },
        }, inNs);

        // OpenBao's Kubernetes login (Cloud Temple) takes a service-account token minted for its audience.
        const audiences = [...new Set(scopes.map(s => args.access[s]?.settings.BAO_AUTH_AUDIENCE).filter((a): a is string => typeof a === "string"))];
        const openbaoToken = audiences.length > 0
            ? [{ name: "openbao-token", projected: { sources: [{ serviceAccountToken: { audience: audiences[0], expirationSeconds: 3600, path: "token" } }] } }]
            : [];
        // Secret files: read by the owner, or by the pod's fsGroup where the platform does not run the pod as a
        // UID of the namespace's range. Kubelet gives such files root ownership and the fsGroup as group: 0400 would
        // leave them unreadable to the image's non-root user on AKS or MKS.
        const secretMode = args.platformAssignsIds ? 0o400 : 0o440;
        const volumes: pulumi.Input<k8s.types.input.core.v1.Volume>[] = [
            ...openbaoToken,
            { name: "plan", configMap: { name: planMap.metadata.name } },
            { name: "source", secret: { secretName: args.sourceCredentialsSecret, defaultMode: secretMode } },
            ...(args.sourceKeysSecret ? [{ name: "source-keys", secret: { secretName: args.sourceKeysSecret, defaultMode: secretMode } }] : []),
            ...scopes.map(scope => ({ name: `access-${scope}`, projected: { sources: accessSources[scope], defaultMode: secretMode } })),
            // The manifest, shared by the move and verify containers of a pod; a retried shard starts a new pod and
            // rebuilds it from the target (objects already there are adopted, not copied again).
            { name: "manifests", emptyDir: {} },
            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
        ];
        const mounts = [
            ...openbaoToken.map(v => ({ name: v.name, mountPath: OPENBAO_TOKEN_DIR, readOnly: true })),
            { name: "plan", mountPath: PLAN_DIR, readOnly: true },
            { name: "source", mountPath: SOURCE_DIR, readOnly: true },
            ...(args.sourceKeysSecret ? [{ name: "source-keys", mountPath: SOURCE_KEYS_DIR, readOnly: true }] : []),
            ...scopes.map(scope => ({ name: `access-${scope}`, mountPath: `${ACCESS_DIR}/${scope}`, readOnly: true })),
            { name: "manifests", mountPath: MANIFEST_DIR },
            { name: "tmp", mountPath: "/tmp" },
        ];
        const env = [
            { name: "MOVER_PLAN", value: `${PLAN_DIR}/plan.json` },
            { name: "SHARD_COUNT", value: String(args.shards) },
            { name: "MANIFEST_DIR", value: MANIFEST_DIR },
            // JOB_COMPLETION_INDEX is set by Kubernetes in every pod of an Indexed Job: it is the shard index.
        ];
        const resources = args.resources ?? { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } };
        const container = (role: "move" | "verify") => ({
            name: role,
            image: args.image,
            args: role === "move" ? ["move"] : ["verify"],
            env,
            volumeMounts: mounts,
            resources,
            securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
            },
        });

        const job = new k8s.batch.v1.Job(`${name}-job`, {
            metadata: meta("data-mover"),
            spec: {
                completionMode: "Indexed",
                completions: args.shards,
                parallelism: args.parallelism,
                // Retries are per shard: one shard's trouble neither stops nor repeats the others.
                backoffLimitPerIndex: 3,
                podFailurePolicy: {
                    rules: [
                        // Exit 2 is a bad plan or usage: retrying cannot help, stop the whole Job.
                        { action: "FailJob", onExitCodes: { operator: "In", values: [2] } },
                        // An evicted or preempted pod is not the shard's fault. `status` is required by the API's
                        // schema (the API server defaults it to "True"; strict validators refuse it missing).
                        { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
                    ],
                },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: serviceAccount.metadata.name,
                        automountServiceAccountToken: false,
                        restartPolicy: "Never",
                        // OpenShift assigns the UID and fsGroup from the namespace's range (its restricted SCC refuses
                        // fixed ones); elsewhere the image's user, with its group owning the mounted secret files.
                        securityContext: {
                            runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" },
                            ...(args.platformAssignsIds ? {} : {
                                runAsUser: DATA_MOVER_UID, runAsGroup: DATA_MOVER_UID, fsGroup: DATA_MOVER_UID,
                            }),
                        },
                        initContainers: [container("move")],
                        containers: [container("verify")],
                        volumes,
                    },
                },
            },
        }, { ...inNs, dependsOn: [namespace, planMap] });

        this.namespace = namespace.metadata.name;
        this.jobName = job.metadata.name;
        this.registerOutputs({ namespace: this.namespace, jobName: this.jobName });
    }
}

/** The scope of the zone containers, whose access is an operator-provided Secret (see DataMoverJobArgs.accessSecrets). */
export { PLATFORM_SCOPE };

/**
 * The Job's arguments from the spec and the target's blocks: zones to the zone buckets under the platform key,
 * each project's container to its bucket under its own key, with that project's storage and key access.
 */
export function dataMoverArgs(spec: WarehouseSpec, migration: MigrationSpec, keys: KeyManagement, storage: Storage,
                              labels: Readonly<Record<string, string>>,
                              cluster: { readonly dns: ClusterDns; readonly assignsPodIds: boolean }): DataMoverJobArgs {
    const encryption = migration.source.encryption;
    const routes: DataMoverRoute[] = [
        { container: migration.containers.raw, bucket: storage.zoneBuckets.raw, keyId: keys.platformKeyId, scope: PLATFORM_SCOPE, sourceEncryption: encryption },
        { container: migration.containers.curated, bucket: storage.zoneBuckets.curated, keyId: keys.platformKeyId, scope: PLATFORM_SCOPE, sourceEncryption: encryption },
        ...spec.projects.map(p => ({
            container: migration.containers.projects[p.id] ?? `project-${p.id}`,
            bucket: storage.projectBuckets[p.id], keyId: keys.projectKeyIds[p.id], scope: p.id, sourceEncryption: encryption,
        })),
    ];
    const parallelism = migration.parallelism ?? migration.shards;
    return {
        image: migration.image,
        shards: migration.shards,
        parallelism,
        concurrency: migration.concurrency,
        sourceAccountUrl: migration.source.accountUrl.replace(/\/$/, ""),
        sourceCredentialsSecret: migration.source.credentialsSecret,
        sourceKeysSecret: migration.source.keysSecret,
        routes,
        // The mover's own login to each project's key (its own roles where the key service has logins).
        access: Object.fromEntries(spec.projects.map(p => [p.id,
            mergeAccess((keys.migrationAccess ?? keys.access).call(keys, p.id), storage.access(p.id))])),
        accessSecrets: { [PLATFORM_SCOPE]: migration.platformAccessSecret },
        bytesPerSecond: (migration.bandwidthMbps * 1e6) / 8,
        sourceEgress: migration.source.cidrs.map(cidr => ({ description: "source Azure Blob endpoint", cidr, ports: [443] })),
        dns: cluster.dns,
        platformAssignsIds: cluster.assignsPodIds,
        labels,
    };
}
