// Network isolation, the hand-written part: OVHcloud and S3 specifics of public access, public addresses and
// exposed services, the cluster API, and TLS to the S3 and Vault endpoints. Azure services' public access, TLS,
// shared keys and private endpoints are declared as data (checks/) and judged by rules/services.ts.

import { Finding, platformGap, violation } from "../framework/finding";
import { Predicate, ResourceInput, StackResource } from "../framework/policy";
import { at, given, isWorldCidr, list, peek, present, same, str } from "../framework/props";
import { hostOf, isPrivateHost } from "../catalog/endpoints";
import { resourceTypeOf } from "./types";

function publicAccess(r: ResourceInput): Finding[] {
    switch (r.type) {
        case "ovh:CloudProject/database:Database": {
            const f: Finding[] = [];
            const restrictions = list(r.props.ipRestrictions);
            if (restrictions.length === 0 || restrictions.some(x => isWorldCidr(at(x, "ip")))) {
                f.push(violation("The database must only accept listed networks: set `ipRestrictions` to the warehouse's private ranges."));
            }
            if (list(r.props.nodes).some(n => !present(n, "networkId"))) f.push(violation("Every node must sit in the private network: set `nodes[].networkId`."));
            return f;
        }
        case "ovh:CloudProject/storage:Storage":
            return [platformGap("OVHcloud Object Storage endpoints are public; access is limited to S3 credentials and " +
                "per-bucket policies, and the data is envelope-encrypted with customer-held keys.")];
        case "minio:index/s3Bucket:S3Bucket":
            return given(r.props.acl) && !same(r.props.acl, "private") ? [violation(`The bucket ACL is ${String(r.props.acl)}: it must be private.`)] : [];
        default:
            return [];
    }
}

function publicAddresses(r: ResourceInput): Finding[] {
    switch (r.type) {
        case "azure-native:network:LoadBalancer":
            return list(r.props.frontendIPConfigurations).some(c => present(c, "publicIPAddress"))
                ? [violation("The load balancer has a public frontend: use an internal frontend.")] : [];
        case "ovh:CloudProject/failoverIpAttach:FailoverIpAttach":
            return [violation("Failover (public) IPs are not allowed.")];
        case "ovh:CloudProject/loadBalancer:LoadBalancer":
            return given(at(r.props, "network", "public")) || given(r.props.floatingIp)
                ? [violation("The load balancer has a public address: keep it on the private network.")] : [];
        case "kubernetes:core/v1:Service": {
            const type = str(at(r.props, "spec", "type"));
            if (same(type, "NodePort")) return [violation("NodePort services expose pods on every node's address: use ClusterIP.")];
            if (!same(type, "LoadBalancer")) return [];
            const annotations = at(r.props, "metadata", "annotations");
            const internal = ["service.beta.kubernetes.io/azure-load-balancer-internal",
                "service.beta.kubernetes.io/openstack-internal-load-balancer"].some(k => same(at(annotations, k), "true"));
            return internal ? [] : [violation("LoadBalancer services must be internal (annotate the cloud's internal load balancer).")];
        }
        default:
            return [];
    }
}

/**
 * A public IP is refused unless it is only the source address of an Azure Firewall's filtered egress: attached to
 * a firewall of the program that translates nothing inbound, neither by a classic `natRuleCollections` entry nor by
 * a DNAT collection in its firewall policy or a policy that policy inherits from (`basePolicy`). A DNAT collection
 * whose policy the program does not show counts against every firewall (fail closed). Source: Azure Firewall DNAT
 * (learn.microsoft.com/azure/firewall/tutorial-firewall-dnat-policy) and policy inheritance
 * (learn.microsoft.com/azure/firewall-manager/policy-overview#inheritance).
 */
