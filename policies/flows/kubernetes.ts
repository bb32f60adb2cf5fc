// Kubernetes network policy semantics, as pure evaluators over the objects a stack declares:
// - NetworkPolicy (networking.k8s.io/v1): a pod selected by a policy of a direction is isolated in it, and gets
//   the union of what those policies allow (kubernetes.io/docs/concepts/services-networking/network-policies/);
// - AdminNetworkPolicy / BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1, OVN-Kubernetes): judged
//   before NetworkPolicy by priority, first matching rule decides, Pass hands over to NetworkPolicy; the baseline
//   only for pods no NetworkPolicy isolates (network-policy-api v0.1.5);
// - CiliumClusterwideNetworkPolicy deny rules: take precedence over every allow
//   (docs.cilium.io/en/stable/security/policy/language/#deny-policies);
// - Calico GlobalNetworkPolicy Deny rules of order below 1000: judged before Kubernetes NetworkPolicies, which Calico
//   gives order 1000 (docs.tigera.io/calico/latest/reference/resources/globalnetworkpolicy);
// - EgressFirewall (k8s.ovn.org/v1): traffic leaving the cluster, first matching rule, allowed when none matches
//   (docs.openshift.com, Configuring an egress firewall for a project).

import { ALL, Address, Cover, NONE, SOME, coverByCidrs } from "./addresses";
import { End, HopResult, PodSet, block, least, most, pass, partly } from "./hop";
import { FlowPort } from "./intents";

export type Labels = Readonly<Record<string, string>>;

/** One declared object: its name (as the stack shows it) and its spec. */
export interface Declared {
    readonly name: string;
    readonly namespace?: string;
    readonly spec: any;
}

export interface KubernetesIndex {
    readonly networkPolicies: ReadonlyMap<string, readonly Declared[]>;
    readonly adminPolicies: readonly Declared[];
    readonly baselinePolicies: readonly Declared[];
    readonly ciliumClusterwide: readonly Declared[];
    readonly calicoGlobal: readonly Declared[];
    /** Lookups by the namespace a cluster-wide policy names, built once (see `clusterWideLookup`). */
    readonly lookup?: ClusterWideLookup;
    readonly egressFirewalls: ReadonlyMap<string, readonly Declared[]>;
    /** Labels of each namespace the stack declares (with kubernetes.io/metadata.name). */
    readonly namespaceLabels: (namespace: string) => Labels;
    readonly ipBlockMatchesPods: boolean;
}

const NAME_LABEL = "kubernetes.io/metadata.name";

export function namespaceLabelsOf(declared: ReadonlyMap<string, Labels>, extra: ReadonlyMap<string, Labels>) {
    const memo = new Map<string, Labels>();
    return (ns: string): Labels => memo.get(ns) ??
        memo.set(ns, { ...(extra.get(ns) ?? {}), ...(declared.get(ns) ?? {}), [NAME_LABEL]: ns }).get(ns)!;
}

/** A LabelSelector (matchLabels and matchExpressions) against known labels. */
export function selects(selector: any, labels: Labels): boolean {
    if (!selector || typeof selector !== "object") return true;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        const values: string[] = e.values ?? [];
        switch (e.operator) {
            case "In": if (!has || !values.includes(labels[e.key])) return false; break;
            case "NotIn": if (has && values.includes(labels[e.key])) return false; break;
            case "Exists": if (!has) return false; break;
            case "DoesNotExist": if (has) return false; break;
            default: return false;
        }
    }
    return true;
}

export function isEmptySelector(selector: any): boolean {
    return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}

/**
 * How much of a pod set a pod selector picks: all of it, some, or none. A place states the labels it knows its pods
 * carry, not necessarily all of them: a selector on a label the place does not state may or may not pick them.
 */
export function selectsPods(selector: any, pods: PodSet): Cover {
    if (isEmptySelector(selector)) return ALL;
    if (!pods.labels) return SOME;
    if (selects(selector, pods.labels)) return ALL;
    const known = pods.labels;
    const decided = Object.entries(selector.matchLabels ?? {}).some(([k, v]) => k in known && known[k] !== v) ||
        (selector.matchExpressions ?? []).some((e: any) => e.key in known && !selects({ matchExpressions: [e] }, known));
    return decided ? NONE : SOME;
}

