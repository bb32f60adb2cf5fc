// The flow verifier: for each flow the intents declare, the hops a packet crosses in this stack (Kubernetes policies
// at the source, the cloud network's filters and routes, private DNS, the destination's policies), and whether the
// stack lets it through. A required flow fails at the first hop that blocks it; a forbidden flow fails when every
// hop lets it through. Each finding names the flow, the hop and the rule.

import { ALL, Address, Block, NONE, address, block as cidrBlock, coverByCidrs } from "./addresses";
import { firewallDecision, nsgDecision, routeFor } from "./azure";
import { renderChart } from "./charts";
import { End, HopResult, PodSet, describePort, pass, block } from "./hop";
import { Endpoint, Flow, FlowPort, Intents } from "./intents";
import { Declared, KubernetesIndex, clusterWideLookup, kubernetesSide, namespaceLabelsOf } from "./kubernetes";
import { FlowResource, StackIndex, indexStack } from "./stack-index";
import { safe } from "../framework/plain";

export interface FlowFinding {
    readonly kind: "violation" | "cannot-verify";
    readonly message: string;
    readonly urn?: string;
}

interface Hop {
    readonly name: string;
    readonly decide: (port: FlowPort) => HopResult;
}

/** One port of one flow, hop by hop, as the verifier judged it. */
export interface FlowTrace {
    readonly flow: Flow;
    readonly port: FlowPort;
    readonly hops: readonly { readonly hop: string; readonly result: HopResult }[];
}

export function verifyFlows(resources: readonly FlowResource[], intents: Intents, intentsUrn?: string): FlowFinding[] {
    const { traces, findings } = traceFlows(resources, intents, intentsUrn);
    for (const { flow, port, hops: results } of traces) {
        const p = describePort(port);
        if (flow.must === "allow") {
            const blocked = results.find(r => r.result.cover < ALL);
            if (blocked) {
                findings.push({ kind: "violation", urn: intentsUrn, message: `Required flow "${flow.name}" (${p}) is ` +
                    `${blocked.result.cover === NONE ? "blocked" : "only partly allowed"} at hop "${blocked.hop}" by ` +
                    `${blocked.result.rule}. Why it is needed: ${flow.why}.` });
            }
        } else if (results.every(r => r.result.cover > NONE)) {
            findings.push({ kind: "violation", urn: intentsUrn, message: `Forbidden flow "${flow.name}" (${p}) is ` +
                `let through at every hop: ${results.map(r => `${r.hop} by ${r.result.rule}`).join("; ")}. ` +
                `Why it must not happen: ${flow.why}.` });
        }
    }
    return findings;
}

/** Every flow of the intents, port by port, with each hop's verdict; and what could not be judged. */
export function traceFlows(resources: readonly FlowResource[], intents: Intents, intentsUrn?: string): { traces: FlowTrace[]; findings: FlowFinding[] } {
    const stack = indexStack(resources);
    const k8s = kubernetesIndex(stack, intents);
    const traces: FlowTrace[] = [];
    const findings: FlowFinding[] = [...k8s.unrendered.map(u => ({ kind: "cannot-verify" as const, urn: u.urn,
        message: `Helm release ${u.name} (chart ${u.chart} ${u.version}): no renderer knows the NetworkPolicies this chart ` +
            `version renders, so flows through namespace ${u.namespace} are judged without them.` }))];
    const endpoints = new Map(intents.endpoints.map(e => [e.id, e]));
    const vnet = (intents.facts.networkAddressSpace?.value ?? []).map(c => cidrBlock(c)).filter((b): b is Block => !!b);
    const routed = [...vnet, ...(intents.facts.networkRoutes?.value ?? []).map(c => cidrBlock(c)).filter((b): b is Block => !!b)];
    const projects = stack.namespaces.filter(n => n.labels[intents.projectLabel] !== undefined);

    for (const flow of intents.flows) {
        const from = endpoints.get(flow.from);
        const to = endpoints.get(flow.to);
        if (!from || !to) {
            findings.push({ kind: "violation", urn: intentsUrn, message: `Flow "${flow.name}" names an endpoint the intents do not declare.` });
            continue;
        }
        const src = end(from, projects.map(p => p.name));
        const dst = end(to, projects.map(p => p.name));
        const hops = hopsOf(flow, from, to, src, dst, stack, k8s.index, intents, vnet, routed);
        for (const port of flow.ports) traces.push({ flow, port, hops: hops.map(h => ({ hop: h.name, result: h.decide(port) })) });
    }
    return { traces, findings };
}

