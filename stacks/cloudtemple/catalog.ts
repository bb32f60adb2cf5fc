// The warehouse catalogue on Cloud Temple, which offers no managed PostgreSQL inside its SecNumCloud scope: the
// CloudNativePG operator, installed through OpenShift's OLM, runs three PostgreSQL instances across the zones on
// the warehouse's own cluster, TLS only, reachable only in-cluster, backed up to a Cloud Temple bucket.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { BlockContext, CatalogDatabase, Endpoint, ServicePlace, WorkloadAccess } from "../../components/target";
import { PROJECT_LABEL, kubernetesLabels } from "../../components/workspaces";
import { CloudTempleNetwork } from "./network";
import { CloudTempleSettings, SECRET_KEYS } from "./settings";
import { objectStorageProvider, VersionedBucket } from "./object-storage";
import { CATALOG_CLUSTER, OPENSHIFT_DNS, POSTGRES_PORT } from "./names";
import { bucketPolicy } from "./access-policies";

/** The Barman Cloud plugin writes WAL and base backups (the in-tree barmanObjectStore is deprecated). */
export const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";
export const CATALOG_INSTANCES = 3;
/** The Barman Cloud plugin's CRD and Deployment, installed (with cert-manager) before `pulumi up`. */
export const BARMAN_OBJECTSTORE_CRD = "objectstores.barmancloud.cnpg.io";
export const BARMAN_PLUGIN_DEPLOYMENT = "barman-cloud";
/** The OpenShift API server's port behind the `kubernetes` Service: policies match after translation. */
export const OPENSHIFT_API_PORT = 6443;

/**
 * The catalogue namespace's NetworkPolicies: deny by default; PostgreSQL clients from research namespaces only;
 * the operator, the Barman Cloud plugin and the instances among themselves (replication, the operator's status
 * calls on 8000, the plugin's gRPC on 9090); out to DNS, the API server and the backups' object storage.
 * CloudNativePG's network requirements: cloudnative-pg.io/documentation/current/security/ (network policies).
 */
export function catalogNetworkPolicies(args: { readonly apiServerCidrs: readonly string[];
    readonly objectStorageCidrs: readonly string[] }): Record<string, k8s.types.input.networking.v1.NetworkPolicySpec> {
    const byName = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });
    return {
        "default-deny": { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        "allow-catalog-clients": {
            podSelector: { matchLabels: { "cnpg.io/cluster": CATALOG_CLUSTER } },
            policyTypes: ["Ingress"],
            ingress: [{
                from: [{ namespaceSelector: { matchExpressions: [{ key: PROJECT_LABEL, operator: "Exists" }] } }],
                ports: [{ protocol: "TCP", port: POSTGRES_PORT }],
            }],
        },
        "allow-same-namespace": {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: {} }] }],
            egress: [{ to: [{ podSelector: {} }] }],
        },
        "allow-platform-egress": {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                { to: [{ namespaceSelector: byName(OPENSHIFT_DNS.namespace),
                    podSelector: { matchLabels: { ...OPENSHIFT_DNS.podLabels } } }],
                    ports: OPENSHIFT_DNS.ports.flatMap(port => [{ protocol: "UDP", port }, { protocol: "TCP", port }]) },
                { to: args.apiServerCidrs.map(cidr => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: OPENSHIFT_API_PORT }] },
                { to: args.objectStorageCidrs.map(cidr => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 443 }] },
            ],
        },
        "allow-api-server-webhooks": {
            // The API server calls the operator's and the plugin's admission webhooks from the host network.
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { "policy-group.network.openshift.io/host-network": "" } } }] }],
        },
    };
}

/** A research project's read-only catalogue role. */
export function catalogRoleName(projectId: string): string {
    return `rp_${projectId}`;
}

export interface CloudTempleCatalogArgs {
    readonly ctx: BlockContext & { network: CloudTempleNetwork };
    readonly settings: CloudTempleSettings;
}

export class CloudTempleCatalog extends pulumi.ComponentResource implements CatalogDatabase {
    readonly endpoint: Endpoint;
    readonly databaseName: pulumi.Output<string>;
    readonly backupBucket: pulumi.Output<string>;
    private readonly podNetworkCidr: string;
    private readonly readOnlyHost: string;
    private readonly namespace: string;
    private readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: CloudTempleCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:cloudtemple:Catalog", name, {}, opts);
        const { ctx, settings } = args;
        const { spec, network } = ctx;
        const names = network.names;
        const namespace = names.catalogNamespace;
        const labels = kubernetesLabels(ctx.labels);
        const inCluster = { parent: this, provider: network.kubernetes };
        const inNamespace = { ...inCluster, dependsOn: [network.catalogNamespace] };
        this.podNetworkCidr = settings.cluster.podNetworkCidr;
        this.readOnlyHost = names.catalogReadOnlyHost;
        this.namespace = namespace;