/** Ports of a NetworkPolicy rule against one flow port. */
export function portsCover(ports: any[] | undefined, port: FlowPort): Cover {
    if (!ports || ports.length === 0) return ALL;
    return most(...ports.map(p => {
        const protocol = String(p.protocol ?? "TCP").toUpperCase();
        if (port.protocol === "ANY") return SOME;
        if (protocol !== port.protocol) return NONE;
        if (p.port === undefined) return ALL;
        if (typeof p.port === "string") return SOME;
        if (port.port === undefined) return SOME;
        const end = typeof p.endPort === "number" ? p.endPort : p.port;
        return port.port >= p.port && port.port <= end ? ALL : NONE;
    }));
}

/** The pod sets a destination or source stands for, against a namespace selector. */
function podSetsCover(sets: readonly PodSet[], match: (set: PodSet) => Cover): Cover {
    if (sets.length === 0) return NONE;
    const covers = sets.map(match);
    if (covers.every(c => c === ALL)) return ALL;
    return covers.some(c => c > NONE) ? SOME : NONE;
}

/** A NetworkPolicy peer (to or from) against the other end of the flow. */
function peerCover(peer: any, other: End, policyNamespace: string, index: KubernetesIndex): Cover {
    if (peer.ipBlock) {
        const addresses = other.pods.length > 0 ? (index.ipBlockMatchesPods ? other.podAddresses : []) : other.addresses;
        if (addresses.length === 0) return NONE;
        return least(...addresses.map(a => coverByCidrs([peer.ipBlock.cidr], a, peer.ipBlock.except ?? [])));
    }
    return podSetsCover(other.pods, set => {
        const inNamespace = peer.namespaceSelector !== undefined
            ? selects(peer.namespaceSelector, index.namespaceLabels(set.namespace)) : set.namespace === policyNamespace;
        if (!inNamespace) return NONE;
        return peer.podSelector === undefined ? ALL : selectsPods(peer.podSelector, set);
    });
}

function ruleCover(rule: any, peersKey: "to" | "from", other: End, port: FlowPort, ns: string, index: KubernetesIndex): Cover {
    const peers: any[] = rule?.[peersKey] ?? [];
    const peersCover = peers.length === 0 ? ALL : most(...peers.map(p => peerCover(p, other, ns, index)));
    return least(peersCover, portsCover(rule?.ports, port));
}