/** An endpoint as the evaluators see it; a class of research projects expands to their namespaces. */
function end(e: Endpoint, projectNamespaces: readonly string[]): End {
    const p = e.place;
    const pods: PodSet[] = p.pods ? [{ namespace: p.pods.namespace, labels: p.pods.labels }]
        : p.podsOfProjects ? projectNamespaces.filter(n => n !== `rp-${p.podsOfProjects!.except}`).map(n => ({ namespace: n })) : [];
    return {
        pods,
        podAddresses: (p.podAddresses ?? []).map(address),
        addresses: (p.addresses ?? []).map(address),
        subnet: p.subnet,
        fqdn: p.fqdn,
        external: p.external === true,
    };
}

function kubernetesIndex(stack: StackIndex, intents: Intents): { index: KubernetesIndex; unrendered: { urn: string; name: string; chart: string; version: string; namespace: string }[] } {
    const networkPolicies = new Map<string, Declared[]>();
    const add = (ns: string, d: Declared) => (networkPolicies.get(ns) ?? networkPolicies.set(ns, []).get(ns)!).push(d);
    for (const np of stack.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")) {
        const ns = safe(np.props, "metadata", "namespace");
        if (typeof ns === "string") add(ns, { name: String(safe(np.props, "metadata", "name") ?? np.name), namespace: ns, spec: safe(np.props, "spec") });
    }
    const unrendered = [];
    for (const r of stack.ofType("kubernetes:helm.sh/v3:Release")) {
        const release = { chart: String(safe(r.props, "chart")), version: String(safe(r.props, "version")),
            name: String(safe(r.props, "name") ?? r.name), namespace: String(safe(r.props, "namespace") ?? "default"),
            values: safe(r.props, "values") };
        const rendered = renderChart(release);
        if (!rendered) { unrendered.push({ urn: r.urn, ...release }); continue; }
        for (const np of rendered) add(np.namespace, { name: `${np.name} (rendered by chart ${release.chart} ${release.version})`, namespace: np.namespace, spec: np.spec });
    }
    const declared = (type: string) => stack.ofType(type).map(r => ({ name: String(safe(r.props, "metadata", "name") ?? r.name),
        namespace: safe(r.props, "metadata", "namespace") as string | undefined, spec: safe(r.props, "spec") }));
    const firewalls = new Map<string, Declared[]>();
    for (const f of declared("kubernetes:k8s.ovn.org/v1:EgressFirewall")) {
        if (f.namespace) (firewalls.get(f.namespace) ?? firewalls.set(f.namespace, []).get(f.namespace)!).push(f);
    }
    const extra = new Map<string, Record<string, string>>();
    for (const e of intents.endpoints) if (e.place.pods?.namespaceLabels) extra.set(e.place.pods.namespace, { ...e.place.pods.namespaceLabels });
    const index = {
            networkPolicies,
            adminPolicies: declared("kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy"),
            baselinePolicies: declared("kubernetes:policy.networking.k8s.io/v1alpha1:BaselineAdminNetworkPolicy"),
            ciliumClusterwide: declared("kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy"),
            calicoGlobal: declared("kubernetes:crd.projectcalico.org/v1:GlobalNetworkPolicy"),
            egressFirewalls: firewalls,
            namespaceLabels: namespaceLabelsOf(new Map(stack.namespaces.map(n => [n.name, n.labels])), extra),
            ipBlockMatchesPods: intents.facts.ipBlockMatchesPods.value,
    };
    return { unrendered, index: { ...index, lookup: clusterWideLookup(index) } };
}

/** The hops of one flow, in the order a packet crosses them. */
function hopsOf(flow: Flow, from: Endpoint, to: Endpoint, src: End, dst: End, stack: StackIndex, index: KubernetesIndex,
                intents: Intents, vnet: readonly Block[], routed: readonly Block[]): Hop[] {
    const layers = flow.layers ?? ["kubernetes", "network"];
    const hops: Hop[] = [];
    const k8s = layers.includes("kubernetes");
    if (k8s) {
        // A destination of several address blocks is reached when each block is (or, for a forbidden flow, any).
        const parts: End[] = dst.pods.length === 0 && dst.addresses.length > 1 ? dst.addresses.map(a => ({ ...dst, addresses: [a] })) : [dst];
        for (const pods of src.pods) {
            hops.push({ name: `Kubernetes egress from ${pods.namespace}`, decide: port => combine(flow.must,
                parts.map(part => () => kubernetesSide(index, "Egress", pods, part, port))) });
        }
    }
    if (layers.includes("network")) hops.push(...networkHops(flow, from, to, src, dst, stack, intents, vnet, routed));
    if (k8s && dst.pods.length > 0) {
        hops.push({ name: `Kubernetes ingress to ${dst.pods.length === 1 ? dst.pods[0].namespace : `${dst.pods.length} namespaces`}`,
            // A class of destinations (every other project) is reached if any one of them is.
            decide: port => combine(flow.must, dst.pods.map(pods => () => kubernetesSide(index, "Ingress", pods, src, port))) });
    }
    return hops;
}

