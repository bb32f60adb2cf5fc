import { ProgramRun, runWarehouse, stackConfig } from "../../support/program";
import { ConfigError } from "../../../components/errors";
import { OVH_REGIONS, resolveOvhRegion } from "../../../stacks/ovh/regions";
import { STACK, T } from "./helpers";

describe("one neutral OVH region, spelled per service", () => {
    test("maps the default Paris 3-AZ region to each service and to its three zones", () => {
        expect(resolveOvhRegion(undefined, "FR")).toEqual({
            name: "EU-WEST-PAR", compute: "EU-WEST-PAR", storage: "EU-WEST-PAR", kms: "eu-west-par", database: "EU-WEST-PAR",
            zones: ["eu-west-par-a", "eu-west-par-b", "eu-west-par-c"],
            s3Endpoint: "https://s3.eu-west-par.io.cloud.ovh.net",
        });
    });

    test.each([
        ["GRA", { compute: "GRA11", storage: "GRA", kms: "eu-west-gra", database: "GRA" }, "https://s3.gra.io.cloud.ovh.net"],
        ["SBG", { compute: "SBG5", storage: "SBG", kms: "eu-west-sbg", database: "SBG" }, "https://s3.sbg.io.cloud.ovh.net"],
        ["RBX", { compute: "RBX-A", storage: "RBX", kms: "eu-west-rbx", database: "RBX" }, "https://s3.rbx.io.cloud.ovh.net"],
    ])("maps %s, a single-zone French region", (region, names, endpoint) => {
        expect(resolveOvhRegion(region, "FR")).toEqual({ name: region, ...names, zones: [], s3Endpoint: endpoint });
    });

    test("accepts the neutral name in any case", () => {
        expect(resolveOvhRegion("eu-west-par", "FR").kms).toBe("eu-west-par");
    });

    test("refuses Beauharnois (Canada) by name, and regions the table does not know", () => {
        expect(() => resolveOvhRegion("BHS", "FR")).toThrow(/BHS5 is in CA/);
        expect(() => resolveOvhRegion("SGP1", "EU")).toThrow(ConfigError);
    });

    test("every French spelling in the table is in the sovereignty catalogue (the resolver would refuse it otherwise)", () => {
        for (const region of Object.keys(OVH_REGIONS).filter(r => r !== "BHS")) {
            expect(() => resolveOvhRegion(region, "FR")).not.toThrow();
        }
    });
});

describe("a variant: Gravelines (GRA), single-zone, project already in the vRack, unprotected rehearsal", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        const ovh = JSON.parse(stackConfig(STACK)["warehouse:ovh"]);
        run = await runWarehouse({ stack: STACK, config: {
            "warehouse:region": "GRA", "warehouse:protect": false, "warehouse:ovh": { ...ovh, vrackAttached: true },
        } });
    });

    test("puts every service in its own spelling of GRA", () => {
        expect(run.one(T.kube).inputs.region).toBe("GRA11");
        expect(run.one(T.network).inputs.region).toBe("GRA11");
        expect(run.one(T.okms).inputs.region).toBe("eu-west-gra");
        expect(new Set(run.ofType(T.bucket).map(b => b.inputs.regionName))).toEqual(new Set(["GRA"]));
        expect(run.one(T.database).inputs.nodes.map((n: any) => n.region)).toEqual(["GRA", "GRA"]);
        expect(run.one(T.database).inputs.backupRegions).toEqual(["GRA"]);
        expect(run.outputs.outputs.region).toBe("GRA");
        expect(run.outputs.outputs.storageEndpoint).toBe("https://s3.gra.io.cloud.ovh.net");
    });

    test("keeps one pool per role, with the neutral counts and no zone", () => {
        const pools = run.ofType(T.nodePool).map(p => p.inputs);
        expect(pools.map(p => p.name)).toEqual(["system", "analytics"]);
        expect(pools.map(p => [p.desiredNodes, p.minNodes, p.maxNodes])).toEqual([[3, 3, 5], [3, 3, 12]]);
        for (const p of pools) expect(p.availabilityZones).toBeUndefined();
    });

    test("adopts the existing vRack attachment instead of creating a second one", () => {
        expect(run.one(T.vrack).importId).toBe("pn-1045822/5c2e9a0d4b7f41e38a6d2f1c0b9e7d53");
        expect(run.one(T.vrack).inputs).toEqual({ serviceName: "pn-1045822", projectId: "5c2e9a0d4b7f41e38a6d2f1c0b9e7d53" });
    });

    test("protects nothing when warehouse:protect is false, the database's own deletion protection included", () => {
        expect(run.resources.filter(r => r.protect).map(r => r.name)).toEqual([]);
        expect(run.one(T.database).inputs.deletionProtection).toBe(false);
    });
});
