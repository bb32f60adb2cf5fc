// Compute on Azure: a private AKS cluster (no public API address) with Entra ID and Azure RBAC only, disks
// encrypted by a disk encryption set on the platform key, etcd secrets encrypted by KMS with the same key reached
// privately, encryption at host on every pool, egress through the firewall (userDefinedRouting), Cilium network
// policy, and workload identity federated per research project.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as compute from "@pulumi/azure-native/compute";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { BlockContext, ClusterDns, Compute, Endpoint } from "../../components/target";
import { PoolSpec, ResearchProject } from "../../components/model";
import { namespaceName } from "../../components/workspaces";
import { AzureNetwork } from "./network";
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

/**
 * Pod and service ranges of the overlay network, from the shared address space (RFC 6598) so that they can never
 * overlap the VNet, peered networks or the administrators' private ranges (all RFC 1918).
 */
export const OVERLAY = { podCidr: "100.64.0.0/16", serviceCidr: "100.65.0.0/16", dnsServiceIP: "100.65.0.10" };

export class AzureCompute extends pulumi.ComponentResource implements Compute {
    readonly clusterName: pulumi.Output<string>;
    readonly apiEndpoint: Endpoint;
    readonly apiAccess = "private" as const;
    readonly kubernetes: k8s.Provider;
    readonly dns: ClusterDns = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, ports: [53] };
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
                    scope: keys.platformKey.resourceId,
                    description: "KMS encrypts etcd secrets with the platform key" }, child),
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
                azureKeyVaultKms: {
                    enabled: true, keyId: keys.platformKey.versionedUri,
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
