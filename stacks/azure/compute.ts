// Compute on Azure: a private AKS cluster (no public API address) with Entra ID and Azure RBAC only, disks
// encrypted by a disk encryption set on the platform key, etcd secrets encrypted by KMS with the same key reached
// privately, encryption at host on every pool, egress through the firewall (userDefinedRouting), Cilium network
// policy, and workload identity federated per research project.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as compute from "@pulumi/azure-native/compute";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { BlockContext, ClusterDns, ClusterPlatform, Compute, Endpoint } from "../../components/target";
import { PoolSpec, ResearchProject } from "../../components/model";
import { namespaceName } from "../../components/workspaces";
import {
    APISERVER_SUBNET, AzureNetwork, AzureSubnetPlan, CLUSTER_SUBNET, ENTRA_LOGIN, OVERLAY,
} from "./network";
import { AzureKeys } from "./keys";
import { AzureNames } from "./naming";
import { AzureRegion } from "./regions";
import { AzureSettings } from "./settings";
import { VM_SIZES } from "./sizing";
import { grant } from "./roles";
import { withCliLogin } from "./kubeconfig";

export interface AzureComputeArgs {
    readonly ctx: BlockContext & { network: AzureNetwork; keys: AzureKeys };
    readonly names: AzureNames;
    readonly region: AzureRegion;
    readonly settings: AzureSettings;
}

/** The service account of research workloads (components/workspaces.ts), which each project identity trusts. */
export const WORKLOAD_SERVICE_ACCOUNT = "research-workloads";
/** The audience AKS workload identity tokens are issued for. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

export { OVERLAY } from "./network";

/** Where AKS runs CoreDNS: kube-system, pods labelled k8s-app=kube-dns, port 53. */
const AKS_DNS: ClusterDns = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, ports: [53] };

/**
 * The IPv4 ranges Microsoft publishes for login.microsoftonline.com (Microsoft 365 URLs and IP address ranges,
 * "Microsoft 365 Common", endpoint set 56, learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges;
 * changes are announced through the endpoints web service, https://endpoints.office.com). Research pods may reach
 * these on 443 and nothing else on the internet; the firewall narrows them further to the name.
 */
export const ENTRA_ID_RANGES = ["20.20.32.0/19", "20.190.128.0/18", "20.231.128.0/19", "40.126.0.0/18"];

/** The platform facts the flow verifier relies on, each with where it was read. */
export function aksPlatform(plan: AzureSubnetPlan, addressSpace: string): ClusterPlatform {
    return {
        podAddresses: [OVERLAY.podCidr],
        nodes: { addresses: [plan.cluster], subnet: CLUSTER_SUBNET },
        apiServer: { addresses: [plan.apiServer], subnet: APISERVER_SUBNET },
        identityProvider: {
            description: "Microsoft Entra ID (login.microsoftonline.com)",
            place: { addresses: [...ENTRA_ID_RANGES], fqdn: ENTRA_LOGIN, external: true },
            ports: [{ protocol: "TCP", port: 443 }],
            egress: ENTRA_ID_RANGES.map(cidr => ({
                description: "Microsoft Entra ID for workload identity (HTTPS; the firewall allows only its name)",
                cidr, ports: [443] })),
        },
        clusterPolicy: "cilium",
        assignsPodIds: false,
        facts: {
            ipBlockMatchesPods: { value: false, source: "AKS, Azure CNI powered by Cilium, limitations: network " +
                "policies cannot use ipBlock to allow access to node or pod IPs (learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium)" },
            networkAddressSpace: { value: [addressSpace], source: "the VNet's address space (warehouse:network.addressSpace); " +
                "the VirtualNetwork service tag and the system routes cover it (learn.microsoft.com/azure/virtual-network/service-tags-overview)" },
            networkRoutes: { value: [OVERLAY.podCidr], source: "Azure CNI overlay: a separate routing domain in Azure's " +
                "networking stack carries the pod CIDR between nodes, with no route table (learn.microsoft.com/azure/aks/azure-cni-overlay)" },
            fqdnTags: { value: { AzureKubernetesService: [ENTRA_LOGIN, "management.azure.com", "mcr.microsoft.com", "packages.aks.azure.com"] },
                source: "AKS outbound network and FQDN rules, required FQDNs, and the AzureKubernetesService FQDN tag " +
                    "(learn.microsoft.com/azure/aks/outbound-rules-control-egress)" },
            other: {
                overlaySnat: { value: "pod traffic to destinations outside the pod CIDR leaves with the node's address",
                    source: "learn.microsoft.com/azure/aks/azure-cni-overlay" },
                overlayNsg: { value: "node<->node, node->pod and pod<->pod on all ports and protocols must be allowed by the subnet NSG",
                    source: "learn.microsoft.com/azure/aks/azure-cni-overlay, Network security groups" },
                dns: { value: "CoreDNS in kube-system, k8s-app=kube-dns, port 53", source: "learn.microsoft.com/azure/aks/coredns-custom" },
            },
        },
    };
}

