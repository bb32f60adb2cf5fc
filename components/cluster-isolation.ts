// The cluster-level layer that keeps one research project's pods from every other project's, whatever the
// namespaces' own NetworkPolicies say. It is cluster-scoped (nobody with rights in a namespace can change it) and
// uses deny rules, which the engines evaluate before, or over, namespace policies:
// - cilium: a CiliumClusterwideNetworkPolicy with `ingressDeny`/`egressDeny` (deny rules take precedence over any
//   allow, https://docs.cilium.io/en/stable/security/policy/language/#deny-policies; cluster-wide policies on AKS
//   with Azure CNI powered by Cilium: https://learn.microsoft.com/azure/aks/cilium-cluster-wide-network-policy);
// - calico: a GlobalNetworkPolicy of order 10 with Deny rules; Calico evaluates policies by order and turns
//   Kubernetes NetworkPolicies into order-1000 policies, so this one is judged first
//   (https://docs.tigera.io/calico/latest/reference/resources/globalnetworkpolicy);
// - admin-network-policy: the target declares an AdminNetworkPolicy itself (OVN-Kubernetes, OpenShift).

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterPlatform } from "./target";

export const CILIUM_NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace";
/** Cilium exposes a namespace's labels on its pods' identity under this prefix. */
export const CILIUM_NAMESPACE_LABELS_PREFIX = "k8s:io.cilium.k8s.namespace.labels.";
/** Before every Kubernetes NetworkPolicy (Calico gives those order 1000). */
export const CALICO_ISOLATION_ORDER = 10;

export interface ClusterIsolationArgs {
    readonly warehouse: string;
    readonly projectId: string;
    readonly namespace: string;
    readonly engine: ClusterPlatform["clusterPolicy"];
    /** The project label on namespaces (components/workspaces.ts PROJECT_LABEL). */
    readonly projectLabel?: string;
    readonly labels: Readonly<Record<string, string>>;
}

const PROJECT_LABEL = "health-data.fr/research-project";

/** Cilium: no traffic between this project's pods and any other research namespace's, either way. */
export function ciliumIsolationSpec(namespace: string, projectLabel = PROJECT_LABEL): Record<string, unknown> {
    const otherProjects = [{
        matchExpressions: [
            { key: `${CILIUM_NAMESPACE_LABELS_PREFIX}${projectLabel}`, operator: "Exists" },
            { key: CILIUM_NAMESPACE_LABEL, operator: "NotIn", values: [namespace] },
        ],
    }];
    return {
        endpointSelector: { matchLabels: { [CILIUM_NAMESPACE_LABEL]: namespace } },
        ingressDeny: [{ fromEndpoints: otherProjects }],
        egressDeny: [{ toEndpoints: otherProjects }],
    };
}

/** Calico: the same, as a global policy judged before the namespaces' own. */
export function calicoIsolationSpec(namespace: string, projectId: string, projectLabel = PROJECT_LABEL): Record<string, unknown> {
    const others = `has(${projectLabel}) && ${projectLabel} != '${projectId}'`;
    return {
        order: CALICO_ISOLATION_ORDER,
        selector: `projectcalico.org/namespace == '${namespace}'`,
        types: ["Ingress", "Egress"],
        ingress: [{ action: "Deny", source: { namespaceSelector: others } }],
        egress: [{ action: "Deny", destination: { namespaceSelector: others } }],
    };
}

/** Declares the layer for one project; nothing when the target declares its own (AdminNetworkPolicy). */
export function clusterIsolation(name: string, args: ClusterIsolationArgs,
                                 opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource | undefined {
    const metadata = { name: `${args.warehouse}-rp-${args.projectId}-isolation`, labels: { ...args.labels } };
    switch (args.engine) {
        case "cilium":
            return new k8s.apiextensions.CustomResource(name, {
                apiVersion: "cilium.io/v2", kind: "CiliumClusterwideNetworkPolicy", metadata,
                spec: ciliumIsolationSpec(args.namespace, args.projectLabel),
            }, opts);
        case "calico":
            return new k8s.apiextensions.CustomResource(name, {
                apiVersion: "crd.projectcalico.org/v1", kind: "GlobalNetworkPolicy", metadata,
                spec: calicoIsolationSpec(args.namespace, args.projectId, args.projectLabel),
            }, opts);
        case "admin-network-policy":
            return undefined;
    }
}