        // Nothing in the cluster reaches PostgreSQL unless a policy here says so.
        for (const [policyName, spec] of Object.entries(catalogNetworkPolicies({
            apiServerCidrs: settings.cluster.apiServerCidrs, objectStorageCidrs: settings.objectStorage.endpointCidrs,
        }))) {
            new k8s.networking.v1.NetworkPolicy(`${name}-${policyName}`, {
                metadata: { name: policyName, namespace, labels }, spec,
            }, inNamespace);
        }

        // The Barman Cloud plugin (and cert-manager, which it needs) must run in the operator's namespace before
        // the ObjectStore is created (plugin-barman-cloud installation: cloudnative-pg.github.io/plugin-barman-cloud/
        // docs/installation). The stack installs neither; it reads both, so a preview stops with "not found" when
        // they are missing instead of creating a catalogue that never backs up (docs/deploy-cloudtemple.md).
        const barmanCrd = k8s.apiextensions.v1.CustomResourceDefinition.get(`${name}-barman-crd`, BARMAN_OBJECTSTORE_CRD, inCluster);
        const barmanPlugin = k8s.apps.v1.Deployment.get(`${name}-barman-plugin`, `${namespace}/${BARMAN_PLUGIN_DEPLOYMENT}`, inCluster);

        // The operator watches this namespace only: it gets no rights over the rest of the cluster.
        const operatorGroup = new k8s.apiextensions.CustomResource(`${name}-operator-group`, {
            apiVersion: "operators.coreos.com/v1",
            kind: "OperatorGroup",
            metadata: { name: "cloudnative-pg", namespace, labels },
            spec: { targetNamespaces: [namespace] },
        }, inNamespace);
        const subscription = new k8s.apiextensions.CustomResource(`${name}-operator`, {
            apiVersion: "operators.coreos.com/v1alpha1",
            kind: "Subscription",
            metadata: { name: "cloudnative-pg", namespace, labels },
            spec: {
                name: "cloudnative-pg",
                channel: settings.catalog.operatorChannel,
                source: settings.catalog.operatorSource,
                sourceNamespace: "openshift-marketplace",
                installPlanApproval: settings.catalog.installPlanApproval,
            },
        }, { ...inCluster, dependsOn: [operatorGroup] });

        // Backups: a bucket written only by the backup storage account.
        const s3 = objectStorageProvider(`${name}-s3`, settings, { parent: this });
        const backupBucketName = `${names.bucketPrefix}-catalog-backups`;
        const backups = new VersionedBucket(`${name}-backups`, {
            bucket: backupBucketName,
            policy: bucketPolicy(backupBucketName, settings.objectStorage.backupAccount.principal),
            provider: s3,
            protect: ctx.protect,
        }, { parent: this });
        this.backupBucket = backups.bucket;
        const backupCredentials = new k8s.core.v1.Secret(`${name}-backup-credentials`, {
            metadata: { name: "catalog-backup-s3", namespace, labels },
            type: "Opaque",
            stringData: {
                ACCESS_KEY_ID: settings.objectStorage.backupAccount.accessKeyId,
                ACCESS_SECRET_KEY: new pulumi.Config("warehouse").requireSecret(SECRET_KEYS.backupS3Secret),
            },
        }, inNamespace);
        const objectStore = new k8s.apiextensions.CustomResource(`${name}-object-store`, {
            apiVersion: "barmancloud.cnpg.io/v1",
            kind: "ObjectStore",
            metadata: { name: "catalog-backups", namespace, labels },
            spec: {
                configuration: {
                    destinationPath: pulumi.interpolate`s3://${backups.bucket}/`,
                    endpointURL: settings.objectStorage.endpoint,
                    s3Credentials: {
                        accessKeyId: { name: "catalog-backup-s3", key: "ACCESS_KEY_ID" },
                        secretAccessKey: { name: "catalog-backup-s3", key: "ACCESS_SECRET_KEY" },
                    },
                    wal: { compression: "gzip" },
                    data: { compression: "gzip" },
                },
                retentionPolicy: `${settings.catalog.backupRetentionDays}d`,
            },
        }, { ...inNamespace, dependsOn: [network.catalogNamespace, backupCredentials, barmanCrd, barmanPlugin] });

