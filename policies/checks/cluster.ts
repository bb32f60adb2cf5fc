// AKS hardening beyond the API server: pods are walled off by a network policy engine, nobody signs in with the
// cluster's static credentials, access goes through Entra ID and Azure RBAC, nodes have no public address, and
// their temporary disks and caches are encrypted at host. Node pools are judged wherever they are declared:
// inline (`agentPoolProfiles`) or as separate AgentPool resources. Versioned AKS tokens resolve to these.
// Sources: Azure Policy built-ins on each row; Checkov CKV_AZURE_7/141/143/227; AKS documentation
// (https://learn.microsoft.com/azure/aks/use-network-policies, .../manage-local-accounts-managed-azure-ad,
// .../manage-azure-rbac, .../enable-host-encryption).

import { PropertyCheck } from "./model";

const POLICY = "cluster-hardening";
const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";

export const CLUSTER_CHECKS: readonly PropertyCheck[] = [
    {
        id: "aks-network-policy", policy: POLICY, types: [CLUSTER], property: "networkProfile.networkPolicy",
        problem: "No network policy engine enforces NetworkPolicies: every pod can reach every other",
        require: { in: ["azure", "calico", "cilium"] }, fix: "calico, azure or cilium", whenAbsent: "fail",
        // Azure CNI powered by Cilium enforces policies with Cilium whatever networkPolicy says.
        unless: [{ property: "networkProfile.networkDataplane", equals: "cilium" }],
        source: { checkov: ["CKV_AZURE_7"], docs: ["https://learn.microsoft.com/azure/aks/use-network-policies"] },
    },
    {
        id: "aks-local-accounts", policy: POLICY, types: [CLUSTER], property: "disableLocalAccounts",
        problem: "The cluster's static admin credentials (local accounts) can be downloaded", require: { equals: true }, fix: "true",
        whenAbsent: { default: false }, source: { azurePolicy: ["993c2fcd"], checkov: ["CKV_AZURE_141"] },
    },
    {
        id: "aks-entra-integration", policy: POLICY, types: [CLUSTER], property: "aadProfile.managed",
        problem: "The cluster does not authenticate users with Entra ID", require: { equals: true }, fix: "true",
        whenAbsent: "fail", source: { azurePolicy: ["450d2877"] },
    },
    {
        id: "aks-azure-rbac", policy: POLICY, types: [CLUSTER], property: "aadProfile.enableAzureRBAC",
        problem: "Kubernetes authorization does not use Entra ID and Azure RBAC", require: { equals: true }, fix: "true",
        whenAbsent: { default: false }, source: { docs: ["https://learn.microsoft.com/azure/aks/manage-azure-rbac"] },
    },
    {
        id: "aks-kubernetes-rbac", policy: POLICY, types: [CLUSTER], property: "enableRBAC",
        problem: "Kubernetes RBAC is off", require: { equals: true }, fix: "true", whenAbsent: { default: true },
        source: { azurePolicy: ["ac4a19c2"], checkov: ["CKV_AZURE_5"] },
    },
    {
        id: "aks-node-public-ip", policy: POLICY, types: [CLUSTER], property: "agentPoolProfiles[*].enableNodePublicIP",
        problem: "Nodes get public IP addresses", require: { equals: false }, fix: "false", whenAbsent: { default: false },
        source: { checkov: ["CKV_AZURE_143"] },
    },
    {
        id: "aks-pool-node-public-ip", policy: POLICY, types: [POOL], property: "enableNodePublicIP",
        problem: "Nodes get public IP addresses", require: { equals: false }, fix: "false", whenAbsent: { default: false },
        source: { checkov: ["CKV_AZURE_143"] },
    },
    {
        id: "aks-encryption-at-host", policy: POLICY, types: [CLUSTER], property: "agentPoolProfiles[*].enableEncryptionAtHost",
        problem: "Node temporary disks and caches are not encrypted at host", require: { equals: true }, fix: "true",
        whenAbsent: { default: false }, source: { azurePolicy: ["41425d9f"], checkov: ["CKV_AZURE_227"] },
    },
    {
        id: "aks-pool-encryption-at-host", policy: POLICY, types: [POOL], property: "enableEncryptionAtHost",
        problem: "Node temporary disks and caches are not encrypted at host", require: { equals: true }, fix: "true",
        whenAbsent: { default: false }, source: { azurePolicy: ["41425d9f"], checkov: ["CKV_AZURE_227"] },
    },
];
