// Azure network semantics, as pure evaluators:
// - NSG: rules of one direction by ascending priority, the first match decides; then the default rules
//   (AllowVnetInBound/AllowAzureLoadBalancerInBound/DenyAllInBound, AllowVnetOutBound/AllowInternetOutBound/
//   DenyAllOutBound) (learn.microsoft.com/azure/virtual-network/network-security-groups-overview);
// - routes: the longest matching prefix, the VNet's system route covering its own address space
//   (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview); a subnet without default outbound
//   access and no route out reaches nothing outside the VNet;
// - Azure Firewall policy: rule collection groups and collections by priority, network rules before application
//   rules, nothing allowed unless a rule allows it (learn.microsoft.com/azure/firewall/rule-processing);
// - private endpoints: a name resolves to the endpoint only through its private DNS zone, linked to the VNet and
//   fed by the endpoint's DNS zone group (learn.microsoft.com/azure/private-link/private-endpoint-dns).

import { ALL, Address, Block, Cover, NONE, SOME, block as cidr, coverByCidrs, coverCidr, isPublic } from "./addresses";
import { HopResult, block, least, most, pass, partly } from "./hop";
import { FlowPort } from "./intents";

export interface SecurityRule {
    readonly name: string;
    readonly priority: number;
    readonly direction: string;
    readonly access: string;
    readonly protocol: string;
    readonly sources: readonly string[];
    readonly destinations: readonly string[];
    readonly ports: readonly string[];
}

export function securityRules(raw: any[]): SecurityRule[] {
    return (raw ?? []).map(r => ({
        name: String(r.name), priority: Number(r.priority), direction: String(r.direction), access: String(r.access),
        protocol: String(r.protocol ?? "*"),
        sources: r.sourceAddressPrefixes ?? (r.sourceAddressPrefix !== undefined ? [r.sourceAddressPrefix] : ["*"]),
        destinations: r.destinationAddressPrefixes ?? (r.destinationAddressPrefix !== undefined ? [r.destinationAddressPrefix] : ["*"]),
        ports: r.destinationPortRanges ?? (r.destinationPortRange !== undefined ? [r.destinationPortRange] : ["*"]),
    }));
}

