// The stack as the flow verifier reads it: resources by type, and the links between them that only dependencies
// carry during a preview (a subnet's NSG and route table, a route's firewall, a zone's links and zone groups, an OVH
// gateway's subnets), since ids are unknown until the resources exist.

import { FirewallRuleCollection, Route, SecurityRule, securityRules } from "./azure";
import { HopResult, block, pass } from "./hop";
import { safe } from "../framework/plain";

export interface FlowResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Readonly<Record<string, unknown>>;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export interface AzureSubnet {
    readonly name: string;
    readonly nsg?: { readonly name: string; readonly rules: readonly SecurityRule[] };
    readonly routes?: readonly Route[];
    readonly defaultOutbound: boolean;
    readonly firewall?: { readonly name: string; readonly collections: readonly FirewallRuleCollection[] };
}

export interface StackIndex {
    ofType(type: string): readonly FlowResource[];
    readonly namespaces: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly urn: string }[];
    azureSubnet(name: string): AzureSubnet | undefined;
    privateZone(zone: string, host: string): HopResult;
    ovhSubnet(name: string): { readonly name: string; readonly urn: string } | undefined;
    ovhGateway(subnet: { readonly name: string; readonly urn: string }): HopResult;
    ovhDatabase(subnetName: string): { readonly name: string; readonly allowed: readonly string[] } | undefined;
}

