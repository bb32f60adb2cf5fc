// Keys held by the customer on Cloud Temple, which offers no customer KMS: OpenBao runs on the warehouse's own
// OpenShift cluster, and its transit engine holds one platform key and one key per research project, none
// exportable. Workloads log in with their service account and use envelope encryption against their key only.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import {
    BlockContext, Endpoint, EncryptionScheme, KeyManagement, MountedSetting, ServicePlace, VaultLogin, WorkloadAccess,
} from "../../components/target";
import { KeySpec, ResearchProject } from "../../components/model";
import { WORKLOAD_SERVICE_ACCOUNT, kubernetesLabels, namespaceName } from "../../components/workspaces";
import {
    DATA_MOVER_LABELS, DATA_MOVER_NAMESPACE, DATA_MOVER_SERVICE_ACCOUNT, PLATFORM_SCOPE,
} from "../../components/data-mover-job";
import { CloudTempleNetwork } from "./network";
import { CloudTempleSettings, SECRET_KEYS } from "./settings";
import {
    KUBERNETES_AUTH_PATH, OPENBAO, OPENBAO_AUDIENCE, OPENBAO_PORT, TRANSIT_PATH, moverRoleName, projectKeyName,
    projectRoleName,
} from "./names";
import { OPENBAO_CHART, OPENBAO_HSM_SECRET, OPENBAO_TLS_SECRET, SERVING_CERT_ANNOTATION, openbaoValues } from "./openbao";
import { moverKeyPolicy, projectKeyPolicy } from "./access-policies";

export { WORKLOAD_SERVICE_ACCOUNT } from "../../components/workspaces";

/**
 * OpenShift publishes the service CA bundle in this ConfigMap in every namespace (key `service-ca.crt`): what
 * verifies OpenBao's serving certificate. Clients that read a PEM get it as the BAO_CACERT setting.
 */
export const SERVICE_CA_BUNDLE: MountedSetting = { name: "BAO_CACERT", configMap: "openshift-service-ca.crt", key: "service-ca.crt" };

/** What OpenBao must let each login do with a key (the capabilities the policies in access-policies.ts grant). */
const WORKLOAD_OPERATIONS = ["encrypt", "decrypt", "rewrap", "datakey/plaintext", "datakey/wrapped"];
const MOVER_OPERATIONS = ["encrypt", "decrypt"];

/** Transit key types by neutral algorithm and size. */
export function transitKeyType(keys: KeySpec): string {
    if (keys.algorithm === "AES") return "aes256-gcm96";
    return `rsa-${keys.size}`;
}

export interface CloudTempleKeysArgs {
    readonly ctx: BlockContext & { network: CloudTempleNetwork };
    readonly settings: CloudTempleSettings;
}

export class CloudTempleKeys extends pulumi.ComponentResource implements KeyManagement {
    readonly endpoint: Endpoint;
    readonly scheme: EncryptionScheme = "envelope";
    readonly platformKeyId: pulumi.Output<string>;
    /** Written by addProject. */
    private readonly keyIds: Record<string, pulumi.Output<string>> = {};
    readonly projectKeyIds: Readonly<Record<string, pulumi.Output<string>>> = this.keyIds;
    readonly release: k8s.helm.v3.Release;
    private readonly podNetworkCidr: string;
    private readonly spec: BlockContext["spec"];
    private readonly keysNamespace: string;
    /** Creates a project's transit key and what lets its workloads use it; returns the key's id. */
    private readonly projectKey: (project: ResearchProject) => pulumi.Output<string>;

