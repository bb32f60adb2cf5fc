// Egress lock-down with OpenShift's own objects, as pure builders:
// - research namespaces: one AdminNetworkPolicy each (policy.networking.k8s.io/v1alpha1, OVN-Kubernetes). It is
//   cluster-scoped, so it needs no namespace to exist yet, and it is evaluated before NetworkPolicies, which the
//   researchers' `edit` role lets them change: the allow-list below holds whatever they do in their namespace.
// - platform namespaces (OpenBao, catalogue): an EgressFirewall (k8s.ovn.org/v1), which governs traffic leaving the
//   cluster; in-cluster traffic of those namespaces is governed by their NetworkPolicies.

import { namespaceName } from "../../components/workspaces";
import { OPENBAO, OPENBAO_PORT, OPENSHIFT_DNS, POSTGRES_PORT, CATALOG_CLUSTER } from "./names";

/** OVN-Kubernetes implements AdminNetworkPolicy priorities 0 to 99; research projects take 20 upwards. */
export const FIRST_PROJECT_PRIORITY = 20;
export const LAST_SUPPORTED_PRIORITY = 99;

export interface ProjectEgressPlan {
    readonly projectId: string;
    readonly priority: number;
    readonly keysNamespace: string;
    readonly catalogNamespace: string;
    readonly objectStorageCidrs: readonly string[];
    /** Extra destinations the warehouse allows (network.allowedEgressCidrs), HTTPS only. */
    readonly allowedEgressCidrs: readonly string[];
}

const byName = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });
const tcp = (port: number) => ({ portNumber: { protocol: "TCP", port } });
const udp = (port: number) => ({ portNumber: { protocol: "UDP", port } });

/**
 * The AdminNetworkPolicy spec for one research namespace: allow cluster DNS, OpenBao, the catalogue and the object
 * storage endpoint; pass traffic inside the namespace to its NetworkPolicies; deny everything else, in and out.
 * Namespaces are matched by `kubernetes.io/metadata.name`, which the API server sets and nobody can forge.
 */
export function projectAdminNetworkPolicy(plan: ProjectEgressPlan): Record<string, unknown> {
    const own = byName(namespaceName(plan.projectId));
    const egress: Record<string, unknown>[] = [
        {
            name: "allow-cluster-dns",
            action: "Allow",
            to: [{ pods: { namespaceSelector: byName(OPENSHIFT_DNS.namespace),
                podSelector: { matchLabels: { ...OPENSHIFT_DNS.podLabels } } } }],
            ports: OPENSHIFT_DNS.ports.flatMap(p => [udp(p), tcp(p)]),
        },
        {
            name: "allow-openbao",
            action: "Allow",
            to: [{ pods: { namespaceSelector: byName(plan.keysNamespace),
                podSelector: { matchLabels: { "app.kubernetes.io/name": OPENBAO, component: "server" } } } }],
            ports: [tcp(OPENBAO_PORT)],
        },
        {
            name: "allow-catalog",
            action: "Allow",
            to: [{ pods: { namespaceSelector: byName(plan.catalogNamespace),
                podSelector: { matchLabels: { "cnpg.io/cluster": CATALOG_CLUSTER } } } }],
            ports: [tcp(POSTGRES_PORT)],
        },
        {
            name: "allow-object-storage",
            action: "Allow",
            to: [{ networks: [...plan.objectStorageCidrs] }],
            ports: [tcp(443)],
        },
    ];
    if (plan.allowedEgressCidrs.length > 0) {
        egress.push({ name: "allow-warehouse-egress", action: "Allow",
            to: [{ networks: [...plan.allowedEgressCidrs] }], ports: [tcp(443)] });
    }
    egress.push(
        { name: "pass-own-namespace", action: "Pass", to: [{ namespaces: own }] },
        { name: "deny-everything-else", action: "Deny", to: [{ namespaces: {} }, { networks: ["0.0.0.0/0"] }] },
    );
    return {
        priority: plan.priority,
        subject: { namespaces: own },
        ingress: [
            { name: "pass-own-namespace", action: "Pass", from: [{ namespaces: own }] },
            { name: "deny-other-namespaces", action: "Deny", from: [{ namespaces: {} }] },
        ],
        egress,
    };
}

export interface PlatformEgressPlan {
    /** The control-plane addresses: pods reach the API through them, and a deny-all would cut them off. */
    readonly apiServerCidrs: readonly string[];
    /** Object-storage addresses, for namespaces that write backups; empty for the others. */
    readonly objectStorageCidrs: readonly string[];
    /** Other destinations the namespace's pods must reach (the HSM that seals OpenBao), with their port. */
    readonly extra?: readonly { readonly cidrs: readonly string[]; readonly port: number }[];
}

/** EgressFirewall spec for a platform namespace: the API servers, optionally object storage, nothing else. */
export function platformEgressFirewall(plan: PlatformEgressPlan): Record<string, unknown> {
    return {
        egress: [
            ...plan.apiServerCidrs.map(cidr => ({ type: "Allow", to: { cidrSelector: cidr } })),
            ...plan.objectStorageCidrs.map(cidr => ({
                type: "Allow", to: { cidrSelector: cidr }, ports: [{ protocol: "TCP", port: 443 }],
            })),
            ...(plan.extra ?? []).flatMap(e => e.cidrs.map(cidr => ({
                type: "Allow", to: { cidrSelector: cidr }, ports: [{ protocol: "TCP", port: e.port }],
            }))),
            { type: "Deny", to: { cidrSelector: "0.0.0.0/0" } },
        ],
    };
}