        // One read-only login per research project, its password generated here and kept secret in the state.
        // Declared with the cluster rather than by addProject: the cluster lists every login and must come after
        // their secrets (a Cloud Temple cluster holds at most 80 projects, so this stays small).
        const passwords: Record<string, pulumi.Output<string>> = {};
        const roleSecrets = spec.projects.map(project => {
            const password = new random.RandomPassword(`${name}-${project.id}-password`, {
                length: 32, special: false,
            }, { parent: this });
            passwords[project.id] = password.result;
            return new k8s.core.v1.Secret(`${name}-${project.id}-role`, {
                metadata: {
                    name: `catalog-${project.id}`, namespace,
                    // The operator re-reads the password when the secret changes.
                    labels: { ...labels, "cnpg.io/reload": "true" },
                },
                type: "kubernetes.io/basic-auth",
                stringData: { username: catalogRoleName(project.id), password: password.result },
            }, inNamespace);
        });
        this.passwords = passwords;

        new k8s.apiextensions.CustomResource(`${name}-cluster`, {
            apiVersion: "postgresql.cnpg.io/v1",
            kind: "Cluster",
            metadata: { name: CATALOG_CLUSTER, namespace, labels },
            spec: {
                instances: CATALOG_INSTANCES,
                imageName: settings.catalog.imageName ?? `ghcr.io/cloudnative-pg/postgresql:${spec.catalog.version}`,
                inheritedMetadata: { labels },
                storage: {
                    size: `${spec.catalog.storageGb}Gi`,
                    ...(settings.cluster.storageClass ? { storageClass: settings.cluster.storageClass } : {}),
                },
                // One instance per availability zone: losing a zone loses one replica, not the catalogue.
                affinity: {
                    enablePodAntiAffinity: true,
                    topologyKey: "topology.kubernetes.io/zone",
                    podAntiAffinityType: "required",
                },
                bootstrap: { initdb: { database: names.catalogDatabase, owner: names.catalogDatabase, dataChecksums: true } },
                postgresql: {
                    parameters: {
                        // CloudNativePG's own default (cloudnative-pg.io/documentation/current/postgresql_conf/):
                        // every client of the catalogue is ours and speaks TLS 1.3.
                        ssl_min_protocol_version: "TLSv1.3",
                        password_encryption: "scram-sha-256",
                        log_connections: "on",
                        log_disconnections: "on",
                    },
                    // TLS only: the operator's certificates serve every connection, plain text is refused.
                    pg_hba: ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject"],
                },
                managed: {
                    roles: spec.projects.map(project => ({
                        name: catalogRoleName(project.id),
                        ensure: "present",
                        login: true,
                        inRoles: ["pg_read_all_data"],
                        connectionLimit: 20,
                        passwordSecret: { name: `catalog-${project.id}` },
                    })),
                },
                plugins: [{ name: BARMAN_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: "catalog-backups" } }],
            },
        }, {
            ...inCluster, protect: ctx.protect,
            dependsOn: [network.catalogNamespace, subscription, objectStore, ...roleSecrets],
        });

        new k8s.apiextensions.CustomResource(`${name}-nightly-backup`, {
            apiVersion: "postgresql.cnpg.io/v1",
            kind: "ScheduledBackup",
            metadata: { name: "catalog-nightly", namespace, labels },
            spec: {
                schedule: "0 0 2 * * *",
                immediate: true,
                backupOwnerReference: "self",
                cluster: { name: CATALOG_CLUSTER },
                method: "plugin",
                pluginConfiguration: { name: BARMAN_PLUGIN },
            },
        }, { ...inCluster, dependsOn: [subscription, objectStore] });

        this.databaseName = pulumi.output(names.catalogDatabase);
        this.endpoint = {
            url: pulumi.output(`postgresql://${names.catalogHost}:${POSTGRES_PORT}/${names.catalogDatabase}`),
            private: true,
        };
        this.registerOutputs({ endpoint: this.endpoint.url, backupBucket: this.backupBucket });
    }

    place(): ServicePlace {
        return {
            description: "the catalogue (CloudNativePG, in-cluster)",
            place: { pods: { namespace: this.namespace, labels: { "cnpg.io/cluster": CATALOG_CLUSTER } },
                podAddresses: [this.podNetworkCidr] },
            ports: [{ protocol: "TCP", port: POSTGRES_PORT }],
        };
    }

    access(projectId: string): WorkloadAccess {
        return {
            settings: {
                CATALOG_HOST: this.readOnlyHost,
                CATALOG_PORT: String(POSTGRES_PORT),
                CATALOG_DATABASE: this.databaseName,
                CATALOG_SSLMODE: "require",
            },
            secrets: {
                CATALOG_USER: catalogRoleName(projectId),
                CATALOG_PASSWORD: this.passwords[projectId],
            },
            serviceAccountAnnotations: {},
            egress: [{
                description: "Warehouse catalogue (in-cluster PostgreSQL, TLS)",
                cidr: this.podNetworkCidr,
                ports: [POSTGRES_PORT],
            }],
        };
    }
}
