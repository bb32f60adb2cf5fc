import { ProgramRun, runWarehouse } from "../../support/program";
import { PROJECTS, STACK, T } from "./helpers";

// Their shape is held to every other target's in tests/stacks/neutral-outputs.test.ts.
describe("the OVH stack's neutral outputs and the rules every stack keeps", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: STACK }); });

    test("names the target, region, jurisdiction and every research project", () => {
        expect(run.outputs.outputs).toMatchObject({ target: "ovh", region: "EU-WEST-PAR", jurisdiction: "FR" });
        expect(Object.keys(run.outputs.outputs.projects).sort()).toEqual([...PROJECTS].sort());
        expect(run.outputs.outputs.projects.covidlong.namespace).toBe("rp-covidlong");
    });

    test("protects every stateful resource: buckets, OKMS and its keys, the cluster, the database", () => {
        const stateful = [T.bucket, T.okms, T.serviceKey, T.kube, T.database, T.databaseInstance];
        for (const type of stateful) {
            expect(run.ofType(type).length).toBeGreaterThan(0);
            for (const r of run.ofType(type)) expect({ name: r.name, protect: r.protect }).toEqual({ name: r.name, protect: true });
        }
        // Credentials and policies are replaced freely: rotating them must not need an unprotect.
        for (const type of [T.credential, T.s3Credential, T.s3Policy, T.iamPolicy]) {
            for (const r of run.ofType(type)) expect(r.protect).toBe(false);
        }
    });

    test("parents every OVH resource under one of the five OVH building blocks", () => {
        const blocks = new Set(["Network", "Keys", "Compute", "Storage", "Catalog"]
            .map(b => run.one(`health-data:ovh:${b}`).urn));
        for (const r of run.resources.filter(r => r.type.startsWith("ovh:") || r.type.startsWith("random:"))) {
            expect(blocks.has(r.parent)).toBe(true);
        }
    });
});