function policyTypes(spec: any): string[] {
    if (Array.isArray(spec?.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
    return ["Ingress", ...(spec?.egress ? ["Egress"] : [])];
}

/**
 * NetworkPolicies of `pods`' namespace in one direction: what they let through to (or from) `other`. Pods no policy
 * isolates in that direction pass; isolated ones get what the selecting policies' rules allow.
 */
export function networkPolicies(index: KubernetesIndex, direction: "Egress" | "Ingress", pods: PodSet, other: End,
                                port: FlowPort): HopResult & { readonly isolated: Cover } {
    const all = (index.networkPolicies.get(pods.namespace) ?? []).filter(p => policyTypes(p.spec).includes(direction));
    const selecting = all.map(p => ({ p, sel: selectsPods(p.spec?.podSelector, pods) })).filter(x => x.sel > NONE);
    const where = `${direction === "Egress" ? "egress of" : "ingress to"} ${pods.namespace}`;
    if (selecting.length === 0) return { ...pass(`no NetworkPolicy isolates the ${where}`), isolated: NONE };
    const isolated = most(...selecting.map(x => x.sel));
    const key = direction === "Egress" ? "egress" : "ingress";
    const peers = direction === "Egress" ? "to" : "from";
    let best: Cover = NONE;
    let by = "";
    for (const { p, sel } of selecting) {
        (p.spec?.[key] ?? []).forEach((rule: any, i: number) => {
            const c = Math.min(ruleCover(rule, peers, other, port, pods.namespace, index), sel) as Cover;
            if (c > best) { best = c; by = `NetworkPolicy ${pods.namespace}/${p.name} ${key}[${i}]`; }
        });
    }
    // Pods that only a label-restricted policy isolates are partly unisolated.
    if (isolated < ALL) best = most(best, SOME);
    const names = selecting.map(x => x.p.name).join(", ");
    if (best === ALL) return { ...pass(by), isolated };
    if (best === SOME) return { ...partly(by || `NetworkPolicy ${pods.namespace}/${names} (partly)`), isolated };
    return { ...block(`NetworkPolicy ${pods.namespace}/{${names}} isolate the ${where}; no rule allows it`), isolated };
}

/** The flow as seen by AdminNetworkPolicy rules: namespaces, pods and networks peers (v1alpha1, v0.1.5). */
function anpPeerCover(peer: any, other: End, index: KubernetesIndex): Cover {
    if (peer.networks) {
        if (other.pods.length > 0) return NONE;
        return least(...other.addresses.map(a => coverByCidrs(peer.networks, a)));
    }
    if (peer.namespaces) {
        return podSetsCover(other.pods, set => selects(peer.namespaces, index.namespaceLabels(set.namespace)) ? ALL : NONE);
    }
    if (peer.pods) {
        return podSetsCover(other.pods, set => selects(peer.pods.namespaceSelector, index.namespaceLabels(set.namespace))
            ? selectsPods(peer.pods.podSelector, set) : NONE);
    }
    return NONE;
}

function anpPortsCover(ports: any[] | undefined, port: FlowPort): Cover {
    if (!ports || ports.length === 0) return ALL;
    return portsCover(ports.map(p => p.portNumber ? { protocol: p.portNumber.protocol, port: p.portNumber.port }
        : p.portRange ? { protocol: p.portRange.protocol, port: p.portRange.start, endPort: p.portRange.end }
        : { protocol: "TCP", port: p.namedPort ?? "named" }), port);
}

function anpSubject(subject: any, pods: PodSet, index: KubernetesIndex): Cover {
    if (subject?.namespaces) return selects(subject.namespaces, index.namespaceLabels(pods.namespace)) ? ALL : NONE;
    if (subject?.pods) {
        return selects(subject.pods.namespaceSelector, index.namespaceLabels(pods.namespace))
            ? selectsPods(subject.pods.podSelector, pods) : NONE;
    }
    return NONE;
}

/**
 * Cluster-wide policies by the one namespace they name, when they name one (one per research project at national
 * scale), and the others: a flow's evaluation then looks at a handful of policies, not at every project's.
 */
export interface ClusterWideLookup {
    admin(namespace: string): readonly Declared[];
    cilium(namespace: string): readonly Declared[];
    calico(namespace: string): readonly Declared[];
}

export function clusterWideLookup(index: Omit<KubernetesIndex, "lookup">): ClusterWideLookup {
    const split = (list: readonly Declared[], named: (d: Declared) => string | undefined, order: (d: Declared) => number) => {
        const byNs = new Map<string, Declared[]>();
        const general: Declared[] = [];
        for (const d of list) {
            const ns = named(d);
            if (ns === undefined) general.push(d);
            else byNs.set(ns, [...(byNs.get(ns) ?? []), d]);
        }
        const memo = new Map<string, Declared[]>();
        return (ns: string) => memo.get(ns) ?? memo.set(ns, [...(byNs.get(ns) ?? []), ...general].sort((a, b) => order(a) - order(b))).get(ns)!;
    };
    const onlyName = (selector: any): string | undefined => {
        const labels = selector?.matchLabels ?? {};
        const keys = Object.keys(labels);
        return keys.length === 1 && keys[0] === NAME_LABEL && !(selector.matchExpressions ?? []).length ? labels[NAME_LABEL] : undefined;
    };
    const admin = split(index.adminPolicies, d => onlyName(d.spec?.subject?.namespaces), d => d.spec?.priority ?? 0);
    const cilium = split(index.ciliumClusterwide, d => {
        const m = d.spec?.endpointSelector?.matchLabels ?? {};
        return Object.keys(m).length === 1 && !(d.spec?.endpointSelector?.matchExpressions ?? []).length ? m["k8s:io.kubernetes.pod.namespace"] : undefined;
    }, () => 0);
    const calico = split(index.calicoGlobal, d => /^projectcalico\.org\/namespace == '([^']+)'$/.exec(String(d.spec?.selector ?? ""))?.[1],
        d => d.spec?.order ?? 1000);
    return { admin, cilium, calico };
}

export type AdminVerdict = { readonly action: "Allow" | "Deny"; readonly cover: Cover; readonly rule: string } | undefined;

/**
 * AdminNetworkPolicies (or the baseline) applying to `pods` in one direction: the first rule, by priority, that
 * matches the flow decides. Undefined: no rule matched, or Pass: the namespace's NetworkPolicies decide.
 */
