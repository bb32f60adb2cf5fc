// Every built-in Kubernetes object the stacks declare (with the migration enabled) validated against the Kubernetes
// OpenAPI through the `kubernetes-models` validators (4.5.1, generated from Kubernetes 1.33: the published release
// nearest to our 1.32 clusters; the 1.32 schemas themselves are checked in crds-reference.test.ts where present).

import { ProgramRun, runWarehouse } from "../../support/program";
import { KubernetesObject, STACKS, gvk, kubernetesObjects } from "./objects";

function modelOf(type: string): { new(data: any): { validate(): void } } | undefined {
    const { group, version, kind } = gvk(type);
    const module = group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
    try {
        return require(module)[kind];
    } catch {
        return undefined;
    }
}

function validate(o: KubernetesObject): string | undefined {
    const Model = modelOf(o.type)!;
    try {
        new Model(o.body).validate();
        return undefined;
    } catch (e) {
        return `${o.type} ${o.name}: ${(e as Error).message}`;
    }
}

describe.each(STACKS)("%s: built-in Kubernetes objects against the API's schema", stack => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack }); });

    test("every object of a built-in kind is valid", () => {
        const builtin = kubernetesObjects(run).filter(o => modelOf(o.type));
        expect(builtin.length).toBeGreaterThan(20);
        expect(builtin.map(validate).filter(Boolean)).toEqual([]);
    });

    test("every other object is a custom resource with its own schema check (crds.test.ts)", () => {
        const others = kubernetesObjects(run).filter(o => !modelOf(o.type)).map(o => o.type);
        for (const t of others) expect(t).toMatch(/^kubernetes:(policy\.networking\.k8s\.io|k8s\.ovn\.org|postgresql\.cnpg\.io|barmancloud\.cnpg\.io|operators\.coreos\.com|cilium\.io|crd\.projectcalico\.org)\//);
    });
});

test("the validator refuses what defect 20 was: a pod-failure condition without status", () => {
    const { Job } = require("kubernetes-models/batch/v1");
    const job = new Job({ metadata: { name: "x" }, spec: { template: { spec: { containers: [{ name: "a", image: "b" }] } },
        podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] } } });
    expect(() => job.validate()).toThrow(/status/);
});