function publicIps(resources: readonly StackResource[]): Finding[] {
    const refers = (from: StackResource, urn: string, key?: string) => key ? (from.propertyDependencies[key] ?? []).includes(urn)
        : from.dependencies.includes(urn) || Object.values(from.propertyDependencies).some(u => u.includes(urn));
    const ips = resources.filter(r => r.type === "azure-native:network:PublicIPAddress");
    if (ips.length === 0) return [];
    const firewalls = resources.filter(r => r.type === "azure-native:network:AzureFirewall");
    const policies = resources.filter(r => r.type === "azure-native:network:FirewallPolicy");
    const policyName = (p: StackResource) => str(peek(p.props, "firewallPolicyName")) ?? str(peek(p.props, "name"));
    const lastSegment = (id: unknown) => str(id)?.split("/").pop();
    const sameName = (a?: string, b?: string) => a !== undefined && a === b;
    /** The policies of the program a DNAT collection group belongs to; none found means it may be anyone's. */
    const dnatPolicies = new Set<StackResource | "unknown">();
    for (const g of resources) {
        if (g.type !== "azure-native:network:FirewallPolicyRuleCollectionGroup") continue;
        if (!list(peek(g.props, "ruleCollections")).some(c => same(peek(c, "ruleCollectionType"), "FirewallPolicyNatRuleCollection"))) continue;
        const name = str(peek(g.props, "firewallPolicyName"));
        const owner = policies.find(p => refers(g, p.urn, "firewallPolicyName") || sameName(name, policyName(p)));
        dnatPolicies.add(owner ?? "unknown");
    }
    /** Whether a policy, or one it inherits from, translates inbound traffic. */
    const translates = (p: StackResource | undefined, seen = new Set<StackResource>()): boolean => {
        if (!p || seen.has(p)) return false;
        seen.add(p);
        if (dnatPolicies.has(p)) return true;
        return policies.filter(base => refers(p, base.urn, "basePolicy")).some(base => translates(base, seen));
    };
    const translatesInbound = (f: StackResource) => dnatPolicies.has("unknown") || list(peek(f.props, "natRuleCollections")).length > 0 ||
        translates(policies.find(p => refers(f, p.urn, "firewallPolicy") || sameName(lastSegment(peek(f.props, "firewallPolicy", "id")), policyName(p))));
    return ips.flatMap(ip => {
        const users = firewalls.filter(f => refers(f, ip.urn));
        const egressOnly = users.length > 0 && !users.some(translatesInbound);
        return egressOnly ? [] : [violation(`Public IP ${ip.name} is not allowed: only the egress address of a firewall ` +
            "that translates nothing inbound (no DNAT rule) may be public; reach the warehouse through private endpoints and the admin network.", ip.urn)];
    });
}

function exposedResources(resources: readonly StackResource[]): Finding[] {
    return resources.flatMap(r => publicAddresses(r).map(f => ({ ...f, urn: f.urn ?? r.urn })));
}

function transport(r: ResourceInput): Finding[] {
    if (r.type.startsWith("minio:") && r.provider && r.provider.props.minioSsl === false) {
        return [violation("The S3 provider talks to the server without TLS: set `minioSsl` to true.")];
    }
    if (r.type.startsWith("vault:") && r.provider) {
        const address = str(r.provider.props.address);
        if (address && /^http:\/\//i.test(address) && !isPrivateHost(hostOf(address) ?? "")) {
            return [violation(`The Vault address ${address} is plain HTTP: use HTTPS.`)];
        }
    }
    return [];
}

function clusterApi(resources: readonly StackResource[]): Finding[] {
    const findings: Finding[] = [];
    for (const r of resources) {
        if (resourceTypeOf(r.type) === "azure-native:containerservice:ManagedCluster") {
            const profile = at(r.props, "apiServerAccessProfile");
            const privateCluster = at(profile, "enablePrivateCluster") === true;
            const ranges = list(at(profile, "authorizedIPRanges"));
            if (privateCluster && at(profile, "enablePrivateClusterPublicFQDN") === true) {
                findings.push(violation("The private cluster also publishes a public DNS name: set `enablePrivateClusterPublicFQDN` to false.", r.urn));
            }
            if (!privateCluster && (ranges.length === 0 || ranges.some(isWorldCidr))) {
                findings.push(violation("The cluster API must be private or limited to admin CIDRs: set " +
                    "`apiServerAccessProfile.enablePrivateCluster` or `authorizedIPRanges`.", r.urn));
            }
        }
        if (r.type === "ovh:CloudProject/kube:Kube") {
            const restrictions = resources.filter(x => x.type === "ovh:CloudProject/kubeIpRestrictions:KubeIpRestrictions" &&
                (x.dependencies.includes(r.urn) || Object.values(x.propertyDependencies).some(u => u.includes(r.urn))));
            const ips = restrictions.flatMap(x => list(x.props.ips));
            if (ips.length === 0 || ips.some(isWorldCidr)) {
                findings.push(violation("OVHcloud Managed Kubernetes has no private API server: restrict it to the admin " +
                    "CIDRs with a KubeIpRestrictions resource on this cluster.", r.urn));
            }
        }
    }
    return findings;
}

export const ISOLATION: Readonly<Record<string, Predicate>> = {
    "no-public-data-access": { scope: "resource", checks: [publicAccess] },
    "no-public-addresses": { scope: "stack", checks: [publicIps, exposedResources] },
    "tls-minimum": { scope: "resource", checks: [transport] },
    "cluster-api-restricted": { scope: "stack", checks: [clusterApi] },
};
