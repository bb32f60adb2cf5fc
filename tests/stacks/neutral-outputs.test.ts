import { runProgram, runWarehouse, ProgramRun } from "../support/program";
import { FAKE_CONFIG, FAKE_PROGRAM, outputShape } from "../support/neutral";

// Switching `warehouse:target` must give the same warehouse: the neutral outputs have the same shape everywhere.
const STACKS = ["azure-prod", "ovh-rehearsal", "cloudtemple-rehearsal"];

describe("the neutral outputs of every stack", () => {
    const runs: Record<string, ProgramRun> = {};
    let reference: ProgramRun;
    beforeAll(async () => {
        reference = await runProgram(FAKE_PROGRAM, { ...FAKE_CONFIG }, "dev", false);
        for (const stack of STACKS) runs[stack] = await runWarehouse({ stack });
    });

    test.each(STACKS)("%s has the shape of the neutral outputs", stack => {
        expect(outputShape(runs[stack].outputs.outputs)).toEqual(outputShape(reference.outputs.outputs));
    });

    test.each(STACKS)("%s names a bucket, a key and a namespace for every research project", stack => {
        const projects = runs[stack].outputs.outputs.projects;
        expect(Object.keys(projects).sort()).toEqual(["covidlong", "diabfr", "oncoprev", "pharmaco"]);
        for (const [id, p] of Object.entries<any>(projects)) {
            expect(p.namespace).toBe(`rp-${id}`);
            expect(p.bucket).toEqual(expect.any(String));
            expect(p.keyId).toEqual(expect.any(String));
        }
        const keyIds = Object.values<any>(projects).map(p => p.keyId);
        expect(new Set(keyIds).size).toBe(keyIds.length);
    });

    test("each target states how keys bind to data and how the cluster API is reached", () => {
        const summary = Object.fromEntries(STACKS.map(s => {
            const o = runs[s].outputs.outputs;
            return [s, { target: o.target, encryption: o.encryption, api: o.clusterApiAccess }];
        }));
        expect(summary).toEqual({
            "azure-prod": { target: "azure", encryption: "customer-managed-key", api: "private" },
            "ovh-rehearsal": { target: "ovh", encryption: "envelope", api: "restricted" },
            "cloudtemple-rehearsal": { target: "cloudtemple", encryption: "envelope", api: expect.stringMatching(/private|restricted/) },
        });
    });
});