export class AzureCompute extends pulumi.ComponentResource implements Compute {
    readonly clusterName: pulumi.Output<string>;
    readonly apiEndpoint: Endpoint;
    readonly apiAccess = "private" as const;
    readonly kubernetes: k8s.Provider;
    readonly dns: ClusterDns = AKS_DNS;
    readonly platform: ClusterPlatform;
    readonly oidcIssuerUrl: pulumi.Output<string>;
    private readonly blockName: string;
    private readonly keys: AzureKeys;
    private readonly resourceGroupName: AzureNetwork["resourceGroupName"];

    constructor(name: string, args: AzureComputeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:azure:Compute", name, {}, opts);
        const { ctx, names, region, settings } = args;
        const { network, keys, spec } = ctx;
        const tags = { ...ctx.labels };
        const child = { parent: this };
        const rg = network.resourceGroupName;
        this.blockName = name;
        this.keys = keys;
        this.resourceGroupName = rg;
        this.platform = aksPlatform(network.subnets, spec.network.addressSpace);

        const diskEncryption = new compute.DiskEncryptionSet(`${name}-disk-encryption`, {
            diskEncryptionSetName: `des-${names.prefix}`, resourceGroupName: rg, location: network.location, tags,
            encryptionType: "EncryptionAtRestWithCustomerKey",
            identity: { type: "UserAssigned", userAssignedIdentities: [keys.encryptionIdentity.id] },
            activeKey: {
                keyUrl: keys.platformKey.versionedUri,
                ...(keys.keyService === "key-vault-premium" ? { sourceVault: { id: keys.serviceId } } : {}),
            },
            rotationToLatestKeyVersionEnabled: true,
        }, { ...child, dependsOn: keys.encryptionReady });

        // KMS needs a user-assigned control-plane identity that holds its key rights before the cluster exists.
        const clusterIdentity = new managedidentity.UserAssignedIdentity(`${name}-cluster-identity`, {
            resourceName: `id-${names.prefix}-aks`, resourceGroupName: rg, location: network.location, tags,
        }, child);
        const principalId = clusterIdentity.principalId;
        const clusterGrants = [
            grant(`${name}-cluster-subnet`, { role: "networkContributor", principalId, scope: network.clusterSubnetId,
                description: "AKS joins nodes and internal load balancers to the cluster subnet" }, child),
            grant(`${name}-cluster-apiserver-subnet`, { role: "networkContributor", principalId,
                scope: network.apiServerSubnetId,
                description: "AKS places the API server in its delegated subnet" }, child),
            grant(`${name}-cluster-routes`, { role: "networkContributor", principalId, scope: network.routeTableId,
                description: "userDefinedRouting: AKS checks and uses the route table to the firewall" }, child),
            grant(`${name}-cluster-disk-encryption`, { role: "reader", principalId, scope: diskEncryption.id,
                description: "AKS reads the disk encryption set of its node disks" }, child),
            ...(keys.keyService === "key-vault-premium" ? [
                grant(`${name}-cluster-kms-key`, { role: "keyVaultCryptoUser", principalId,
                    scope: keys.kmsKey.resourceId,
                    description: "KMS encrypts etcd secrets with its own key" }, child),
                grant(`${name}-cluster-kms-vault`, { role: "keyVaultContributor", principalId, scope: keys.serviceId,
                    description: "KMS with a private vault: AKS reaches the vault through the VNet" }, child),
            ] : []),
        ];

        const pool = (poolName: string, p: PoolSpec) => ({
            vmSize: VM_SIZES[p.size],
            count: p.nodes, minCount: p.minNodes, maxCount: p.maxNodes, enableAutoScaling: p.maxNodes > p.minNodes,
            availabilityZones: [...region.zones],
            vnetSubnetID: network.clusterSubnetId,
            enableEncryptionAtHost: true,
            enableNodePublicIP: false,
            osType: "Linux", osSKU: "AzureLinux", osDiskType: "Managed",
            orchestratorVersion: spec.compute.kubernetesVersion,
            type: "VirtualMachineScaleSets",
            tags: { ...tags, "node-pool": poolName },
        });

        const cluster = new containerservice.ManagedCluster(`${name}-cluster`, {
            resourceName: names.cluster, resourceGroupName: rg, location: network.location, tags,
            dnsPrefix: names.prefix,
            kubernetesVersion: spec.compute.kubernetesVersion,
            sku: { name: "Base", tier: "Standard" },
            identity: { type: "UserAssigned", userAssignedIdentities: [clusterIdentity.id] },
            apiServerAccessProfile: {
                enablePrivateCluster: true,
                enablePrivateClusterPublicFQDN: false,
                // KMS with a private vault requires the API server inside the VNet.
                enableVnetIntegration: true,
                subnetId: network.apiServerSubnetId,
                disableRunCommand: true,
            },
            publicNetworkAccess: "Disabled",
            aadProfile: {
                managed: true, enableAzureRBAC: true, tenantID: settings.tenantId,
                adminGroupObjectIDs: settings.adminGroupObjectIds,
            },
            disableLocalAccounts: true,
            enableRBAC: true,
            diskEncryptionSetID: diskEncryption.id,
            securityProfile: {
                // KMS takes a versioned key id (AKS: "Rotate the existing keys"). Its key's versions never expire;
                // a scheduled `pulumi up --refresh` moves KMS to the latest version (docs/deploy-azure.md).
                azureKeyVaultKms: {
                    enabled: true, keyId: keys.kmsKey.versionedUri,
                    keyVaultNetworkAccess: "Private", keyVaultResourceId: keys.serviceId,
                },
                workloadIdentity: { enabled: true },
                imageCleaner: { enabled: true, intervalHours: 48 },
            },
            oidcIssuerProfile: { enabled: true },
            networkProfile: {
                networkPlugin: "azure", networkPluginMode: "overlay",
                networkDataplane: "cilium", networkPolicy: "cilium",
                // Egress through the firewall: no public load balancer, no NAT gateway, no default outbound access.
                outboundType: "userDefinedRouting",
                loadBalancerSku: "standard",
                ...OVERLAY,
            },
            autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
            agentPoolProfiles: [{
                name: "system", mode: "System", ...pool("system", spec.compute.systemPool),
                // Only cluster add-ons run here; research workloads go to the analytics pool.
                nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
            }],
        }, {
            ...child, dependsOn: clusterGrants,
            // The autoscaler owns the node count once the cluster runs.
            ignoreChanges: ["agentPoolProfiles[0].count"],
        });

        new containerservice.AgentPool(`${name}-analytics`, {
            agentPoolName: "analytics", resourceName: cluster.name, resourceGroupName: rg, mode: "User",
            ...pool("analytics", spec.compute.analyticsPool),
            nodeLabels: { "health-data.fr/pool": "analytics" },
        }, { ...child, ignoreChanges: ["count"] });

        this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply(p => p?.issuerURL ?? "");
        // The user kubeconfig (not the admin one: local accounts are disabled) in exec format: the Kubernetes
        // provider obtains Entra ID tokens through kubelogin, with the deployer's own Azure CLI session.
        const credentials = containerservice.listManagedClusterUserCredentialsOutput({
            resourceGroupName: rg, resourceName: cluster.name, format: "exec",
        }, child);
        const kubeconfig = pulumi.secret(credentials.kubeconfigs.apply(list =>
            withCliLogin(Buffer.from(list[0].value, "base64").toString("utf8"))));
        this.kubernetes = new k8s.Provider(`${name}-kubernetes`, { kubeconfig }, child);

        this.clusterName = cluster.name;
        this.apiEndpoint = { url: pulumi.interpolate`https://${cluster.privateFQDN}`, private: true };
        this.registerOutputs({ clusterName: this.clusterName, apiEndpoint: this.apiEndpoint.url });
    }

    /** Federates the project's workload identity with its namespace's service account (workload identity). */
    addProject(project: ResearchProject): void {
        const identity = this.keys.projectIdentities[project.id];
        new managedidentity.FederatedIdentityCredential(`${this.blockName}-${project.id}-federation`, {
            federatedIdentityCredentialResourceName: `aks-${namespaceName(project.id)}`,
            resourceName: identity.name, resourceGroupName: this.resourceGroupName,
            issuer: this.oidcIssuerUrl,
            subject: `system:serviceaccount:${namespaceName(project.id)}:${WORKLOAD_SERVICE_ACCOUNT}`,
            audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        }, { parent: this });
    }
}
