import * as path from "path";
import { ProgramRun, runProgram, runWarehouse } from "../../support/program";
import { PROJECTS, STACK, T } from "./helpers";

// The neutral outputs' shape: keys all the way down, with one project's entry standing for all of them.
function shape(value: unknown, key?: string): unknown {
    if (Array.isArray(value)) return "list";
    if (value && typeof value === "object") {
        const entries = Object.entries(value);
        if (key === "projects") return { "<project>": shape(entries[0]?.[1]) };
        return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v, k)]));
    }
    return typeof value;
}

const FAKE_CONFIG = {
    "warehouse:name": "hdh",
    "warehouse:environment": "dev",
    "warehouse:owner": "plateforme-donnees",
    "warehouse:costCentre": "cc-4200",
    "warehouse:network": JSON.stringify({ adminCidrs: ["192.0.2.0/28"] }),
    "warehouse:projects": JSON.stringify([
        { id: "alpha", dataOwner: "dpo@example.fr", retentionDays: 365, allowedGroups: ["alpha-team"] },
    ]),
};

describe("the OVH stack's neutral outputs and the rules every stack keeps", () => {
    let run: ProgramRun;
    let fake: ProgramRun;
    beforeAll(async () => {
        run = await runWarehouse({ stack: STACK });
        fake = await runProgram(path.join(__dirname, "..", "..", "support", "fake-program.ts"), FAKE_CONFIG, "dev", false);
    });

    test("has exactly the keys of the neutral outputs on any target", () => {
        expect(shape(run.outputs.outputs)).toEqual(shape(fake.outputs.outputs));
    });

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