export function adminPolicies(policies: readonly Declared[], direction: "Egress" | "Ingress", pods: PodSet, other: End,
                              port: FlowPort, index: KubernetesIndex, kind = "AdminNetworkPolicy"): AdminVerdict {
    const ordered = index.lookup && policies === index.adminPolicies ? index.lookup.admin(pods.namespace)
        : [...policies].sort((a, b) => (a.spec?.priority ?? 0) - (b.spec?.priority ?? 0));
    const key = direction === "Egress" ? "egress" : "ingress";
    const peers = direction === "Egress" ? "to" : "from";
    for (const anp of ordered) {
        if (anpSubject(anp.spec?.subject, pods, index) === NONE) continue;
        for (const rule of anp.spec?.[key] ?? []) {
            const c = least(most(...(rule[peers] ?? []).map((p: any) => anpPeerCover(p, other, index))), anpPortsCover(rule.ports, port));
            if (c === NONE) continue;
            const where = `${kind} ${anp.name} ${key} "${rule.name}"`;
            if (rule.action === "Pass") return undefined;
            return { action: rule.action === "Deny" ? "Deny" : "Allow", cover: c, rule: where };
        }
    }
    return undefined;
}

/** Cilium: the labels Cilium gives a pod's identity, namespace labels included. */
const ciliumMemo = new WeakMap<PodSet, Record<string, string>>();
function ciliumLabels(pods: PodSet, index: KubernetesIndex): Record<string, string> {
    const known = ciliumMemo.get(pods);
    if (known) return known;
    const out: Record<string, string> = { "k8s:io.kubernetes.pod.namespace": pods.namespace };
    for (const [k, v] of Object.entries(index.namespaceLabels(pods.namespace))) out[`k8s:io.cilium.k8s.namespace.labels.${k}`] = v;
    for (const [k, v] of Object.entries(pods.labels ?? {})) { out[k] = v; out[`k8s:${k}`] = v; }
    ciliumMemo.set(pods, out);
    return out;
}

/** Cilium cluster-wide deny rules between `pods` and `other` in one direction: the first that matches. */
export function ciliumDeny(index: KubernetesIndex, direction: "Egress" | "Ingress", pods: PodSet, other: End): HopResult | undefined {
    const self = ciliumLabels(pods, index);
    const key = direction === "Egress" ? "egressDeny" : "ingressDeny";
    const peers = direction === "Egress" ? "toEndpoints" : "fromEndpoints";
    for (const p of index.lookup ? index.lookup.cilium(pods.namespace) : index.ciliumClusterwide) {
        if (!selects(p.spec?.endpointSelector, self)) continue;
        for (const rule of p.spec?.[key] ?? []) {
            const hit = other.pods.some(set => (rule[peers] ?? []).some((s: any) => selects(s, ciliumLabels(set, index))));
            if (hit) return block(`CiliumClusterwideNetworkPolicy ${p.name} ${key}`);
        }
    }
    return undefined;
}

/** A Calico selector of `&&`-joined `has(k)`, `k == 'v'`, `k != 'v'` terms. Anything else: undefined (not judged). */
export function calicoSelects(expression: string, labels: Labels): boolean | undefined {
    const terms = calicoTerms(expression);
    if (!terms) return undefined;
    for (const t of terms) {
        if (t.op === "has") { if (!(t.key in labels)) return false; continue; }
        if ((t.op === "==") !== (labels[t.key] === t.value)) return false;
    }
    return true;
}

type CalicoTerm = { readonly op: "has" | "==" | "!="; readonly key: string; readonly value?: string };
const parsedSelectors = new Map<string, readonly CalicoTerm[] | undefined>();

/** The terms of a selector, parsed once; undefined when it uses anything beyond has(), == and !=. */
function calicoTerms(expression: string): readonly CalicoTerm[] | undefined {
    if (parsedSelectors.has(expression)) return parsedSelectors.get(expression);
    const terms: CalicoTerm[] = [];
    for (const t of expression.split("&&").map(x => x.trim()).filter(Boolean)) {
        let m: RegExpExecArray | null;
        if ((m = /^has\(([^)]+)\)$/.exec(t))) terms.push({ op: "has", key: m[1].trim() });
        else if ((m = /^([\w./-]+)\s*(==|!=)\s*'([^']*)'$/.exec(t))) terms.push({ op: m[2] as "==" | "!=", key: m[1], value: m[3] });
        else { parsedSelectors.set(expression, undefined); return undefined; }
    }
    parsedSelectors.set(expression, terms);
    return terms;
}

