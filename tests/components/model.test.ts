import { parseWarehouseSpec, warehouseLabels } from "../../components/model";
import { ConfigError } from "../../components/errors";

const OPTIONS = { targets: ["azure", "ovh", "cloudtemple"], reservedKeys: [] };

const GOOD = {
    target: "ovh",
    name: "hdh",
    environment: "rehearsal",
    owner: "plateforme-donnees",
    costCentre: "cc-4200",
    network: { adminCidrs: ["192.0.2.0/28"] },
    projects: [{ id: "oncoprev", dataOwner: "dpo@example.fr", retentionDays: 365, allowedGroups: ["onco"] }],
};

/** The problems a configuration is refused with, as `key = value: allowed` lines. */
function problems(raw: Record<string, unknown>): { key: string; value: unknown; allowed: string }[] {
    try {
        parseWarehouseSpec(raw, OPTIONS);
    } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return [...(e as ConfigError).problems];
    }
    throw new Error("configuration was accepted");
}

function refusal(raw: Record<string, unknown>, key: string) {
    const found = problems(raw).find(p => p.key === key);
    if (!found) throw new Error(`no problem reported for ${key}: ${JSON.stringify(problems(raw))}`);
    return found;
}

describe("the warehouse specification", () => {
    test("a minimal configuration gets the documented defaults", () => {
        const spec = parseWarehouseSpec(GOOD, OPTIONS);
        expect(spec.jurisdiction).toBe("FR");
        expect(spec.keys).toEqual({ algorithm: "RSA", size: 3072, rotationDays: 90, custody: undefined });
        expect(spec.zones.raw.retentionDays).toBe(365);
        expect(spec.network.addressSpace).toBe("10.40.0.0/16");
        expect(spec.compute.analyticsPool).toEqual({ size: "large", nodes: 3, minNodes: 3, maxNodes: 12 });
        expect(spec.catalog.tier).toBe("business");
        expect(spec.projects[0].quota).toEqual({ cpu: 16, memoryGi: 64, storageGi: 500 });
        expect(spec.protect).toBe(true);
    });

    test("labels carry identity, owner, cost centre and data classification", () => {
        expect(warehouseLabels(parseWarehouseSpec(GOOD, OPTIONS))).toEqual({
            "warehouse": "hdh", "environment": "rehearsal", "owner": "plateforme-donnees", "cost-centre": "cc-4200",
            "data-classification": "health-pseudonymised", "managed-by": "pulumi",
        });
    });

    test("the error message names the key, the value and what is allowed", () => {
        expect(() => parseWarehouseSpec({ ...GOOD, jurisdiction: "US" }, OPTIONS))
            .toThrow(/warehouse:jurisdiction = "US": one of "FR", "EU"/);
    });

    test.each([
        ["an unknown target", { target: "aws" }, "warehouse:target", /one of "azure", "ovh", "cloudtemple"/],
        ["a jurisdiction outside the catalogue", { jurisdiction: "US" }, "warehouse:jurisdiction", /"FR", "EU"/],
        ["an unknown environment", { environment: "production" }, "warehouse:environment", /"prod"/],
        ["an owner that cannot be a label", { owner: "Plateforme Données" }, "warehouse:owner", /lower-case/],
        ["a name too long for storage account names", { name: "healthdatahub" }, "warehouse:name", /3 to 10/],
        ["RSA below 3072 bits", { keys: { algorithm: "RSA", size: 2048 } }, "warehouse:keys.size", /3072 or 4096/],
        ["AES other than 256", { keys: { algorithm: "AES", size: 128 } }, "warehouse:keys.size", /256/],
        ["rotation longer than a year", { keys: { rotationDays: 400 } }, "warehouse:keys.rotationDays", /at most 365/],
        ["an unknown key custody", { keys: { custody: "host" } }, "warehouse:keys.custody", /"provider", "customer"/],
        ["a public address space", { network: { addressSpace: "8.8.0.0/16", adminCidrs: ["192.0.2.0/28"] } },
            "warehouse:network.addressSpace", /RFC 1918/],
        ["an address space too small to carve", { network: { addressSpace: "10.40.0.0/24", adminCidrs: ["192.0.2.0/28"] } },
            "warehouse:network.addressSpace", /\/8 to \/20/],
        ["a CIDR with host bits", { network: { adminCidrs: ["192.0.2.1/28"] } }, "warehouse:network.adminCidrs[0]",
            /host bits zero/],
        ["no admin CIDR", { network: { adminCidrs: [] } }, "warehouse:network.adminCidrs", /at least one/],
        ["a cluster API open to the internet", { network: { adminCidrs: ["0.0.0.0/0"] } },
            "warehouse:network.adminCidrs[0]", /must not be open to the internet/],
        ["an essential catalogue plan", { catalog: { tier: "essential" } }, "warehouse:catalog.tier",
            /"business", "enterprise"/],
        ["a raw retention of zero days", { zones: { raw: { retentionDays: 0 } } }, "warehouse:zones.raw.retentionDays",
            /at least 1/],
        ["a pool with min above max", { compute: { systemPool: { minNodes: 6, maxNodes: 3, nodes: 3 } } },
            "warehouse:compute.systemPool.minNodes", /at most maxNodes/],
        ["a pool count outside its bounds", { compute: { analyticsPool: { nodes: 20, minNodes: 3, maxNodes: 12 } } },
            "warehouse:compute.analyticsPool.nodes", /between minNodes \(3\) and maxNodes \(12\)/],
        ["an unknown pool size", { compute: { systemPool: { size: "huge" } } }, "warehouse:compute.systemPool.size",
            /"small", "medium", "large", "xlarge"/],
        ["a misspelt setting", { regoin: "GRA" }, "warehouse:regoin", /unknown setting; known settings here: target, region/],
        ["a misspelt nested setting", { keys: { rotation: 30 } }, "warehouse:keys.rotation",
            /known settings here: algorithm, size, rotationDays, custody/],
    ])("refuses %s", (_what, change, key, allowed) => {
        const problem = refusal({ ...GOOD, ...change }, key);
        expect(problem.allowed).toMatch(allowed);
    });

    test("refuses a research project with an id that cannot name a bucket", () => {
        const p = refusal({ ...GOOD, projects: [{ ...GOOD.projects[0], id: "Onco_Prev" }] }, "warehouse:projects[0].id");
        expect(p.value).toBe("Onco_Prev");
        expect(p.allowed).toMatch(/lower-case letters or digits/);
    });

    test("refuses two research projects with the same id, naming both", () => {
        const p = refusal({ ...GOOD, projects: [GOOD.projects[0], GOOD.projects[0]] }, "warehouse:projects[oncoprev].id");
        expect(p.allowed).toMatch(/declared twice \(the 1st and 2nd projects\)/);
    });

    test("refuses a research project without groups or retention", () => {
        const found = problems({ ...GOOD, projects: [{ id: "beta", dataOwner: "dpo@example.fr", allowedGroups: [] }] });
        expect(found.map(p => p.key).sort()).toEqual(["warehouse:projects[beta].allowedGroups", "warehouse:projects[beta].retentionDays"]);
        expect(found.find(p => p.key.endsWith("retentionDays"))!.allowed).toMatch(/^required/);
    });

    test("reports every problem at once", () => {
        const found = problems({ ...GOOD, environment: "x", jurisdiction: "US", network: { adminCidrs: ["10.0.0.1/8"] } });
        expect(found.map(p => p.key).sort())
            .toEqual(["warehouse:environment", "warehouse:jurisdiction", "warehouse:network.adminCidrs[0]"]);
    });

    test("leaves the keys that belong to a target to the target", () => {
        const spec = parseWarehouseSpec({ ...GOOD, ovh: { projectId: "p" }, ovhSecret: "s" },
            { ...OPTIONS, reservedKeys: ["ovh", "ovhSecret"] });
        expect(spec.target).toBe("ovh");
        expect(() => parseWarehouseSpec({ ...GOOD, ovh: { projectId: "p" } }, OPTIONS)).toThrow(/warehouse:ovh/);
    });
});
