// Each evaluator of the flow verifier on its own, on small hand-written inputs whose verdict the platform's
// documentation decides (sources in policies/flows/*.ts).

import { ALL, NONE, SOME, address, coverByCidrs } from "../../../policies/flows/addresses";
import { firewallDecision, nsgDecision, routeFor, securityRules } from "../../../policies/flows/azure";
import { renderChart } from "../../../policies/flows/charts";
import { End } from "../../../policies/flows/hop";
import { FlowPort } from "../../../policies/flows/intents";
import { Declared, KubernetesIndex, calicoSelects, kubernetesSide, namespaceLabelsOf } from "../../../policies/flows/kubernetes";
import { block } from "../../../policies/flows/addresses";

const TCP = (port: number): FlowPort => ({ protocol: "TCP", port });
const UDP = (port: number): FlowPort => ({ protocol: "UDP", port });
const ANY: FlowPort = { protocol: "ANY" };
const VNET = [block("10.40.0.0/16")!];
const a = (s: string) => address(s);

describe("addresses", () => {
    test("a CIDR list covers all, some or none of an address; exceptions cut it", () => {
        expect(coverByCidrs(["10.0.0.0/8"], a("10.40.0.0/17"))).toBe(ALL);
        expect(coverByCidrs(["10.40.0.0/17"], a("10.40.0.0/16"))).toBe(SOME);
        expect(coverByCidrs(["0.0.0.0/0"], a("10.40.0.0/17"), ["10.0.0.0/8"])).toBe(NONE);
        expect(coverByCidrs(["0.0.0.0/0"], a("internet"), ["10.0.0.0/8", "192.168.0.0/16"])).toBe(ALL);
        // `internet` is an address no rule names: a specific public block never reaches it.
        expect(coverByCidrs(["198.51.100.0/24"], a("internet"))).toBe(NONE);
    });
});