/** Calico global Deny rules judged before the namespaces' own policies (order below 1000). */
export function calicoDeny(index: KubernetesIndex, direction: "Egress" | "Ingress", pods: PodSet, other: End): HopResult | undefined {
    const self = { "projectcalico.org/namespace": pods.namespace, ...(pods.labels ?? {}) };
    const key = direction === "Egress" ? "egress" : "ingress";
    const side = direction === "Egress" ? "destination" : "source";
    const ordered = (index.lookup ? index.lookup.calico(pods.namespace) : [...index.calicoGlobal].sort((a, b) => a.spec.order - b.spec.order))
        .filter(p => (p.spec?.order ?? 1000) < 1000);
    for (const p of ordered) {
        if (!(p.spec?.types ?? []).includes(direction)) continue;
        if (calicoSelects(String(p.spec?.selector ?? "all()"), self) !== true) continue;
        for (const rule of p.spec?.[key] ?? []) {
            if (rule.action !== "Deny") continue;
            const nsSel = rule[side]?.namespaceSelector;
            if (!nsSel) continue;
            if (other.pods.some(set => calicoSelects(nsSel, index.namespaceLabels(set.namespace)) === true)) {
                return block(`GlobalNetworkPolicy ${p.name} ${key} Deny`);
            }
        }
    }
    return undefined;
}

/** The EgressFirewall of a namespace for traffic leaving the cluster: first matching rule; none matching allows. */
export function egressFirewall(index: KubernetesIndex, namespace: string, other: End, port: FlowPort): HopResult {
    const firewalls = index.egressFirewalls.get(namespace) ?? [];
    if (firewalls.length === 0) return pass(`no EgressFirewall in ${namespace}`);
    const covers = other.addresses.map(a => firstEgressRule(firewalls[0], a, other.fqdn, port));
    const worst = covers.reduce((a, b) => (b.cover < a.cover ? b : a));
    return worst;
}

function firstEgressRule(firewall: Declared, a: Address, fqdn: string | undefined, port: FlowPort): HopResult {
    for (const [i, rule] of (firewall.spec?.egress ?? []).entries()) {
        const to = rule.to ?? {};
        const dest: Cover = to.cidrSelector ? coverByCidrs([to.cidrSelector], a) : to.dnsName && to.dnsName === fqdn ? ALL : NONE;
        const c = least(dest, portsCover(rule.ports, port));
        if (c === NONE) continue;
        const where = `EgressFirewall ${firewall.namespace}/${firewall.name} egress[${i}] ${rule.type}`;
        if (rule.type === "Deny") return c === ALL ? block(where) : partly(where);
        if (c === ALL) return pass(where);
    }
    return pass(`EgressFirewall ${firewall.namespace}/${firewall.name}: no rule matches (allowed)`);
}

/**
 * Everything Kubernetes decides about one direction of a flow at one end's pods: cluster-wide deny rules, then
 * AdminNetworkPolicies, then the namespace's NetworkPolicies (or the baseline when none isolates), then, for traffic
 * leaving the cluster, the namespace's EgressFirewall.
 */
export function kubernetesSide(index: KubernetesIndex, direction: "Egress" | "Ingress", pods: PodSet, other: End,
                               port: FlowPort): HopResult {
    const denied = ciliumDeny(index, direction, pods, other) ?? calicoDeny(index, direction, pods, other);
    if (denied) return denied;
    const admin = adminPolicies(index.adminPolicies, direction, pods, other, port, index);
    let result: HopResult;
    if (admin) {
        result = admin.action === "Deny" ? (admin.cover === ALL ? block(admin.rule) : partly(admin.rule))
            : admin.cover === ALL ? pass(admin.rule) : partly(admin.rule);
        if (admin.action === "Allow" && admin.cover < ALL) {
            const np = networkPolicies(index, direction, pods, other, port);
            if (np.cover > result.cover) result = { cover: np.cover, rule: np.rule };
        }
    } else {
        const np = networkPolicies(index, direction, pods, other, port);
        result = { cover: np.cover, rule: np.rule };
        if (np.isolated === NONE) {
            const baseline = adminPolicies(index.baselinePolicies, direction, pods, other, port, index, "BaselineAdminNetworkPolicy");
            if (baseline) result = baseline.action === "Deny" ? block(baseline.rule) : pass(baseline.rule);
        }
    }
    if (direction === "Egress" && other.pods.length === 0 && other.external && result.cover > NONE) {
        const firewall = egressFirewall(index, pods.namespace, other, port);
        if (firewall.cover < result.cover) return firewall;
    }
    return result;
}