export function indexStack(resources: readonly FlowResource[]): StackIndex {
    const byType = new Map<string, FlowResource[]>();
    const byUrn = new Map<string, FlowResource>();
    for (const r of resources) {
        (byType.get(r.type) ?? byType.set(r.type, []).get(r.type)!).push(r);
        byUrn.set(r.urn, r);
    }
    const ofType = (type: string) => byType.get(type) ?? [];
    const dep = (r: FlowResource, key: string, type: string) =>
        (r.propertyDependencies[key] ?? []).map(u => byUrn.get(u)).find(x => x?.type === type);
    const depsOfType = (r: FlowResource, type: string) =>
        [...new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()])].map(u => byUrn.get(u)).filter(x => x?.type === type) as FlowResource[];

    const namespaces = ofType("kubernetes:core/v1:Namespace").map(n => ({
        name: String(safe(n.props, "metadata", "name") ?? n.name), labels: { ...(safe(n.props, "metadata", "labels") ?? {}) }, urn: n.urn,
    }));

    const azureSubnets = new Map<string, AzureSubnet>();
    const azureSubnet = (name: string): AzureSubnet | undefined => {
        if (azureSubnets.has(name)) return azureSubnets.get(name);
        const subnet = ofType("azure-native:network:Subnet").find(s => safe(s.props, "subnetName") === name);
        if (!subnet) return undefined;
        const nsgResource = dep(subnet, "networkSecurityGroup", "azure-native:network:NetworkSecurityGroup");
        const extraRules = nsgResource ? ofType("azure-native:network:SecurityRule").filter(r => dep(r, "networkSecurityGroupName",
            "azure-native:network:NetworkSecurityGroup") === nsgResource).map(r => ({ name: safe(r.props, "securityRuleName") ?? r.name, ...safe(r.props) })) : [];
        const table = dep(subnet, "routeTable", "azure-native:network:RouteTable");
        const routes: Route[] | undefined = table ? [
            ...(safe(table.props, "routes") ?? []).map((r: any) => ({ name: r.name, addressPrefix: r.addressPrefix, nextHopType: r.nextHopType })),
            ...ofType("azure-native:network:Route").filter(r => dep(r, "routeTableName", "azure-native:network:RouteTable") === table)
                .map(r => ({ name: safe(r.props, "routeName") ?? r.name, addressPrefix: safe(r.props, "addressPrefix"), nextHopType: safe(r.props, "nextHopType") })),
        ] : undefined;
        const firewallResource = table ? depsOfType(table, "azure-native:network:AzureFirewall")[0] : undefined;
        const policy = firewallResource ? dep(firewallResource, "firewallPolicy", "azure-native:network:FirewallPolicy") : undefined;
        const collections: FirewallRuleCollection[] = policy ? ofType("azure-native:network:FirewallPolicyRuleCollectionGroup")
            .filter(g => dep(g, "firewallPolicyName", "azure-native:network:FirewallPolicy") === policy)
            .flatMap(g => (safe(g.props, "ruleCollections") ?? []).map((c: any) => ({
                name: c.name, priority: Number(c.priority ?? 0), groupPriority: Number(safe(g.props, "priority") ?? 0),
                action: c.action?.type ?? "Allow", rules: c.rules ?? [] }))) : [];
        const result: AzureSubnet = {
            name,
            nsg: nsgResource ? { name: String(safe(nsgResource.props, "networkSecurityGroupName") ?? nsgResource.name),
                rules: securityRules([...(safe(nsgResource.props, "securityRules") ?? []), ...extraRules]) } : undefined,
            routes,
            defaultOutbound: safe(subnet.props, "defaultOutboundAccess") !== false,
            firewall: firewallResource ? { name: String(safe(firewallResource.props, "azureFirewallName") ?? firewallResource.name), collections } : undefined,
        };
        azureSubnets.set(name, result);
        return result;
    };

    const privateZone = (zoneName: string, host: string): HopResult => {
        const zone = ofType("azure-native:privatedns:PrivateZone").find(z => safe(z.props, "privateZoneName") === zoneName);
        if (!zone) return block(`no private DNS zone ${zoneName}: ${host} resolves to its public address`);
        const linked = ofType("azure-native:privatedns:VirtualNetworkLink").some(l => dep(l, "privateZoneName", zone.type) === zone);
        if (!linked) return block(`private DNS zone ${zoneName} is linked to no VNet: ${host} resolves publicly inside the VNet`);
        const fed = ofType("azure-native:network:PrivateDnsZoneGroup").some(g => (g.propertyDependencies.privateDnsZoneConfigs ?? []).includes(zone.urn)) ||
            ofType("azure-native:dbforpostgresql:Server").some(s => (s.propertyDependencies.network ?? []).includes(zone.urn));
        if (!fed) return block(`private DNS zone ${zoneName} gets no record (no private endpoint DNS zone group or server writes to it)`);
        return pass(`private DNS zone ${zoneName}, linked to the VNet and fed by its endpoint`);
    };

    const ovhSubnets = ofType("ovh:index/cloudNetworkPrivateVrackSubnet:CloudNetworkPrivateVrackSubnet").map(s => ({
        name: String(safe(s.props, "name") ?? s.name), urn: s.urn, cidr: String(safe(s.props, "cidr") ?? "") }));
    const ovhGateway = (subnet: { name: string; urn: string }): HopResult => {
        const gateway = ofType("ovh:index/cloudGateway:CloudGateway").find(g => (g.propertyDependencies.subnetIds ?? []).includes(subnet.urn));
        if (!gateway) return block(`no gateway routes subnet ${subnet.name} out of the private network`);
        if (safe(gateway.props, "externalGateway", "enabled") !== true) return block(`gateway ${gateway.name} has no external gateway enabled`);
        const late = ofType("ovh:CloudProject/kube:Kube").filter(k => (k.propertyDependencies.nodesSubnetId ?? []).includes(subnet.urn) &&
            !k.dependencies.includes(gateway.urn));
        if (late.length > 0) return block(`cluster ${late[0].name} is created before gateway ${gateway.name} (it must depend on it: ` +
            "a multi-zone MKS cluster's nodes take their route out through it)");
        return pass(`gateway ${gateway.name} (external gateway enabled)`);
    };
    const ovhDatabase = (subnetName: string) => {
        const subnet = ovhSubnets.find(s => s.name === subnetName);
        if (!subnet) return undefined;
        const db = ofType("ovh:CloudProject/database:Database").find(d => (d.propertyDependencies.nodes ?? []).includes(subnet.urn));
        if (!db) return undefined;
        return { name: db.name, allowed: (safe(db.props, "ipRestrictions") ?? []).map((r: any) => String(r.ip)) };
    };

    return {
        ofType, namespaces, azureSubnet, privateZone,
        ovhSubnet: name => ovhSubnets.find(s => s.name === name),
        ovhGateway, ovhDatabase,
    };
}
