import * as path from "path";
import { ProgramRun, runProgram, runWarehouse } from "../../support/program";

// The neutral outputs have the same shape on every target: compared here with the composition's own target-free run.
const FAKE_PROGRAM = path.join(__dirname, "..", "..", "support", "fake-program.ts");
const FAKE_CONFIG = {
    "warehouse:name": "hdh",
    "warehouse:environment": "dev",
    "warehouse:owner": "plateforme-donnees",
    "warehouse:costCentre": "cc-4200",
    "warehouse:network": JSON.stringify({ adminCidrs: ["192.0.2.0/28"] }),
    "warehouse:projects": JSON.stringify([
        { id: "alpha", dataOwner: "dpo@example.fr", retentionDays: 365, allowedGroups: ["alpha-team"] }]),
};

/** Keys and leaf types; a record of projects is reduced to the shape of one entry. */
function shape(value: unknown, under = ""): unknown {
    if (Array.isArray(value)) return value.length ? [shape(value[0], under)] : [];
    if (value && typeof value === "object") {
        if (under === "projects") return { "<id>": shape(Object.values(value)[0]) };
        return Object.fromEntries(Object.keys(value).sort().map(k => [k, shape((value as any)[k], k)]));
    }
    return typeof value;
}

describe("Cloud Temple neutral outputs", () => {
    let cloudtemple: ProgramRun;
    let reference: ProgramRun;
    beforeAll(async () => {
        cloudtemple = await runWarehouse({ stack: "cloudtemple-rehearsal" });
        reference = await runProgram(FAKE_PROGRAM, FAKE_CONFIG, "dev", false);
    });

    test("have the same keys and value types as on any other target", () => {
        expect(shape(cloudtemple.outputs.outputs)).toEqual(shape(reference.outputs.outputs));
    });

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