const DEFAULTS: readonly SecurityRule[] = [
    { name: "AllowVnetInBound", priority: 65000, direction: "Inbound", access: "Allow", protocol: "*", sources: ["VirtualNetwork"], destinations: ["VirtualNetwork"], ports: ["*"] },
    { name: "AllowAzureLoadBalancerInBound", priority: 65001, direction: "Inbound", access: "Allow", protocol: "*", sources: ["AzureLoadBalancer"], destinations: ["*"], ports: ["*"] },
    { name: "DenyAllInBound", priority: 65500, direction: "Inbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["*"], ports: ["*"] },
    { name: "AllowVnetOutBound", priority: 65000, direction: "Outbound", access: "Allow", protocol: "*", sources: ["VirtualNetwork"], destinations: ["VirtualNetwork"], ports: ["*"] },
    { name: "AllowInternetOutBound", priority: 65001, direction: "Outbound", access: "Allow", protocol: "*", sources: ["*"], destinations: ["Internet"], ports: ["*"] },
    { name: "DenyAllOutBound", priority: 65500, direction: "Outbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["*"], ports: ["*"] },
];

/** How much of an address an NSG prefix (CIDR, `*`, or a service tag) covers. */
export function prefixCover(prefix: string, a: Address, vnet: readonly Block[]): Cover {
    const p = prefix.trim();
    const lower = p.toLowerCase();
    if (lower === "*" || lower === "any" || lower === "0.0.0.0/0") return ALL;
    if (lower === "internet") return isPublic(a, vnet) ? ALL : NONE;
    if (lower === "virtualnetwork") {
        if (a.kind !== "cidr") return NONE;
        return most(...vnet.map(v => coverCidr(v, a.block)));
    }
    const b = cidr(p);
    if (b) return a.kind === "cidr" ? coverCidr(b, a.block) : NONE;
    // A service tag matches the same tag, regional or not (Storage covers Storage.FranceCentral).
    if (a.kind !== "tag") return NONE;
    const t = a.name.toLowerCase();
    return t === lower || t.startsWith(`${lower}.`) ? ALL : lower.startsWith(`${t}.`) ? SOME : NONE;
}

function portCover(ranges: readonly string[], protocol: string, port: FlowPort): Cover {
    const proto = protocol.toLowerCase();
    const protoCover: Cover = proto === "*" ? ALL : port.protocol === "ANY" ? SOME : proto === port.protocol.toLowerCase() ? ALL : NONE;
    if (protoCover === NONE) return NONE;
    const portsCover = most(...ranges.map(r => {
        if (r === "*") return ALL;
        if (port.port === undefined) return SOME;
        const [lo, hi] = r.split("-").map(Number);
        return port.port >= lo && port.port <= (hi ?? lo) ? ALL : NONE;
    }));
    return least(protoCover, portsCover);
}

/**
 * One direction of an NSG for every (source, destination) pair of a flow: the first rule by priority that touches
 * the traffic decides. For a flow that must pass, a partial allow lets evaluation continue; for one that must not,
 * a partial deny does.
 */
export function nsgDecision(nsgName: string, rules: readonly SecurityRule[], direction: "Inbound" | "Outbound",
                            sources: readonly Address[], destinations: readonly Address[], port: FlowPort,
                            vnet: readonly Block[], must: "allow" | "deny"): HopResult {
    const ordered = [...rules.filter(r => r.direction === direction), ...DEFAULTS.filter(r => r.direction === direction)]
        .sort((a, b) => a.priority - b.priority);
    let worst: HopResult | undefined;
    let best: HopResult | undefined;
    for (const s of sources) {
        for (const d of destinations) {
            const r = decidePair(nsgName, ordered, s, d, port, vnet, must);
            if (!worst || r.cover < worst.cover) worst = r;
            if (!best || r.cover > best.cover) best = r;
        }
    }
    return (must === "allow" ? worst : best) ?? pass(`NSG ${nsgName}: nothing to judge`);
}

function decidePair(nsg: string, ordered: readonly SecurityRule[], s: Address, d: Address, port: FlowPort,
                    vnet: readonly Block[], must: "allow" | "deny"): HopResult {
    for (const rule of ordered) {
        const c = least(most(...rule.sources.map(p => prefixCover(p, s, vnet))),
            most(...rule.destinations.map(p => prefixCover(p, d, vnet))), portCover(rule.ports, rule.protocol, port));
        if (c === NONE) continue;
        const where = `NSG ${nsg} ${rule.direction.toLowerCase()} rule ${rule.name} (priority ${rule.priority}, ${rule.access})`;
        if (rule.access === "Deny") {
            if (c === ALL) return block(where);
            if (must === "allow") return block(where);
            continue;
        }
        if (c === ALL) return pass(where);
        if (must === "deny") return partly(where);
    }
    return block(`NSG ${nsg}: no rule matches`);
}

export interface Route {
    readonly name: string;
    readonly addressPrefix: string;
    readonly nextHopType: string;
}

/** Where a subnet sends a destination: `vnet` (system route), `appliance` (a UDR to a virtual appliance), `internet`, or `none`. */
export function routeFor(routes: readonly Route[] | undefined, d: Address, vnet: readonly Block[],
                         defaultOutbound: boolean): { readonly via: "vnet" | "appliance" | "internet" | "none"; readonly rule: string } {
    if (d.kind === "cidr" && vnet.some(v => coverCidr(v, d.block) === ALL)) return { via: "vnet", rule: "system route for the VNet's address space" };
    const candidates = (routes ?? []).map(r => ({ r, b: cidr(r.addressPrefix) })).filter(x => x.b && (
        d.kind === "cidr" ? coverCidr(x.b, d.block) === ALL : x.b.prefix === 0));
    candidates.sort((a, b) => b.b!.prefix - a.b!.prefix);
    const hit = candidates[0]?.r;
    if (hit) {
        const type = hit.nextHopType.toLowerCase();
        const via = type === "virtualappliance" ? "appliance" : type === "internet" ? "internet" : type === "vnetlocal" ? "vnet" : "none";
        return { via, rule: `route ${hit.name} (${hit.addressPrefix} -> ${hit.nextHopType})` };
    }
    return defaultOutbound ? { via: "internet", rule: "default outbound access" }
        : { via: "none", rule: "no route out: the subnet has no default outbound access and no route to a gateway" };
}

export interface FirewallRuleCollection {
    readonly name: string;
    readonly priority: number;
    readonly groupPriority: number;
    readonly action: string;
    readonly rules: readonly any[];
}

/**
 * An Azure Firewall policy's verdict on one flow: network rules first (by group then collection priority), then
 * application rules; nothing passes that no rule allows.
 */
export function firewallDecision(name: string, collections: readonly FirewallRuleCollection[], sources: readonly Address[],
                                 d: Address, fqdn: string | undefined, port: FlowPort,
                                 fqdnTags: Readonly<Record<string, readonly string[]>>): HopResult {
    const ordered = [...collections].sort((a, b) => a.groupPriority - b.groupPriority || a.priority - b.priority);
    const sourceCover = (list: readonly string[]) => least(...sources.map(s => coverByCidrs(list ?? [], s)));
    for (const kind of ["NetworkRule", "ApplicationRule"]) {
        for (const c of ordered) {
            for (const rule of c.rules.filter(r => r.ruleType === kind)) {
                const from = sourceCover(rule.sourceAddresses ?? []);
                if (from === NONE) continue;
                let to: Cover;
                if (kind === "NetworkRule") {
                    const dests: string[] = rule.destinationAddresses ?? [];
                    const dest = most(...dests.map(p => prefixCover(p, d, [])));
                    const ports = most(...(rule.destinationPorts ?? []).map((p: string) => p === "*" ? ALL
                        : port.port === undefined ? SOME : (() => { const [lo, hi] = p.split("-").map(Number); return port.port! >= lo && port.port! <= (hi ?? lo) ? ALL : NONE; })()));
                    const protos: string[] = (rule.ipProtocols ?? []).map((p: string) => p.toUpperCase());
                    const proto: Cover = protos.includes("ANY") ? ALL : port.protocol === "ANY" ? SOME : protos.includes(port.protocol) ? ALL : NONE;
                    to = least(dest, ports, proto);
                } else {
                    if (!fqdn) continue;
                    const names: string[] = [...(rule.targetFqdns ?? []), ...(rule.fqdnTags ?? []).flatMap((t: string) => fqdnTags[t] ?? [])];
                    const named = names.some(n => n === fqdn || (n.startsWith("*.") && fqdn.endsWith(n.slice(1))));
                    const https = (rule.protocols ?? []).some((p: any) => port.protocol === "TCP" && p.port === port.port);
                    to = named && https ? ALL : NONE;
                }
                const c2 = least(from, to);
                if (c2 === NONE) continue;
                const where = `firewall ${name} collection ${c.name} ${kind === "NetworkRule" ? "network" : "application"} rule ${rule.name} (${c.action})`;
                if (String(c.action).toLowerCase() === "deny") return block(where);
                if (c2 === ALL) return pass(where);
                return partly(where);
            }
        }
    }
    return block(`firewall ${name}: no rule allows it (the firewall denies by default)`);
}

export { SOME };
