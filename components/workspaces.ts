// The portable layer: one research workspace per project, identical on every cloud because it only speaks
// Kubernetes. Isolation is deny-by-default; what a project may reach comes from the targets' WorkloadAccess.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ResearchProject } from "./model";
import { ClusterDns, ClusterPlatform, WorkloadAccess } from "./target";
import { clusterIsolation } from "./cluster-isolation";

export interface ResearchWorkspaceArgs {
    readonly project: ResearchProject;
    /** The warehouse's labels; the workspace adds the project and its data classification. */
    readonly labels: Readonly<Record<string, string>>;
    /** Prefixes cluster-scoped objects, so that two warehouses on one cluster never collide. */
    readonly warehouse: string;
    readonly dns: ClusterDns;
    /** Which cluster-wide policy engine keeps the project apart from the others (components/cluster-isolation.ts). */
    readonly clusterPolicy: ClusterPlatform["clusterPolicy"];
    /** Settings, credentials, identity and egress the project's workloads need (keys, storage, catalogue). */
    readonly access: WorkloadAccess;
}

/** The label that marks a namespace as a research project's; the policy pack looks for it. */
export const PROJECT_LABEL = "health-data.fr/research-project";
export const CLASSIFICATION_LABEL = "health-data.fr/data-classification";

/**
 * Pods run rootless with the restricted Pod Security profile: the same rule on every cloud, and OpenShift's
 * restricted SCC admits what this admits.
 */
export const RESTRICTED_POD_SECURITY: Readonly<Record<string, string>> = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
};

/** The service account research workloads run as; workload identities and OpenBao roles trust it alone. */
export const WORKLOAD_SERVICE_ACCOUNT = "research-workloads";

/**
 * What researchers may do in their project's namespace: run, watch and clean up analyses, and read what their pods
 * are given. Not the built-in `edit` role, which lets its holder change or delete the namespace's NetworkPolicies
 * (and so open its egress), impersonate its service accounts, or create Ingresses. Nothing here touches isolation
 * (NetworkPolicies, RBAC, quotas, limit ranges, the namespace) or exposes a service outside the cluster.
 */