describe("NSG", () => {
    const rules = securityRules([
        { name: "deny-db", priority: 100, direction: "Outbound", access: "Deny", protocol: "Tcp", sourceAddressPrefix: "*", destinationAddressPrefix: "10.40.129.0/24", destinationPortRange: "5432" },
        { name: "allow-vnet", priority: 200, direction: "Outbound", access: "Allow", protocol: "*", sourceAddressPrefix: "10.40.0.0/17", destinationAddressPrefix: "10.40.0.0/16", destinationPortRange: "*" },
        { name: "allow-https", priority: 300, direction: "Outbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "10.40.0.0/17", destinationAddressPrefix: "Internet", destinationPortRange: "443" },
        { name: "deny-all", priority: 4096, direction: "Outbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },
    ]);
    const decide = (to: string, port: FlowPort, must: "allow" | "deny" = "allow") =>
        nsgDecision("n", rules, "Outbound", [a("10.40.0.0/17")], [a(to)], port, VNET, must);

    test("the first rule by priority decides: a deny above an allow wins", () => {
        expect(decide("10.40.129.0/24", TCP(5432))).toEqual({ cover: NONE, rule: expect.stringContaining("deny-db") });
        expect(decide("10.40.129.0/24", TCP(443)).cover).toBe(ALL);
    });

    test("Internet covers public addresses only; the explicit deny-all overrides the default rules", () => {
        expect(decide("20.190.128.0/18", TCP(443)).cover).toBe(ALL);
        expect(decide("20.190.128.0/18", TCP(80))).toEqual({ cover: NONE, rule: expect.stringContaining("deny-all") });
        expect(decide("172.16.0.0/24", TCP(443))).toEqual({ cover: NONE, rule: expect.stringContaining("deny-all") });
    });

    test("without an explicit deny, Azure's default rules apply (VirtualNetwork allowed, the rest denied inbound)", () => {
        const none = securityRules([]);
        expect(nsgDecision("n", none, "Inbound", [a("10.40.1.0/24")], [a("10.40.2.0/24")], TCP(22), VNET, "allow").rule).toMatch(/AllowVnetInBound/);
        expect(nsgDecision("n", none, "Inbound", [a("100.64.0.0/16")], [a("10.40.2.0/24")], TCP(22), VNET, "allow").rule).toMatch(/DenyAllInBound/);
    });

    test("every port and protocol needs a rule for every port and protocol", () => {
        const tcpOnly = securityRules([{ name: "tcp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
            sourceAddressPrefix: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },
        { name: "deny", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "*", destinationPortRange: "*" }]);
        expect(nsgDecision("n", tcpOnly, "Inbound", [a("10.0.0.0/24")], [a("10.0.1.0/24")], ANY, VNET, "allow").cover).toBe(NONE);
        expect(nsgDecision("n", tcpOnly, "Inbound", [a("10.0.0.0/24")], [a("10.0.1.0/24")], UDP(53), VNET, "allow").cover).toBe(NONE);
    });
});

describe("routes and firewall", () => {
    const routes = [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" }];
    test("the VNet's system route keeps its own space; the rest goes to the appliance; no route and no default outbound: nowhere", () => {
        expect(routeFor(routes, a("10.40.128.0/24"), VNET, false).via).toBe("vnet");
        expect(routeFor(routes, a("20.190.128.0/18"), VNET, false).via).toBe("appliance");
        expect(routeFor(undefined, a("20.190.128.0/18"), VNET, false).via).toBe("none");
    });

    test("application rules match names (and FQDN tags as stated); nothing else passes", () => {
        const collections = [{ name: "c", priority: 100, groupPriority: 100, action: "Allow", rules: [
            { ruleType: "ApplicationRule", name: "entra", sourceAddresses: ["10.40.0.0/17"], targetFqdns: ["login.microsoftonline.com"], protocols: [{ protocolType: "Https", port: 443 }] },
            { ruleType: "ApplicationRule", name: "aks", sourceAddresses: ["10.40.0.0/17"], fqdnTags: ["AzureKubernetesService"], protocols: [{ protocolType: "Https", port: 443 }] },
        ] }];
        const src = [a("10.40.0.0/17")];
        expect(firewallDecision("fw", collections, src, a("20.190.128.0/18"), "login.microsoftonline.com", TCP(443), {}).cover).toBe(ALL);
        expect(firewallDecision("fw", collections, src, a("internet"), "mcr.microsoft.com", TCP(443), { AzureKubernetesService: ["mcr.microsoft.com"] }).cover).toBe(ALL);
        expect(firewallDecision("fw", collections, src, a("internet"), undefined, TCP(443), {}).rule).toMatch(/denies by default/);
        expect(firewallDecision("fw", collections, [a("10.40.129.0/24")], a("20.190.128.0/18"), "login.microsoftonline.com", TCP(443), {}).cover).toBe(NONE);
    });
});

function k8s(objects: { nps?: Declared[]; anps?: Declared[]; banps?: Declared[]; cilium?: Declared[]; calico?: Declared[]; firewalls?: Declared[] },
             ipBlockMatchesPods = true): KubernetesIndex {
    const group = (list: Declared[] = []) => {
        const m = new Map<string, Declared[]>();
        for (const d of list) m.set(d.namespace!, [...(m.get(d.namespace!) ?? []), d]);
        return m;
    };
    return {
        networkPolicies: group(objects.nps), adminPolicies: objects.anps ?? [], baselinePolicies: objects.banps ?? [],
        ciliumClusterwide: objects.cilium ?? [], calicoGlobal: objects.calico ?? [], egressFirewalls: group(objects.firewalls),
        namespaceLabels: namespaceLabelsOf(new Map([["rp-a", { project: "a" }], ["rp-b", { project: "b" }]]), new Map()),
        ipBlockMatchesPods,
    };
}
const pods = (namespace: string, labels?: Record<string, string>): End =>
    ({ pods: [{ namespace, labels }], podAddresses: [a("10.128.0.0/14")], addresses: [], external: false });
const net = (...cidrs: string[]): End => ({ pods: [], podAddresses: [], addresses: cidrs.map(a), external: true });
const DENY_ALL: Declared = { name: "deny", namespace: "rp-a", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } };

describe("Kubernetes NetworkPolicy", () => {
    test("no policy isolates: everything passes; a default deny blocks; an allow reopens what it names", () => {
        expect(kubernetesSide(k8s({}), "Egress", { namespace: "rp-a" }, net("198.51.100.0/24"), TCP(443)).cover).toBe(ALL);
        expect(kubernetesSide(k8s({ nps: [DENY_ALL] }), "Egress", { namespace: "rp-a" }, net("198.51.100.0/24"), TCP(443)).cover).toBe(NONE);
        const allow: Declared = { name: "s3", namespace: "rp-a", spec: { podSelector: {}, policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "198.51.100.0/24" } }], ports: [{ protocol: "TCP", port: 443 }] }] } };
        const index = k8s({ nps: [DENY_ALL, allow] });
        expect(kubernetesSide(index, "Egress", { namespace: "rp-a" }, net("198.51.100.0/24"), TCP(443))).toEqual({ cover: ALL, rule: "NetworkPolicy rp-a/s3 egress[0]" });
        expect(kubernetesSide(index, "Egress", { namespace: "rp-a" }, net("198.51.100.0/24"), TCP(80)).cover).toBe(NONE);
    });

    test("namespace and pod selectors; ipBlock matches pods only where the CNI says so", () => {
        const dns: Declared = { name: "dns", namespace: "rp-a", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }] }] } };
        const index = k8s({ nps: [DENY_ALL, dns] });
        expect(kubernetesSide(index, "Egress", { namespace: "rp-a" }, pods("kube-system", { "k8s-app": "kube-dns" }), UDP(53)).cover).toBe(ALL);
        expect(kubernetesSide(index, "Egress", { namespace: "rp-a" }, pods("kube-system", { "k8s-app": "other" }), UDP(53)).cover).toBe(NONE);
        // OpenShift DNS listens on 5353: a rule for 53 does not reach it (policies match after service translation).
        expect(kubernetesSide(index, "Egress", { namespace: "rp-a" }, pods("kube-system", { "k8s-app": "kube-dns" }), UDP(5353)).cover).toBe(NONE);
        const byIp: Declared = { name: "ip", namespace: "rp-a", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.128.0.0/14" } }] }] } };
        expect(kubernetesSide(k8s({ nps: [DENY_ALL, byIp] }, true), "Egress", { namespace: "rp-a" }, pods("rp-b"), TCP(8200)).cover).toBe(ALL);
        expect(kubernetesSide(k8s({ nps: [DENY_ALL, byIp] }, false), "Egress", { namespace: "rp-a" }, pods("rp-b"), TCP(8200)).cover).toBe(NONE);
    });

    test("port ranges and named ports", () => {
        const range: Declared = { name: "r", namespace: "rp-a", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "TCP", port: 8000, endPort: 8100 }] }] } };
        expect(kubernetesSide(k8s({ nps: [DENY_ALL, range] }), "Egress", { namespace: "rp-a" }, net("10.0.0.0/8"), TCP(8080)).cover).toBe(ALL);
        const named: Declared = { name: "n", namespace: "rp-a", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: "https" }] }] } };
        expect(kubernetesSide(k8s({ nps: [DENY_ALL, named] }), "Egress", { namespace: "rp-a" }, net("10.0.0.0/8"), TCP(443)).cover).toBe(SOME);
    });
});

