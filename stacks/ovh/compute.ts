// Managed Kubernetes (MKS) on OVHcloud, its nodes in the private network with egress through the gateway.
// MKS has no private API server: the API is reachable only from the admin CIDRs (IP restrictions) and users
// authenticate with the organisation's OIDC provider. Pools are spread over the region's availability zones.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as cloudproject from "@ovhcloud/pulumi-ovh/cloudproject";
import { ClusterDns, ClusterPlatform, Compute, Endpoint } from "../../components/target";
import { WarehouseSpec } from "../../components/model";
import { kubernetesLabels } from "../../components/workspaces";
import { OvhNetwork } from "./network";
import { OvhRegion } from "./regions";
import { OvhSettings } from "./settings";
import { NODE_FLAVOURS, ZonePool } from "./sizing";

/** The MKS plan with a multi-zone control plane and an SLA; the free plan is single-zone. */
export const MKS_PLAN = "standard";

/** MKS places the nodes of an anti-affinity pool on distinct hypervisors, up to this many nodes. */
export const MKS_ANTI_AFFINITY_MAX_NODES = 5;

/** Where MKS runs CoreDNS (its pods carry the usual kube-dns label). */
export const MKS_DNS: ClusterDns = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, ports: [53] };

/** MKS gives pods 10.2.0.0/16 (and services 10.3.0.0/16), whatever the private network. */
export const MKS_POD_CIDR = "10.2.0.0/16";

/** The platform facts the flow verifier relies on, each with where it was read. */
export function mksPlatform(network: OvhNetwork): ClusterPlatform {
    return {
        podAddresses: [MKS_POD_CIDR],
        nodes: { addresses: [network.subnets.cluster], subnet: network.subnetNames.cluster },
        clusterPolicy: "calico",
        assignsPodIds: false,
        facts: {
            ipBlockMatchesPods: { value: true, source: "Calico applies NetworkPolicy ipBlock rules to any address, pods' " +
                "included (docs.tigera.io/calico/latest/network-policy/get-started/kubernetes-policy)" },
            other: {
                cni: { value: "canal: Calico for policy, Flannel for networking",
                    source: "OVHcloud MKS, exposed APIs and software versions (help.ovhcloud.com, public-cloud-kubernetes-exposed-apis-software-versions)" },
                podCidr: { value: MKS_POD_CIDR, source: "OVHcloud MKS known limits: 10.2.0.0/16 pods, 10.3.0.0/16 services" },
                gateway: { value: "nodes of a multi-zone cluster egress through the private network's gateway, created first",
                    source: "ovh_cloud_project_kube (terraform-provider-ovh docs), multi-zone example with depends_on the gateway" },
            },
        },
    };
}

/** The label that tells the system pool from the analytics pool. */
export const POOL_LABEL = "health-data.fr/node-pool";

export interface OvhComputeArgs {
    readonly projectId: string;
    readonly region: OvhRegion;
    readonly spec: WarehouseSpec;
    readonly network: OvhNetwork;
    readonly oidc: OvhSettings["oidc"];
    /** The neutral pools spread over the zones (validated before any resource is registered). */
    readonly pools: { readonly system: readonly ZonePool[]; readonly analytics: readonly ZonePool[] };
    readonly labels: Readonly<Record<string, string>>;
    readonly prefix: string;
    readonly protect: boolean;
}

export class OvhCompute extends pulumi.ComponentResource implements Compute {
    readonly clusterName: pulumi.Output<string>;
    readonly apiEndpoint: Endpoint;
    readonly apiAccess = "restricted" as const;
    readonly kubernetes: k8s.Provider;
    readonly dns = MKS_DNS;
    readonly platform: ClusterPlatform;

    constructor(name: string, args: OvhComputeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:ovh:Compute", name, {}, opts);
        const { projectId, region, spec, network, prefix } = args;
        const child = { parent: this };
        this.platform = mksPlatform(network);
        // The gateway first: OVH's provider makes it a prerequisite of a multi-zone cluster (its example declares
        // depends_on), and the nodes take their default route and internet egress through it.
        const afterGateway = [network.gateway];

        const cluster = new cloudproject.Kube(`${name}-cluster`, {
            serviceName: projectId,
            name: prefix,
            region: region.compute,
            version: spec.compute.kubernetesVersion,
            plan: MKS_PLAN,
            privateNetworkId: network.networkId,
            nodesSubnetId: network.clusterSubnetId,
            privateNetworkConfiguration: {
                // Empty: nodes take the default route the subnet's DHCP advertises, i.e. the gateway.
                defaultVrackGateway: "",
                privateNetworkRoutingAsDefault: true,
            },
            updatePolicy: "MINIMAL_DOWNTIME",
        }, { parent: this, protect: args.protect, dependsOn: afterGateway });

        const restrictions = new cloudproject.KubeIpRestrictions(`${name}-api-restrictions`, {
            serviceName: projectId,
            kubeId: cluster.id,
            ips: [...spec.network.adminCidrs],
        }, child);

        const oidc = new cloudproject.KubeOidc(`${name}-oidc`, {
            serviceName: projectId,
            kubeId: cluster.id,
            issuerUrl: args.oidc.issuerUrl,
            clientId: args.oidc.clientId,
            oidcUsernameClaim: args.oidc.usernameClaim,
            // Users are prefixed so that no token can claim a built-in name; groups are not, because research
            // projects bind their groups by the names the neutral model lists.
            oidcUsernamePrefix: "oidc:",
            oidcGroupsClaims: [args.oidc.groupsClaim],
            oidcCaContent: args.oidc.caCertificate,
        }, child);

        const nodeLabels = kubernetesLabels(args.labels);
        for (const role of ["system", "analytics"] as const) {
            const pool = role === "system" ? spec.compute.systemPool : spec.compute.analyticsPool;
            for (const zonePool of args.pools[role]) {
                const zoneSuffix = zonePool.zone ? `-${zonePool.zone.slice(-1)}` : "";
                new cloudproject.KubeNodePool(`${name}-${role}${zoneSuffix}`, {
                    serviceName: projectId,
                    kubeId: cluster.id,
                    name: `${role}${zoneSuffix}`,
                    flavorName: NODE_FLAVOURS[pool.size],
                    availabilityZones: zonePool.zone ? [zonePool.zone] : undefined,
                    desiredNodes: zonePool.desiredNodes,
                    minNodes: zonePool.minNodes,
                    maxNodes: zonePool.maxNodes,
                    autoscale: zonePool.minNodes < zonePool.maxNodes,
                    // Nodes of a pool land on different hypervisors; MKS allows it for pools of at most 5 nodes.
                    antiAffinity: zonePool.maxNodes <= MKS_ANTI_AFFINITY_MAX_NODES,
                    template: {
                        metadata: {
                            labels: { ...nodeLabels, [POOL_LABEL]: role },
                            annotations: {},
                            finalizers: [],
                        },
                        spec: { taints: [], unschedulable: false },
                    },
                }, { ...child, dependsOn: afterGateway });
            }
        }

        this.clusterName = cluster.name;
        this.apiEndpoint = {
            url: cluster.url.apply(u => (u.startsWith("https://") ? u : `https://${u}`)),
            private: false,
        };
        // Deploys onto the cluster only once the API is closed to everyone but the admin CIDRs.
        this.kubernetes = new k8s.Provider(`${name}-kubernetes`, {
            kubeconfig: pulumi.secret(cluster.kubeconfig),
        }, { parent: this, dependsOn: [restrictions, oidc] });
        this.registerOutputs({ clusterName: this.clusterName, apiEndpoint: this.apiEndpoint.url });
    }
}
