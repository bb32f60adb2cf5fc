// The verifiers on the three stacks as committed (migration enabled on the rehearsal stacks): no violation, and each
// flow crosses the hops its platform puts in its way: a verdict reached without judging them would prove nothing.

import { ALL, NONE } from "../../../policies/flows/addresses";
import { traceFlows, verifyFlows } from "../../../policies/flows/verify";
import { verifyPermissions } from "../../../policies/flows/permissions";
import { ProgramRun, runWarehouse } from "../../support/program";
import { flowResources, intentsOf } from "./support";

const hopsOf = (run: ProgramRun, name: string, port?: number) => {
    const { traces } = traceFlows(flowResources(run), intentsOf(run));
    const trace = traces.find(t => t.flow.name === name && (port === undefined || t.port.port === port));
    if (!trace) throw new Error(`no flow ${name}; flows: ${[...new Set(traces.map(t => t.flow.name))].join(" | ")}`);
    return trace.hops.map(h => `${h.hop}: ${h.result.cover === ALL ? "pass" : h.result.cover === NONE ? "block" : "partly"}`);
};

describe.each(["azure-prod", "ovh-rehearsal", "cloudtemple-rehearsal"])("%s", stack => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack }); });

    test("no flow or permission finding", () => {
        expect(verifyFlows(flowResources(run), intentsOf(run)).map(f => f.message)).toEqual([]);
        expect(verifyPermissions(flowResources(run), intentsOf(run)).map(f => f.message)).toEqual([]);
    });

    test("publishes intents with the platform's facts, each with a source", () => {
        const intents = intentsOf(run);
        expect(intents.flows.length).toBeGreaterThan(30);
        expect(intents.facts.ipBlockMatchesPods.source).toMatch(/\S{10,}/);
        for (const fact of Object.values(intents.facts.other ?? {})) expect(fact.source).toMatch(/\S{10,}/);
    });
});

describe("hops on Azure", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "azure-prod" }); });

    test("research pods reach storage through their policies, both NSGs, the VNet route and the private DNS zone", () => {
        expect(hopsOf(run, "rp-oncoprev workloads -> the storage account (blob private endpoint)")).toEqual([
            "Kubernetes egress from rp-oncoprev: pass", "NSG nsg-hdh-prod-cluster outbound (snet-cluster): pass",
            "routes of snet-cluster: pass", "NSG nsg-hdh-prod-endpoints inbound (snet-endpoints): pass",
            "private DNS privatelink.blob.core.windows.net: pass"]);
    });

    test("Entra ID goes out through the firewall, which names it", () => {
        expect(hopsOf(run, "rp-oncoprev workloads -> Microsoft Entra ID (login.microsoftonline.com)")).toEqual([
            "Kubernetes egress from rp-oncoprev: pass", "NSG nsg-hdh-prod-cluster outbound (snet-cluster): pass",
            "routes of snet-cluster: pass", "firewall afw-hdh-prod: pass"]);
    });

    test("the internet is refused at the firewall; other projects at Cilium's cluster-wide deny", () => {
        const internet = hopsOf(run, "rp-oncoprev workloads -> an internet address no rule names");
        expect(internet).toContain("Kubernetes egress from rp-oncoprev: block");
        expect(internet).toContain("firewall afw-hdh-prod: block");
        const { traces } = traceFlows(flowResources(run), intentsOf(run));
        const others = traces.find(t => t.flow.name === "rp-oncoprev workloads -> other research projects' pods")!;
        expect(others.hops[0].result.rule).toMatch(/^CiliumClusterwideNetworkPolicy hdh-rp-oncoprev-isolation egressDeny/);
    });

    test("the catalogue server reaches the vault's private endpoint for its key", () => {
        expect(hopsOf(run, "the catalogue server (its customer-managed key) -> the key vault (private endpoint)")).toEqual([
            "NSG nsg-hdh-prod-database outbound (snet-database): pass", "routes of snet-database: pass",
            "NSG nsg-hdh-prod-endpoints inbound (snet-endpoints): pass", "private DNS privatelink.vaultcore.azure.net: pass"]);
    });

    test("overlay pods, nodes and the API server's webhooks pass the cluster subnet's NSG", () => {
        expect(hopsOf(run, "cluster pods -> cluster pods")).toEqual([
            "NSG nsg-hdh-prod-cluster outbound (snet-cluster): pass", "routes of snet-cluster: pass",
            "NSG nsg-hdh-prod-cluster inbound (snet-cluster): pass"]);
        expect(hopsOf(run, "the API server -> cluster pods", 9443)).toEqual([
            "NSG nsg-hdh-prod-apiserver outbound (snet-apiserver): pass", "routes of snet-apiserver: pass",
            "NSG nsg-hdh-prod-cluster inbound (snet-cluster): pass"]);
    });
});

