// Network isolation on Azure: a resource group and a VNet whose subnets have no default outbound access and NSGs
// that deny everything but the flows the warehouse needs. The cluster and database reach the internet only through
// an Azure Firewall that allows the FQDNs AKS needs (userDefinedRouting); services are reached through private
// endpoints resolved by private DNS zones linked to the VNet.

import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type { input } from "@pulumi/azure-native/types";
import { BlockContext, NetworkIsolation } from "../../components/target";
import { SubnetPlan, formatCidr, parseCidr, planSubnets, subnet } from "../../components/cidr";
import { AzureNames } from "./naming";
import { AzureRegion } from "./regions";
import { KeyService } from "./settings";

export interface AzureNetworkArgs {
    readonly ctx: BlockContext;
    readonly names: AzureNames;
    readonly region: AzureRegion;
    readonly keyService: KeyService;
}

/** The subnets beyond the neutral plan: AKS puts its API server in a delegated subnet of its own. */
export interface AzureSubnetPlan extends SubnetPlan {
    /** API server VNet integration: a /28 delegated to AKS, the first of the third quarter's spare block. */
    readonly apiServer: string;
}

export function planAzureSubnets(addressSpace: string): AzureSubnetPlan {
    const plan = planSubnets(addressSpace);
    const space = parseCidr(addressSpace)!;
    const small = Math.max(space.prefix + 2, 24);
    const spare = subnet(subnet(space, space.prefix + 2, 2), small, 3);
    return { ...plan, apiServer: formatCidr(subnet(spare, 28, 0)) };
}

/**
 * Pod and service ranges of the overlay network, from the shared address space (RFC 6598) so that they can never
 * overlap the VNet, peered networks or the administrators' private ranges (all RFC 1918).
 */
export const OVERLAY = { podCidr: "100.64.0.0/16", serviceCidr: "100.65.0.0/16", dnsServiceIP: "100.65.0.10" };

/** Subnet names (the intents name the subnet whose NSG filters an endpoint). */
export const CLUSTER_SUBNET = "snet-cluster";
export const APISERVER_SUBNET = "snet-apiserver";
export const ENDPOINTS_SUBNET = "snet-endpoints";
export const DATABASE_SUBNET = "snet-database";

/** The identity provider workloads exchange their tokens with (no private endpoint exists for it). */
export const ENTRA_LOGIN = "login.microsoftonline.com";

/** The private DNS zones of the private endpoints, by the endpoint's sub-resource (group id). */
const PRIVATE_LINK_ZONES = {
    blob: "privatelink.blob.core.windows.net",
    dfs: "privatelink.dfs.core.windows.net",
    vault: "privatelink.vaultcore.azure.net",
    managedhsm: "privatelink.managedhsm.azure.net",
} as const;
export type PrivateLinkGroup = keyof typeof PRIVATE_LINK_ZONES;

/** NSG priorities: allows from 100 up, the explicit deny-all at the lowest priority a rule may have. */
const DENY_ALL_PRIORITY = 4096;

type Rule = input.network.SecurityRuleArgs & { name: string };
const tcp = (name: string, priority: number, direction: "Inbound" | "Outbound", from: string | string[],
             to: string | string[], ports: string | string[], description: string): Rule => ({
    name, priority, direction, access: "Allow", protocol: "Tcp", description,
    sourcePortRange: "*",
    ...(Array.isArray(from) ? { sourceAddressPrefixes: from } : { sourceAddressPrefix: from }),
    ...(Array.isArray(to) ? { destinationAddressPrefixes: to } : { destinationAddressPrefix: to }),
    ...(Array.isArray(ports) ? { destinationPortRanges: ports } : { destinationPortRange: ports }),
} as Rule);
const any = (name: string, priority: number, direction: "Inbound" | "Outbound", from: string | string[],
             to: string | string[], description: string): Rule => ({
    name, priority, direction, access: "Allow", protocol: "*", description,
    sourcePortRange: "*", destinationPortRange: "*",
    ...(Array.isArray(from) ? { sourceAddressPrefixes: from } : { sourceAddressPrefix: from }),
    ...(Array.isArray(to) ? { destinationAddressPrefixes: to } : { destinationAddressPrefix: to }),
} as Rule);
const denyAll = (direction: "Inbound" | "Outbound"): Rule => ({
    name: `deny-all-${direction.toLowerCase()}`, priority: DENY_ALL_PRIORITY, direction, access: "Deny",
    protocol: "*", sourcePortRange: "*", destinationPortRange: "*", sourceAddressPrefix: "*",
    destinationAddressPrefix: "*",
    description: "Deny by default: overrides Azure's implicit VNet and load-balancer allows",
});

