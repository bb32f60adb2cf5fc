// The warehouse's private network on OVHcloud: the existing Public Cloud project attached to the vRack, a private
// network on a dedicated VLAN in the region, a subnet for the cluster nodes and one for the catalogue, and a
// gateway that routes between them and is the only way out to the internet.

import * as pulumi from "@pulumi/pulumi";
import * as vrack from "@ovhcloud/pulumi-ovh/vrack";
import { CloudNetworkPrivateVrack } from "@ovhcloud/pulumi-ovh/cloudNetworkPrivateVrack";
import { CloudNetworkPrivateVrackSubnet } from "@ovhcloud/pulumi-ovh/cloudNetworkPrivateVrackSubnet";
import { CloudGateway } from "@ovhcloud/pulumi-ovh/cloudGateway";
import { NetworkIsolation } from "../../components/target";
import { SubnetPlan } from "../../components/cidr";
import { OvhRegion } from "./regions";

export interface OvhNetworkArgs {
    readonly projectId: string;
    readonly vrackId: string;
    /** Whether the project is already attached to the vRack (the attachment is then adopted, not created). */
    readonly vrackAttached: boolean;
    readonly vlanId: number;
    readonly region: OvhRegion;
    readonly subnets: SubnetPlan;
    readonly gatewayModel: string;
    /** Prefixes the names OVH shows in the Control Panel. */
    readonly prefix: string;
}

export class OvhNetwork extends pulumi.ComponentResource implements NetworkIsolation {
    /** The private network's id, as MKS and managed databases take it. */
    readonly networkId: pulumi.Output<string>;
    readonly subnets: SubnetPlan;
    readonly clusterSubnetId: pulumi.Output<string>;
    readonly databaseSubnetId: pulumi.Output<string>;
    readonly gatewayId: pulumi.Output<string>;
    /** The router nodes egress through: the cluster and its pools must not be created before it. */
    readonly gateway: CloudGateway;
    /** The subnets' names, as the flow intents name them. */
    readonly subnetNames: { readonly cluster: string; readonly database: string };

    constructor(name: string, args: OvhNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:ovh:Network", name, {}, opts);
        const { projectId, region, subnets, prefix } = args;
        const child = { parent: this };

        // The vRack carries the private network; the project must be in it before a network can use a VLAN.
        // An existing attachment is adopted (imported) so that the stack owns it without re-creating it.
        const attachment = new vrack.CloudProject(`${name}-vrack`, {
            serviceName: args.vrackId,
            projectId,
        }, { ...child, import: args.vrackAttached ? `${args.vrackId}/${projectId}` : undefined });

        const network = new CloudNetworkPrivateVrack(`${name}-private`, {
            serviceName: projectId,
            region: region.compute,
            name: `${prefix}-private`,
            description: "health-data warehouse private network",
            vlanId: args.vlanId,
        }, { ...child, dependsOn: [attachment] });

        const subnet = (role: "cluster" | "database", cidr: string) => new CloudNetworkPrivateVrackSubnet(
            `${name}-${role}`, {
                serviceName: projectId,
                networkId: network.id,
                region: region.compute,
                name: `${prefix}-${role}`,
                description: `health-data warehouse ${role} subnet`,
                cidr,
                // MKS nodes and database nodes take their addresses (and the gateway route) from DHCP.
                dhcpEnabled: true,
            }, child);
        const cluster = subnet("cluster", subnets.cluster);
        const database = subnet("database", subnets.database);

        // One router with an interface in both subnets: it routes cluster <-> catalogue inside the network and
        // NATs the nodes' egress, so no node needs a public address. The other planned subnets (endpoints,
        // gateway) stay unused here: OVH object storage and OKMS have no private endpoints.
        const gateway = new CloudGateway(`${name}-gateway`, {
            serviceName: projectId,
            region: region.compute,
            name: `${prefix}-gateway`,
            description: "health-data warehouse egress and inter-subnet routing",
            externalGateway: { enabled: true, model: args.gatewayModel },
            subnetIds: [cluster.id, database.id],
        }, child);

        this.networkId = network.id;
        this.subnets = subnets;
        this.clusterSubnetId = cluster.id;
        this.databaseSubnetId = database.id;
        this.gatewayId = gateway.id;
        this.gateway = gateway;
        this.subnetNames = { cluster: `${prefix}-cluster`, database: `${prefix}-database` };
        this.registerOutputs({
            networkId: this.networkId, clusterSubnetId: this.clusterSubnetId,
            databaseSubnetId: this.databaseSubnetId, gatewayId: this.gatewayId,
        });
    }
}
