// Every custom resource the stacks declare against the fields we rely on (crd-fields.ts), and the checks failing
// on the mistakes they are there for.

import Ajv from "ajv";
import { ProgramRun, runWarehouse } from "../../support/program";
import { CRD_SPECS, METADATA } from "./crd-fields";
import { STACKS, kubernetesObjects } from "./objects";

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = Object.fromEntries(Object.entries(CRD_SPECS).map(([t, s]) => [t, ajv.compile(s)]));
const metadata = ajv.compile(METADATA);

function problems(type: string, body: any): string[] {
    const v = validators[type];
    const out: string[] = [];
    if (!metadata(body.metadata)) out.push(...metadata.errors!.map(e => `metadata${e.instancePath} ${e.message}`));
    if (!v(body.spec)) out.push(...v.errors!.map(e => `spec${e.instancePath} ${e.message}`));
    return out;
}

describe.each(STACKS)("%s: custom resources", stack => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack }); });

    test("every custom resource has a known kind and the fields, types and enums its CRD requires", () => {
        const custom = kubernetesObjects(run).filter(o => /^kubernetes:(policy\.networking\.k8s\.io|k8s\.ovn\.org|postgresql\.cnpg\.io|barmancloud\.cnpg\.io|operators\.coreos\.com|cilium\.io|crd\.projectcalico\.org)\//.test(o.type));
        for (const o of custom) expect(Object.keys(CRD_SPECS)).toContain(o.type);
        expect(custom.flatMap(o => problems(o.type, o.body).map(p => `${o.name}: ${p}`))).toEqual([]);
    });
});

test("the field schemas refuse what the CRDs refuse", () => {
    expect(problems("kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy", { metadata: { name: "a" },
        spec: { priority: 1001, subject: { namespaces: {} }, egress: [{ action: "Drop", to: [{ networks: ["0.0.0.0/0"] }] }] } }))
        .toEqual(expect.arrayContaining([expect.stringContaining("priority"), expect.stringContaining("action")]));
    expect(problems("kubernetes:k8s.ovn.org/v1:EgressFirewall", { metadata: { name: "default", namespace: "k" },
        spec: { egress: [{ type: "Allow", to: { cidrSelector: "10.0.0.0/8", dnsName: "x" } }] } })).not.toEqual([]);
    expect(problems("kubernetes:postgresql.cnpg.io/v1:Cluster", { metadata: { name: "c" },
        spec: { instances: 3, storage: { size: "64Gi" }, postgresql: { parameters: { ssl_min_protocol_version: "TLSv1.1" } } } })).not.toEqual([]);
    expect(problems("kubernetes:postgresql.cnpg.io/v1:ScheduledBackup", { metadata: { name: "b" },
        spec: { schedule: "0 2 * * *", cluster: { name: "c" } } })).not.toEqual([]);
});