export class AzureNetwork extends pulumi.ComponentResource implements NetworkIsolation {
    readonly networkId: pulumi.Output<string>;
    readonly subnets: AzureSubnetPlan;
    readonly resourceGroupName: pulumi.Output<string>;
    readonly location: string;
    readonly vnet: network.VirtualNetwork;
    readonly clusterSubnetId: pulumi.Output<string>;
    readonly apiServerSubnetId: pulumi.Output<string>;
    readonly endpointsSubnetId: pulumi.Output<string>;
    readonly databaseSubnetId: pulumi.Output<string>;
    readonly routeTableId: pulumi.Output<string>;
    /** Private DNS zone ids by private-link group. */
    readonly privateLinkZoneIds: Readonly<Partial<Record<PrivateLinkGroup, pulumi.Output<string>>>>;
    readonly catalogDnsZoneId: pulumi.Output<string>;
    /** PostgreSQL resolves through its zone only once the zone is linked to the VNet. */
    readonly catalogDnsLink: pulumi.Resource;

    constructor(name: string, args: AzureNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:azure:Network", name, {}, opts);
        const { ctx, names, region } = args;
        const tags = { ...ctx.labels };
        const child = { parent: this };
        const plan = planAzureSubnets(ctx.spec.network.addressSpace);
        const admins = ctx.spec.network.adminCidrs;
        const egress = ctx.spec.network.allowedEgressCidrs;
        this.location = region.name;

        // Deleting the group deletes everything in it: protected like the stores it holds.
        const group = new resources.ResourceGroup(`${name}-group`, {
            resourceGroupName: names.resourceGroup, location: region.name, tags,
        }, { ...child, protect: ctx.protect });
        const rg = group.name;

        this.vnet = new network.VirtualNetwork(`${name}-vnet`, {
            virtualNetworkName: `vnet-${names.prefix}`, resourceGroupName: rg, location: region.name, tags,
            addressSpace: { addressPrefixes: [ctx.spec.network.addressSpace] },
            // Subnets are separate resources below; none are declared inline, so the two never fight.
        }, child);
        const vnetName = this.vnet.name;

        const nsg = (suffix: string, rules: Rule[]) => new network.NetworkSecurityGroup(`${name}-nsg-${suffix}`, {
            networkSecurityGroupName: `nsg-${names.prefix}-${suffix}`, resourceGroupName: rg, location: region.name,
            tags, securityRules: [...rules, denyAll("Inbound"), denyAll("Outbound")],
        }, child);

        // Azure CNI overlay does not encapsulate pod traffic, so this subnet's NSG filters it: node <-> node,
        // node -> pod and pod <-> pod must be allowed on every port and protocol, both ways, or cross-node pod
        // traffic and cluster DNS are dropped (https://learn.microsoft.com/azure/aks/azure-cni-overlay, "Network
        // security groups"). Pods reaching anything outside the pod range leave with their node's address (SNAT).
        const nodesAndPods = [plan.cluster, OVERLAY.podCidr];
        const clusterNsg = nsg("cluster", [
            any("allow-cluster-in", 100, "Inbound", nodesAndPods, nodesAndPods,
                "Nodes and overlay pods talk to each other (AKS overlay NSG requirements)"),
            tcp("allow-apiserver-in", 110, "Inbound", plan.apiServer, nodesAndPods, "*",
                "The API server reaches kubelets and admission webhooks on pod addresses"),
            any("allow-azure-lb-in", 120, "Inbound", "AzureLoadBalancer", plan.cluster,
                "Azure's health probes (platform requirement of AKS node pools)"),
            any("allow-cluster-out", 100, "Outbound", nodesAndPods, nodesAndPods,
                "Nodes and overlay pods talk to each other (AKS overlay NSG requirements)"),
            tcp("allow-apiserver-out", 110, "Outbound", plan.cluster, plan.apiServer, "443",
                "Kubelets and pods reach the private API server"),
            tcp("allow-endpoints-out", 120, "Outbound", plan.cluster, plan.endpoints, "443",
                "Storage and keys through their private endpoints"),
            tcp("allow-catalog-out", 130, "Outbound", plan.cluster, plan.database, "5432", "The catalogue database"),
            // The destination of internet-bound packets is the real address, not the firewall: the NSG lets HTTPS
            // leave, the route table sends it to the firewall, the firewall allows only AKS's FQDNs.
            tcp("allow-https-via-firewall-out", 140, "Outbound", plan.cluster, "Internet", "443",
                "HTTPS to the internet, routed to the firewall, which allows only the FQDNs AKS needs"),
            ...(egress.length > 0 ? [tcp("allow-declared-egress-out", 150, "Outbound", plan.cluster, egress, "443",
                "Destinations declared in warehouse:network.allowedEgressCidrs, via the firewall")] : []),
        ]);
        const apiServerNsg = nsg("apiserver", [
            tcp("allow-cluster-in", 100, "Inbound", plan.cluster, plan.apiServer, "443", "Nodes and pods reach the API"),
            tcp("allow-admins-in", 110, "Inbound", admins, plan.apiServer, "443",
                "Administrators (warehouse:network.adminCidrs) reach the private API over VPN or peering"),
            any("allow-azure-lb-in", 120, "Inbound", "AzureLoadBalancer", plan.apiServer,
                "The API server's internal load balancer probes"),
            tcp("allow-kubelets-out", 100, "Outbound", plan.apiServer, [plan.cluster, OVERLAY.podCidr], "*",
                "The API server reaches kubelets, and admission webhooks on pod addresses"),
            tcp("allow-vault-out", 110, "Outbound", plan.apiServer, plan.endpoints, "443",
                "KMS: the API server encrypts secrets with the key through the vault's private endpoint"),
        ]);
        const endpointsNsg = nsg("endpoints", [
            tcp("allow-cluster-in", 100, "Inbound", plan.cluster, plan.endpoints, "443",
                "Workloads reach storage and keys"),
            tcp("allow-apiserver-in", 110, "Inbound", plan.apiServer, plan.endpoints, "443",
                "The API server reaches the vault (KMS)"),
            tcp("allow-database-in", 120, "Inbound", plan.database, plan.endpoints, "443",
                "The catalogue server unwraps its customer-managed key through the vault's private endpoint"),
        ]);
        const databaseNsg = nsg("database", [
            tcp("allow-cluster-in", 100, "Inbound", plan.cluster, plan.database, "5432", "Workloads query the catalogue"),
            any("allow-replication-in", 110, "Inbound", plan.database, plan.database,
                "Primary and zone-redundant standby replicate"),
            any("allow-replication-out", 100, "Outbound", plan.database, plan.database,
                "Primary and zone-redundant standby replicate"),
            tcp("allow-platform-out", 110, "Outbound", plan.database,
                [`Storage.${region.serviceTag}`, "AzureActiveDirectory"], "443",
                "WAL archiving and backups to regional storage; Entra ID token validation (through the firewall)"),
            // A VNet-integrated server reaches a vault whose public access is disabled through the vault's private
            // endpoint, resolved by the privatelink.vaultcore.azure.net zone linked to the VNet; the VNet's system
            // route keeps this traffic off the firewall (learn.microsoft.com/azure/postgresql/flexible-server/
            // concepts-data-encryption, key vault requirements and network access).
            tcp("allow-vault-out", 120, "Outbound", plan.database, plan.endpoints, "443",
                "Customer-managed key: the server unwraps its key through the vault's private endpoint"),
        ]);

        // The firewall's subnet must carry this exact name and takes no NSG; it is the neutral gateway subnet.
        const firewallSubnet = new network.Subnet(`${name}-subnet-firewall`, {
            subnetName: "AzureFirewallSubnet", resourceGroupName: rg, virtualNetworkName: vnetName,
            addressPrefix: plan.gateway, defaultOutboundAccess: false,
        }, child);
        // The only public address of the warehouse: the source of its filtered egress, never a destination.
        const egressIp = new network.PublicIPAddress(`${name}-firewall-ip`, {
            publicIpAddressName: `pip-${names.prefix}-egress`, resourceGroupName: rg, location: region.name, tags,
            sku: { name: "Standard", tier: "Regional" }, publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4", zones: [...region.zones],
        }, child);
        const policy = new network.FirewallPolicy(`${name}-firewall-policy`, {
            firewallPolicyName: `afwp-${names.prefix}`, resourceGroupName: rg, location: region.name, tags,
            sku: { tier: "Standard" }, threatIntelMode: "Deny",
        }, child);
        const rules = new network.FirewallPolicyRuleCollectionGroup(`${name}-firewall-rules`, {
            ruleCollectionGroupName: "warehouse-egress", firewallPolicyName: policy.name, resourceGroupName: rg,
            priority: 100,
            ruleCollections: [
                {
                    ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "aks-required", priority: 100,
                    action: { type: "Allow" },
                    rules: [{
                        ruleType: "ApplicationRule", name: "aks-fqdn-tag",
                        description: "Images, packages, Entra ID and ARM endpoints the nodes need",
                        sourceAddresses: [plan.cluster], fqdnTags: ["AzureKubernetesService"],
                        protocols: [{ protocolType: "Https", port: 443 }],
                    }, {
                        // Named, not left to the tag: research pods reach it too (their traffic leaves with the
                        // node's address), and a reviewer reads here why it is open.
                        ruleType: "ApplicationRule", name: "workload-identity",
                        description: "Workload identity: pods exchange their service-account token with Entra ID",
                        sourceAddresses: [plan.cluster], targetFqdns: [ENTRA_LOGIN],
                        protocols: [{ protocolType: "Https", port: 443 }],
                    }],
                },
                {
                    ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "platform-services", priority: 200,
                    action: { type: "Allow" },
                    rules: [{
                        ruleType: "NetworkRule", name: "catalog-backups-and-entra",
                        sourceAddresses: [plan.database],
                        destinationAddresses: [`Storage.${region.serviceTag}`, "AzureActiveDirectory"],
                        destinationPorts: ["443"], ipProtocols: ["TCP"],
                    }, ...(egress.length > 0 ? [{
                        ruleType: "NetworkRule" as const, name: "declared-egress",
                        sourceAddresses: [plan.cluster], destinationAddresses: egress,
                        destinationPorts: ["443"], ipProtocols: ["TCP"],
                    }] : [])],
                },
            ],
        }, child);
        const firewall = new network.AzureFirewall(`${name}-firewall`, {
            azureFirewallName: `afw-${names.prefix}`, resourceGroupName: rg, location: region.name, tags,
            sku: { name: "AZFW_VNet", tier: "Standard" }, zones: [...region.zones],
            firewallPolicy: { id: policy.id },
            ipConfigurations: [{ name: "egress", subnet: { id: firewallSubnet.id }, publicIPAddress: { id: egressIp.id } }],
        }, { ...child, dependsOn: [rules] });
        const firewallIp = firewall.ipConfigurations.apply(c => c?.[0]?.privateIPAddress ?? "");

        const routes = new network.RouteTable(`${name}-routes`, {
            routeTableName: `rt-${names.prefix}-egress`, resourceGroupName: rg, location: region.name, tags,
            // Routes learned from a VPN or ExpressRoute must not bypass the firewall.
            disableBgpRoutePropagation: true,
            routes: [{ name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance",
                nextHopIpAddress: firewallIp }],
        }, child);
        this.routeTableId = routes.id;

        // Azure refuses concurrent changes to subnets of one VNet: each subnet waits for the previous one.
        let previous: pulumi.Resource = firewallSubnet;
        const sub = (suffix: string, args: Omit<network.SubnetArgs, "resourceGroupName" | "virtualNetworkName">) => {
            const created: network.Subnet = new network.Subnet(`${name}-subnet-${suffix}`, {
                subnetName: `snet-${suffix}`, resourceGroupName: rg, virtualNetworkName: vnetName,
                defaultOutboundAccess: false, ...args,
            }, { ...child, dependsOn: [previous] });
            previous = created;
            return created;
        };
        const clusterSubnet = sub("cluster", {
            addressPrefix: plan.cluster, networkSecurityGroup: { id: clusterNsg.id }, routeTable: { id: routes.id },
        });
        const apiServerSubnet = sub("apiserver", {
            addressPrefix: plan.apiServer, networkSecurityGroup: { id: apiServerNsg.id },
            delegations: [{ name: "aks-apiserver", serviceName: "Microsoft.ContainerService/managedClusters" }],
        });
        const endpointsSubnet = sub("endpoints", {
            addressPrefix: plan.endpoints, networkSecurityGroup: { id: endpointsNsg.id },
            // Apply NSGs (and route tables) to private endpoints too; they are exempt otherwise.
            privateEndpointNetworkPolicies: "Enabled",
        });
        const databaseSubnet = sub("database", {
            addressPrefix: plan.database, networkSecurityGroup: { id: databaseNsg.id }, routeTable: { id: routes.id },
            delegations: [{ name: "postgresql", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
        });

        const zone = (suffix: string, zoneName: string) => {
            const created = new privatedns.PrivateZone(`${name}-dns-${suffix}`, {
                privateZoneName: zoneName, resourceGroupName: rg, location: "global", tags,
            }, child);
            const link = new privatedns.VirtualNetworkLink(`${name}-dns-${suffix}-link`, {
                virtualNetworkLinkName: `link-${names.prefix}`, privateZoneName: created.name, resourceGroupName: rg,
                location: "global", tags, virtualNetwork: { id: this.vnet.id },
                // Records come from private endpoints and PostgreSQL, never from VM auto-registration.
                registrationEnabled: false,
            }, child);
            return { id: created.id, link };
        };
        const keyGroup: PrivateLinkGroup = args.keyService === "managed-hsm" ? "managedhsm" : "vault";
        this.privateLinkZoneIds = {
            blob: zone("blob", PRIVATE_LINK_ZONES.blob).id,
            dfs: zone("dfs", PRIVATE_LINK_ZONES.dfs).id,
            [keyGroup]: zone(keyGroup, PRIVATE_LINK_ZONES[keyGroup]).id,
        };
        const catalogZone = zone("catalog", names.catalogDnsZone);
        this.catalogDnsZoneId = catalogZone.id;
        this.catalogDnsLink = catalogZone.link;

        this.networkId = this.vnet.id;
        this.subnets = plan;
        this.resourceGroupName = rg;
        this.clusterSubnetId = clusterSubnet.id;
        this.apiServerSubnetId = apiServerSubnet.id;
        this.endpointsSubnetId = endpointsSubnet.id;
        this.databaseSubnetId = databaseSubnet.id;
        this.registerOutputs({ networkId: this.networkId, resourceGroupName: rg });
    }

    /**
     * A private endpoint for one sub-resource of a service, in the endpoints subnet, registered in the matching
     * private DNS zone so that the service's public name resolves to the private address inside the VNet.
     */
    privateEndpoint(name: string, serviceId: pulumi.Input<string>, group: PrivateLinkGroup,
                    tags: Readonly<Record<string, string>>, opts: pulumi.CustomResourceOptions): network.PrivateEndpoint {
        const zoneId = this.privateLinkZoneIds[group];
        if (!zoneId) throw new Error(`no private DNS zone for ${group} in this network`);
        const endpoint = new network.PrivateEndpoint(name, {
            privateEndpointName: `pe-${name}`, resourceGroupName: this.resourceGroupName, location: this.location,
            tags: { ...tags }, subnet: { id: this.endpointsSubnetId },
            privateLinkServiceConnections: [{ name: group, privateLinkServiceId: serviceId, groupIds: [group] }],
        }, opts);
        new network.PrivateDnsZoneGroup(`${name}-dns`, {
            privateDnsZoneGroupName: "default", privateEndpointName: endpoint.name,
            resourceGroupName: this.resourceGroupName,
            privateDnsZoneConfigs: [{ name: group, privateDnsZoneId: zoneId }],
        }, opts);
        return endpoint;
    }
}