describe("AdminNetworkPolicy, baseline, Cilium and Calico deny rules, EgressFirewall", () => {
    const anp = (priority: number, action: string, to: any[]): Declared =>
        ({ name: `p${priority}`, spec: { priority, subject: { namespaces: { matchLabels: { project: "a" } } }, egress: [{ name: "r", action, to }] } });
    const allowAll: Declared = { name: "all", namespace: "rp-a", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] } };

    test("the lowest priority number decides first; Pass hands over to NetworkPolicies; Deny beats a namespace allow", () => {
        const deny = anp(20, "Deny", [{ namespaces: {} }]);
        const allow = anp(10, "Allow", [{ namespaces: { matchLabels: { project: "b" } } }]);
        expect(kubernetesSide(k8s({ anps: [deny, allow] }), "Egress", { namespace: "rp-a" }, pods("rp-b"), TCP(1)).cover).toBe(ALL);
        expect(kubernetesSide(k8s({ anps: [deny], nps: [allowAll] }), "Egress", { namespace: "rp-a" }, pods("rp-b"), TCP(1)))
            .toEqual({ cover: NONE, rule: 'AdminNetworkPolicy p20 egress "r"' });
        const pass = anp(5, "Pass", [{ namespaces: {} }]);
        expect(kubernetesSide(k8s({ anps: [pass, deny], nps: [DENY_ALL] }), "Egress", { namespace: "rp-a" }, pods("rp-b"), TCP(1)).rule)
            .toMatch(/^NetworkPolicy rp-a/);
    });

    test("the baseline applies only to pods no NetworkPolicy isolates", () => {
        const banp: Declared = { name: "default", spec: { subject: { namespaces: {} }, egress: [{ name: "deny", action: "Deny", to: [{ networks: ["0.0.0.0/0"] }] }] } };
        expect(kubernetesSide(k8s({ banps: [banp] }), "Egress", { namespace: "rp-a" }, net("198.51.100.0/24"), TCP(443)).cover).toBe(NONE);
        expect(kubernetesSide(k8s({ banps: [banp], nps: [allowAll] }), "Egress", { namespace: "rp-a" }, net("198.51.100.0/24"), TCP(443)).cover).toBe(ALL);
    });

    test("Cilium cluster-wide deny rules override a namespace's allow", () => {
        const ccnp: Declared = { name: "iso", spec: { endpointSelector: { matchLabels: { "k8s:io.kubernetes.pod.namespace": "rp-a" } },
            egressDeny: [{ toEndpoints: [{ matchExpressions: [{ key: "k8s:io.cilium.k8s.namespace.labels.project", operator: "Exists" },
                { key: "k8s:io.kubernetes.pod.namespace", operator: "NotIn", values: ["rp-a"] }] }] }] } };
        expect(kubernetesSide(k8s({ cilium: [ccnp], nps: [allowAll] }), "Egress", { namespace: "rp-a" }, pods("rp-b"), TCP(1)).cover).toBe(NONE);
        expect(kubernetesSide(k8s({ cilium: [ccnp], nps: [allowAll] }), "Egress", { namespace: "rp-a" }, pods("rp-a"), TCP(1)).cover).toBe(ALL);
    });

    test("Calico selectors and global Deny rules ordered before Kubernetes policies", () => {
        expect(calicoSelects("has(project) && project != 'a'", { project: "b" })).toBe(true);
        expect(calicoSelects("has(project) && project != 'a'", { project: "a" })).toBe(false);
        expect(calicoSelects("project in {'a'}", { project: "a" })).toBeUndefined();
        const gnp: Declared = { name: "iso", spec: { order: 10, selector: "projectcalico.org/namespace == 'rp-a'", types: ["Egress"],
            egress: [{ action: "Deny", destination: { namespaceSelector: "has(project) && project != 'a'" } }] } };
        expect(kubernetesSide(k8s({ calico: [gnp], nps: [allowAll] }), "Egress", { namespace: "rp-a" }, pods("rp-b"), TCP(1)).cover).toBe(NONE);
        const late = { ...gnp, spec: { ...gnp.spec, order: 2000 } };
        expect(kubernetesSide(k8s({ calico: [late], nps: [allowAll] }), "Egress", { namespace: "rp-a" }, pods("rp-b"), TCP(1)).cover).toBe(ALL);
    });

    test("an EgressFirewall's first matching rule decides for traffic leaving the cluster; none matching allows", () => {
        const fw: Declared = { name: "default", namespace: "rp-a", spec: { egress: [
            { type: "Allow", to: { cidrSelector: "10.70.0.16/29" }, ports: [{ protocol: "TCP", port: 1792 }] },
            { type: "Deny", to: { cidrSelector: "0.0.0.0/0" } }] } };
        expect(kubernetesSide(k8s({ firewalls: [fw] }), "Egress", { namespace: "rp-a" }, net("10.70.0.16/29"), TCP(1792)).cover).toBe(ALL);
        expect(kubernetesSide(k8s({ firewalls: [fw] }), "Egress", { namespace: "rp-a" }, net("10.70.0.16/29"), TCP(443)).rule).toMatch(/egress\[1\] Deny/);
        const allowOnly: Declared = { ...fw, spec: { egress: [fw.spec.egress[0]] } };
        expect(kubernetesSide(k8s({ firewalls: [allowOnly] }), "Egress", { namespace: "rp-a" }, net("203.0.113.0/24"), TCP(443)).cover).toBe(ALL);
    });
});

describe("charts", () => {
    test("the OpenBao chart renders its server NetworkPolicy from its values; an unknown chart is not guessed", () => {
        const rendered = renderChart({ chart: "openbao", version: "0.29.2", name: "openbao", namespace: "keys",
            values: { server: { networkPolicy: { enabled: true, ingress: [{ from: [{ podSelector: {} }] }] } } } });
        expect(rendered).toEqual([{ name: "openbao", namespace: "keys", spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "openbao", "app.kubernetes.io/instance": "openbao" } },
            ingress: [{ from: [{ podSelector: {} }] }] } }]);
        expect(renderChart({ chart: "openbao", version: "0.29.2", name: "o", namespace: "k", values: {} })).toEqual([]);
        expect(renderChart({ chart: "openbao", version: "1.0.0", name: "o", namespace: "k", values: {} })).toBeUndefined();
        expect(renderChart({ chart: "vault", version: "0.29.2", name: "o", namespace: "k", values: {} })).toBeUndefined();
    });
});
