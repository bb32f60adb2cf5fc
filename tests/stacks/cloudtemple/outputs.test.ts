import { ProgramRun, runWarehouse } from "../../support/program";

// Their shape is held to every other target's in tests/stacks/neutral-outputs.test.ts.
describe("Cloud Temple neutral outputs", () => {
    let cloudtemple: ProgramRun;
    beforeAll(async () => { cloudtemple = await runWarehouse({ stack: "cloudtemple-rehearsal" }); });

    test("list only the in-cluster endpoints as private", () => {
        expect(cloudtemple.outputs.outputs.privateEndpoints).toEqual([
            "https://openbao.hdh-keys.svc:8200", "postgresql://catalog-rw.hdh-catalog.svc:5432/catalog"]);
    });

    test("register every Cloud Temple block under the warehouse component", () => {
        const warehouse = cloudtemple.one("health-data:warehouse:HealthDataWarehouse");
        for (const block of ["Network", "Keys", "Compute", "Storage", "Catalog"]) {
            expect(cloudtemple.one(`health-data:cloudtemple:${block}`).parent).toBe(warehouse.urn);
        }
    });
});