export const RESEARCHER_RULES = [
    { apiGroups: [""], resources: ["pods", "persistentvolumeclaims", "configmaps", "services"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    { apiGroups: [""], resources: ["pods/log", "pods/status", "events"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["pods/exec", "pods/attach", "pods/portforward"], verbs: ["create", "get"] },
    { apiGroups: [""], resources: ["secrets", "serviceaccounts", "resourcequotas", "limitranges"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "replicasets"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list", "watch"] },
] as const;

export function namespaceName(projectId: string): string {
    return `rp-${projectId}`;
}

/**
 * A research project's namespace: default-deny ingress and egress, then only DNS, the project's own services and
 * its own pods; quotas that forbid load balancers and node ports; a service account; RBAC for its groups.
 */
export class ResearchWorkspace extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly serviceAccount: pulumi.Output<string>;

    constructor(name: string, args: ResearchWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:kubernetes:ResearchWorkspace", name, {}, opts);
        const { project, dns, access } = args;
        const ns = namespaceName(project.id);
        const labels = {
            ...kubernetesLabels(args.labels),
            [PROJECT_LABEL]: project.id,
            [CLASSIFICATION_LABEL]: "health-pseudonymised",
        };
        const child = { parent: this };

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: {
                name: ns,
                labels: { ...labels, ...RESTRICTED_POD_SECURITY },
                annotations: { "health-data.fr/data-owner": project.dataOwner },
            },
        }, child);
        const inNs = { ...child, dependsOn: [namespace] };
        const meta = (n: string) => ({ name: n, namespace: ns, labels });

        new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, {
            metadata: meta("default-deny"),
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        }, inNs);

        new k8s.networking.v1.NetworkPolicy(`${name}-allow-same-namespace`, {
            metadata: meta("allow-same-namespace"),
            spec: {
                // Distributed analytics (driver and executors) talk to each other, never across projects.
                podSelector: {},
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: {} }] }],
                egress: [{ to: [{ podSelector: {} }] }],
            },
        }, inNs);

        new k8s.networking.v1.NetworkPolicy(`${name}-allow-dns`, {
            metadata: meta("allow-dns"),
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [{
                    // OVN-Kubernetes and Cilium match egress after service translation: the pods and their port.
                    to: [{
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": dns.namespace } },
                        podSelector: { matchLabels: { ...dns.podLabels } },
                    }],
                    ports: dns.ports.flatMap(port => [{ protocol: "UDP", port }, { protocol: "TCP", port }]),
                }],
            },
        }, inNs);

        if (access.egress.length > 0) {
            new k8s.networking.v1.NetworkPolicy(`${name}-allow-services`, {
                metadata: {
                    ...meta("allow-warehouse-services"),
                    // Why each destination is open, for a reviewer reading the cluster.
                    annotations: { "health-data.fr/egress": access.egress.map(r => r.description).join("; ") },
                },
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: access.egress.map(rule => ({
                        to: [{ ipBlock: { cidr: rule.cidr, ...(rule.except?.length ? { except: [...rule.except] } : {}) } }],
                        ports: rule.ports.map(port => ({ protocol: rule.protocol ?? "TCP", port })),
                    })),
                },
            }, inNs);
        }

        const q = project.quota;
        new k8s.core.v1.ResourceQuota(`${name}-quota`, {
            metadata: meta("research-quota"),
            spec: {
                hard: {
                    "requests.cpu": `${q.cpu}`,
                    "limits.cpu": `${q.cpu * 2}`,
                    "requests.memory": `${q.memoryGi}Gi`,
                    "limits.memory": `${q.memoryGi}Gi`,
                    "requests.storage": `${q.storageGi}Gi`,
                    "persistentvolumeclaims": "20",
                    // Nothing in a research space is exposed outside the cluster.
                    "services.loadbalancers": "0",
                    "services.nodeports": "0",
                },
            },
        }, inNs);

        new k8s.core.v1.LimitRange(`${name}-limits`, {
            metadata: meta("research-limits"),
            spec: {
                limits: [{
                    type: "Container",
                    default: { cpu: "1", memory: "2Gi" },
                    defaultRequest: { cpu: "250m", memory: "512Mi" },
                    max: { cpu: `${Math.min(q.cpu, 16)}`, memory: `${Math.min(q.memoryGi, 128)}Gi` },
                }],
            },
        }, inNs);

        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-workloads`, {
            metadata: { ...meta(WORKLOAD_SERVICE_ACCOUNT), annotations: { ...access.serviceAccountAnnotations } },
            automountServiceAccountToken: false,
        }, inNs);

        new k8s.core.v1.ConfigMap(`${name}-access`, {
            metadata: meta("warehouse-access"),
            data: { PROJECT_ID: project.id, ...access.settings },
        }, inNs);

        if (Object.keys(access.secrets).length > 0) {
            new k8s.core.v1.Secret(`${name}-credentials`, {
                metadata: meta("warehouse-credentials"),
                type: "Opaque",
                stringData: pulumi.secret(pulumi.output(access.secrets)) as pulumi.Output<Record<string, string>>,
            }, inNs);
        }

        const role = new k8s.rbac.v1.Role(`${name}-researcher-role`, {
            metadata: meta("researcher"),
            rules: RESEARCHER_RULES.map(r => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
        }, inNs);
        new k8s.rbac.v1.RoleBinding(`${name}-researchers`, {
            metadata: meta("researchers"),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            subjects: project.allowedGroups.map(group => ({
                kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: group,
            })),
        }, { ...inNs, dependsOn: [namespace, role] });

        // The cluster-level layer: holds even if the namespace's own policies are changed or deleted.
        clusterIsolation(`${name}-isolation`, { warehouse: args.warehouse, projectId: project.id, namespace: ns,
            engine: args.clusterPolicy, labels }, child);

        this.namespace = namespace.metadata.name;
        this.serviceAccount = serviceAccount.metadata.name;
        this.registerOutputs({ namespace: this.namespace, serviceAccount: this.serviceAccount });
    }
}

/** Merges the access that several services grant to one project. */
export function mergeAccess(...parts: WorkloadAccess[]): WorkloadAccess {
    return {
        settings: Object.assign({}, ...parts.map(p => p.settings)),
        secrets: Object.assign({}, ...parts.map(p => p.secrets)),
        serviceAccountAnnotations: Object.assign({}, ...parts.map(p => p.serviceAccountAnnotations)),
        egress: parts.flatMap(p => p.egress),
        mountedSettings: parts.flatMap(p => p.mountedSettings ?? []),
    };
}

/** Warehouse labels prefixed for Kubernetes, where bare keys like `owner` would collide with others' labels. */
export function kubernetesLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(labels).map(([k, v]) => [`health-data.fr/${k}`, v]));
}