    constructor(name: string, args: CloudTempleKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:cloudtemple:Keys", name, {}, opts);
        const { ctx, settings } = args;
        const { spec } = ctx;
        const network = ctx.network;
        const names = network.names;
        const labels = kubernetesLabels(ctx.labels);
        const inCluster = { parent: this, provider: network.kubernetes };
        this.podNetworkCidr = settings.cluster.podNetworkCidr;
        this.keysNamespace = names.keysNamespace;
        this.spec = spec;

        const seal = settings.openbao.seal;
        const sealSecret = seal.type === "pkcs11"
            ? [new k8s.core.v1.Secret(`${name}-hsm-pin`, {
                metadata: { name: OPENBAO_HSM_SECRET, namespace: names.keysNamespace, labels },
                type: "Opaque",
                stringData: { pin: new pulumi.Config("warehouse").requireSecret(SECRET_KEYS.hsmPin) },
            }, { ...inCluster, dependsOn: [network.keysNamespace] })]
            : [];

        // One Helm release: the chart is upstream's, pinned; the values say everything this warehouse changes.
        this.release = new k8s.helm.v3.Release(`${name}-openbao`, {
            name: OPENBAO,
            chart: OPENBAO_CHART.chart,
            version: OPENBAO_CHART.version,
            repositoryOpts: { repo: OPENBAO_CHART.repo },
            namespace: names.keysNamespace,
            createNamespace: false,
            // Ready means the pods run; they stay unready (sealed) until the first unseal, so do not wait for it.
            skipAwait: true,
            values: openbaoValues({
                names, seal, labels,
                clients: spec.migration ? [{ namespace: DATA_MOVER_NAMESPACE, podLabels: DATA_MOVER_LABELS }] : [],
                dataStorageGi: settings.openbao.dataStorageGi,
                auditStorageGi: settings.openbao.auditStorageGi,
                storageClass: settings.cluster.storageClass,
            }),
        }, { ...inCluster, protect: ctx.protect, dependsOn: [network.keysNamespace, ...sealSecret] });

        // The serving certificate for the client-facing Service alone, which clients and Raft's
        // leader_tls_servername name (openbao.<namespace>.svc): the chart would put the annotation on all four.
        new k8s.core.v1.ServicePatch(`${name}-openbao-serving-cert`, {
            metadata: { name: OPENBAO, namespace: names.keysNamespace,
                annotations: { [SERVING_CERT_ANNOTATION]: OPENBAO_TLS_SECRET } },
        }, { ...inCluster, dependsOn: [this.release] });

        this.endpoint = { url: pulumi.output(names.openbaoUrl), private: true };

        if (!settings.openbao.initialised) {
            // A sealed, uninitialised server cannot be configured: the keys are created by the next `pulumi up`,
            // once an operator has initialised OpenBao (docs/deploy-cloudtemple.md). Their ids are already fixed.
            pulumi.log.warn("OpenBao is deployed but not yet initialised: transit keys, policies and roles are " +
                "created once warehouse:cloudtemple.openbao.initialised is true", this);
            this.platformKeyId = pulumi.output(`${TRANSIT_PATH}/keys/${names.platformKey}`);
            this.projectKey = project => pulumi.output(`${TRANSIT_PATH}/keys/${projectKeyName(spec, project.id)}`);
            this.registerOutputs({ platformKeyId: this.platformKeyId });
            return;
        }

        // The token never appears in plain text in the state: a secret config key is stored encrypted as a
        // provider input; without it the provider reads VAULT_TOKEN from Pulumi's environment, outside the state.
        const token = settings.openbaoTokenSource === "config"
            ? new pulumi.Config("warehouse").requireSecret(SECRET_KEYS.openbaoToken)
            : undefined;
        const openbao = new vault.Provider(`${name}-openbao`, {
            address: settings.openbao.address,
            token,
            // Reached through a port-forward: verify the certificate against its in-cluster name and the service CA.
            tlsServerName: names.openbaoHost,
            caCertFile: settings.openbao.caCertFile,
            skipTlsVerify: false,
        }, { parent: this, dependsOn: [this.release] });
        const managed = { parent: this, provider: openbao };

        const transit = new vault.Mount(`${name}-transit`, {
            path: TRANSIT_PATH,
            type: "transit",
            description: "Warehouse keys: one platform key, one per research project (envelope encryption)",
        }, { ...managed, protect: ctx.protect });

        const transitKey = (resourceName: string, keyName: string) => new vault.transit.SecretBackendKey(resourceName, {
            backend: transit.path,
            name: keyName,
            type: transitKeyType(spec.keys),
            exportable: false,
            allowPlaintextBackup: false,
            deletionAllowed: false,
            autoRotatePeriod: spec.keys.rotationDays * 24 * 60 * 60,
        }, { ...managed, protect: ctx.protect });

        const platformKey = transitKey(`${name}-platform-key`, names.platformKey);
        this.platformKeyId = pulumi.interpolate`${transit.path}/keys/${platformKey.name}`;

        // OpenBao validates service-account tokens against the cluster it runs in, with its own service account.
        const kubernetesAuth = new vault.AuthBackend(`${name}-kubernetes-auth`, {
            type: "kubernetes",
            path: KUBERNETES_AUTH_PATH,
            description: "Research workloads log in with their service account",
        }, managed);
        new vault.kubernetes.AuthBackendConfig(`${name}-kubernetes-auth-config`, {
            backend: kubernetesAuth.path,
            kubernetesHost: "https://kubernetes.default.svc:443",
        }, managed);

        // The data mover's own login per scope: bound to its service account alone, wrapping and verifying only.
        const moverRole = (scope: string, keyName: string, key: pulumi.Resource) => {
            const policy = new vault.Policy(`${name}-mover-${scope}-policy`, {
                name: moverRoleName(scope), policy: moverKeyPolicy(keyName),
            }, { ...managed, dependsOn: [key] });
            new vault.kubernetes.AuthBackendRole(`${name}-mover-${scope}-role`, {
                backend: kubernetesAuth.path,
                roleName: moverRoleName(scope),
                boundServiceAccountNames: [DATA_MOVER_SERVICE_ACCOUNT],
                boundServiceAccountNamespaces: [DATA_MOVER_NAMESPACE],
                audience: OPENBAO_AUDIENCE,
                tokenPolicies: [policy.name],
                tokenTtl: 60 * 60,
                tokenMaxTtl: 4 * 60 * 60,
            }, managed);
        };
        if (spec.migration) moverRole(PLATFORM_SCOPE, names.platformKey, platformKey);

        this.projectKey = project => {
            const keyName = projectKeyName(spec, project.id);
            const key = transitKey(`${name}-${project.id}-key`, keyName);
            const policy = new vault.Policy(`${name}-${project.id}-policy`, {
                name: projectRoleName(project.id),
                // From the name, known before the key exists: the policy text is reviewable in a preview.
                policy: projectKeyPolicy(keyName),
            }, { ...managed, dependsOn: [key] });
            if (spec.migration) moverRole(project.id, keyName, key);
            new vault.kubernetes.AuthBackendRole(`${name}-${project.id}-role`, {
                backend: kubernetesAuth.path,
                roleName: projectRoleName(project.id),
                boundServiceAccountNames: [WORKLOAD_SERVICE_ACCOUNT],
                boundServiceAccountNamespaces: [namespaceName(project.id)],
                audience: OPENBAO_AUDIENCE,
                tokenPolicies: [policy.name],
                tokenTtl: 60 * 60,
                tokenMaxTtl: 4 * 60 * 60,
            }, managed);
            return pulumi.interpolate`${transit.path}/keys/${key.name}`;
        };
        this.registerOutputs({ platformKeyId: this.platformKeyId });
    }

