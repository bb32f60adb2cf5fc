import { resolveRegion, zonesOf } from "../../components/residency";
import { ConfigError } from "../../components/errors";

// A target's table: one neutral region, spelled by each service.
const TABLE = {
    "EU-WEST-PAR": { compute: "EU-WEST-PAR", storage: "EU-WEST-PAR", kms: "eu-west-par" },
    "GRA": { compute: "GRA11", storage: "GRA", kms: "eu-west-gra" },
    "BHS": { compute: "BHS5", storage: "BHS", kms: "ca-east-bhs" },
    "ATLANTIS": { compute: "ATL1", storage: "ATL", kms: "atl" },
};

describe("region resolution against the sovereignty catalogue", () => {
    test("maps a region in the jurisdiction to each service's spelling", () => {
        expect(resolveRegion("ovhcloud", "GRA", TABLE, "FR")).toEqual({ compute: "GRA11", storage: "GRA", kms: "eu-west-gra" });
        expect(resolveRegion("ovhcloud", "eu-west-par", TABLE, "FR").kms).toBe("eu-west-par");
    });

    test("refuses a region outside the jurisdiction, naming where it is and what is allowed", () => {
        expect(() => resolveRegion("ovhcloud", "BHS", TABLE, "EU"))
            .toThrow(/warehouse:region = "BHS": a region inside jurisdiction EU \(BHS5 is in CA\); one of EU-WEST-PAR, GRA/);
    });

    test("refuses a region the catalogue does not know (fail closed)", () => {
        expect(() => resolveRegion("ovhcloud", "ATLANTIS", TABLE, "FR")).toThrow(ConfigError);
        expect(() => resolveRegion("ovhcloud", "ATLANTIS", TABLE, "FR")).toThrow(/not in policies\/catalog\/regions.ts/);
    });

    test("refuses a region the target does not offer", () => {
        expect(() => resolveRegion("ovhcloud", "SBG", TABLE, "FR")).toThrow(/one of EU-WEST-PAR, GRA \(the ovhcloud regions inside jurisdiction FR\)/);
    });

    test("knows the availability zones of multi-zone regions", () => {
        expect(zonesOf("ovhcloud", "EU-WEST-PAR", "compute")).toEqual(["eu-west-par-a", "eu-west-par-b", "eu-west-par-c"]);
        expect(zonesOf("azure", "francesouth")).toEqual([]);
    });
});