describe("hops on OVHcloud", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "ovh-rehearsal" }); });

    test("research pods reach OKMS through their policy and the gateway; the catalogue through its IP restrictions", () => {
        expect(hopsOf(run, "rp-oncoprev workloads -> OKMS (public REST endpoint, mTLS)")).toEqual([
            "Kubernetes egress from rp-oncoprev: pass", "gateway of hdh-rehearsal-cluster: pass"]);
        expect(hopsOf(run, "rp-oncoprev workloads -> the catalogue (managed PostgreSQL, private network)")).toEqual([
            "Kubernetes egress from rp-oncoprev: pass", "IP restrictions of hdh-catalog-postgresql: pass"]);
    });

    test("other projects are refused by Calico's global deny, before the namespaces' policies", () => {
        const { traces } = traceFlows(flowResources(run), intentsOf(run));
        const others = traces.find(t => t.flow.name === "rp-oncoprev workloads -> other research projects' pods")!;
        expect(others.hops[0].result).toEqual({ cover: NONE, rule: "GlobalNetworkPolicy hdh-rp-oncoprev-isolation egress Deny" });
    });

    test("the mover reaches the source, the buckets and OKMS through the gateway", () => {
        expect(hopsOf(run, "data-migration data mover -> the Azure source account")).toEqual([
            "Kubernetes egress from data-migration: pass", "gateway of hdh-rehearsal-cluster: pass"]);
    });
});

describe("hops on Cloud Temple", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "cloudtemple-rehearsal" }); });

    test("research pods reach OpenBao through their AdminNetworkPolicy and OpenBao's chart-rendered policy", () => {
        const { traces } = traceFlows(flowResources(run), intentsOf(run));
        const bao = traces.find(t => t.flow.name === "rp-oncoprev workloads -> OpenBao (in-cluster)")!;
        expect(bao.hops.map(h => h.result.rule)).toEqual([
            'AdminNetworkPolicy hdh-rp-oncoprev egress "allow-openbao"',
            "NetworkPolicy hdh-keys/openbao (rendered by chart openbao 0.29.2) ingress[0]"]);
    });

    test("DNS on 5353 and the catalogue pass; the internet and other projects are denied by the AdminNetworkPolicy", () => {
        expect(hopsOf(run, "rp-oncoprev workloads -> cluster DNS (openshift-dns)", 5353)).toEqual([
            "Kubernetes egress from rp-oncoprev: pass", "Kubernetes ingress to openshift-dns: pass"]);
        expect(hopsOf(run, "rp-oncoprev workloads -> the catalogue (CloudNativePG, in-cluster)")).toEqual([
            "Kubernetes egress from rp-oncoprev: pass", "Kubernetes ingress to hdh-catalog: pass"]);
        expect(hopsOf(run, "rp-oncoprev workloads -> an internet address no rule names")).toEqual([
            "Kubernetes egress from rp-oncoprev: block"]);
    });

    test("the mover reaches OpenBao on 8200 and DNS on 5353", () => {
        expect(hopsOf(run, "data-migration data mover -> OpenBao (in-cluster)")).toEqual([
            "Kubernetes egress from data-migration: pass", "Kubernetes ingress to hdh-keys: pass"]);
        expect(hopsOf(run, "data-migration data mover -> cluster DNS (openshift-dns)", 5353)).toEqual([
            "Kubernetes egress from data-migration: pass", "Kubernetes ingress to openshift-dns: pass"]);
    });
});