    /**
     * The project's transit key, and the OpenBao policy and login role that reach it from the project's namespace
     * alone. Before OpenBao is initialised, only the key's id, which is fixed by its name.
     */
    addProject(project: ResearchProject): void {
        this.keyIds[project.id] = this.projectKey(project);
    }

    place(_projectId?: string): ServicePlace {
        return {
            description: "OpenBao (in-cluster)",
            // The server pods' labels as the chart sets them (release name and component included).
            place: { pods: { namespace: this.keysNamespace,
                labels: { "app.kubernetes.io/name": OPENBAO, "app.kubernetes.io/instance": OPENBAO, component: "server" } },
                podAddresses: [this.podNetworkCidr] },
            ports: [{ protocol: "TCP", port: OPENBAO_PORT }],
        };
    }

    vaultLogin(who: "workloads" | "mover", scope: string): VaultLogin | undefined {
        const keyName = scope === PLATFORM_SCOPE ? `${this.spec.name}-platform` : projectKeyName(this.spec, scope);
        if (who === "mover" && !this.spec.migration) return undefined;
        const operations = who === "mover" ? MOVER_OPERATIONS : WORKLOAD_OPERATIONS;
        return {
            authPath: KUBERNETES_AUTH_PATH,
            role: who === "mover" ? moverRoleName(scope) : projectRoleName(scope),
            grants: operations.map(op => ({ path: `${TRANSIT_PATH}/${op}/${keyName}`, capabilities: ["update"] })),
        };
    }

    /** The same settings as the project's workloads, with the mover's own login role. */
    migrationAccess(projectId: string): WorkloadAccess {
        const access = this.access(projectId);
        return { ...access, settings: { ...access.settings, BAO_AUTH_ROLE: moverRoleName(projectId) } };
    }

    access(projectId: string): WorkloadAccess {
        return {
            settings: {
                BAO_ADDR: this.endpoint.url,
                // OpenShift publishes the service CA in this ConfigMap in every namespace.
                BAO_CACERT_CONFIGMAP: SERVICE_CA_BUNDLE.configMap,
                BAO_AUTH_PATH: KUBERNETES_AUTH_PATH,
                BAO_AUTH_ROLE: projectRoleName(projectId),
                BAO_AUTH_AUDIENCE: OPENBAO_AUDIENCE,
                TRANSIT_MOUNT: TRANSIT_PATH,
                TRANSIT_KEY: projectKeyName(this.spec, projectId),
            },
            secrets: {},
            serviceAccountAnnotations: {},
            egress: [{
                // In-cluster: the rule is the pod network; the project's AdminNetworkPolicy narrows it to OpenBao.
                description: "OpenBao (in-cluster, TLS) for the project's transit key",
                cidr: this.podNetworkCidr,
                ports: [OPENBAO_PORT],
            }],
            mountedSettings: [SERVICE_CA_BUNDLE],
        };
    }
}