/**
 * Parts of one flow (several destinations): all must pass for a required flow; any passing opens a forbidden one.
 * Evaluated in turn, stopping at the first part that settles the verdict.
 */
function combine(must: Flow["must"], parts: readonly (() => HopResult)[]): HopResult {
    let result: HopResult | undefined;
    for (const part of parts) {
        const r = part();
        if (!result || (must === "deny" ? r.cover > result.cover : r.cover < result.cover)) result = r;
        if (must === "deny" ? result.cover === ALL : result.cover === NONE) break;
    }
    return result!;
}

/** The addresses the network sees: pod to pod keeps pod addresses; anything else leaves with the node's. */
function networkAddresses(src: End, dst: End): { from: readonly Address[]; to: readonly Address[] } {
    const toPods = dst.pods.length > 0 || (dst.addresses.length === 0 && dst.podAddresses.length > 0);
    return {
        from: toPods && src.podAddresses.length > 0 ? src.podAddresses : src.addresses.length > 0 ? src.addresses : src.podAddresses,
        to: toPods ? dst.podAddresses : dst.addresses,
    };
}

function networkHops(flow: Flow, _from: Endpoint, to: Endpoint, src: End, dst: End, stack: StackIndex, intents: Intents,
                     vnet: readonly Block[], routed: readonly Block[]): Hop[] {
    const hops: Hop[] = [];
    const { from: sources, to: destinations } = networkAddresses(src, dst);
    if (sources.length === 0 || destinations.length === 0) return hops;
    const srcSubnet = src.subnet ? stack.azureSubnet(src.subnet) : undefined;
    const dstSubnet = to.place.subnet ? stack.azureSubnet(to.place.subnet) : undefined;
    if (srcSubnet?.nsg) {
        const nsg = srcSubnet.nsg;
        hops.push({ name: `NSG ${nsg.name} outbound (${srcSubnet.name})`,
            decide: port => nsgDecision(nsg.name, nsg.rules, "Outbound", sources, destinations, port, vnet, flow.must) });
    }
    if (srcSubnet) {
        hops.push({ name: `routes of ${srcSubnet.name}`, decide: () => {
            let worst: HopResult = pass("system route for the VNet's address space");
            for (const d of destinations) {
                const route = routeFor(srcSubnet.routes, d, routed, srcSubnet.defaultOutbound);
                if (route.via === "none") return block(route.rule);
                if (route.via === "appliance" && !srcSubnet.firewall) return block(`${route.rule}: no firewall in this stack behind it`);
                worst = pass(route.rule);
            }
            return worst;
        } });
        const firewall = srcSubnet.firewall;
        const viaFirewall = destinations.filter(d => routeFor(srcSubnet.routes, d, routed, srcSubnet.defaultOutbound).via === "appliance");
        if (firewall && viaFirewall.length > 0) {
            const tags = intents.facts.fqdnTags?.value ?? {};
            hops.push({ name: `firewall ${firewall.name}`, decide: port => {
                let result: HopResult | undefined;
                for (const d of viaFirewall) {
                    const r = firewallDecision(firewall.name, firewall.collections, sources, d, dst.fqdn, port, tags);
                    if (!result || (flow.must === "allow" ? r.cover < result.cover : r.cover > result.cover)) result = r;
                }
                return result!;
            } });
        }
    }
    if (dstSubnet?.nsg) {
        const nsg = dstSubnet.nsg;
        hops.push({ name: `NSG ${nsg.name} inbound (${dstSubnet.name})`,
            decide: port => nsgDecision(nsg.name, nsg.rules, "Inbound", sources, destinations, port, vnet, flow.must) });
    }
    const dns = to.place.dns;
    if (dns?.privateZone && flow.must === "allow") {
        hops.push({ name: `private DNS ${dns.privateZone}`, decide: () => stack.privateZone(dns.privateZone!, dns.name) });
    }
    // OVHcloud: nodes leave the private network through its gateway; the managed database admits listed addresses.
    const ovhSubnet = src.subnet ? stack.ovhSubnet(src.subnet) : undefined;
    if (ovhSubnet && dst.external) {
        hops.push({ name: `gateway of ${ovhSubnet.name}`, decide: () => stack.ovhGateway(ovhSubnet) });
    }
    const database = to.place.subnet ? stack.ovhDatabase(to.place.subnet) : undefined;
    if (database) {
        hops.push({ name: `IP restrictions of ${database.name}`, decide: () => {
            const covered = sources.map(s => coverByCidrs(database.allowed, s));
            return covered.every(c => c === ALL) ? pass(`${database.name} ipRestrictions (${database.allowed.join(", ")})`)
                : block(`${database.name} ipRestrictions admit only ${database.allowed.join(", ") || "nothing"}`);
        } });
    }
    return hops;
}

export type { FlowResource };
