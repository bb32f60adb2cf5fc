// One round: every problem of the neutral model is reported at once (schema and cross-field checks together), one
// per line, with research projects named by their id; ids that would collide with the warehouse's own names are
// refused before any resource is registered.

import { ConfigError } from "../../components/errors";
import { RESERVED_PROJECT_IDS, validateWarehouseSpec } from "../../components/model";
import { PLATFORM_SCOPE } from "../../components/data-mover-job";

const OPTIONS = { targets: ["azure", "ovh", "cloudtemple"], reservedKeys: [] };
const GOOD = {
    target: "ovh", name: "hdh", environment: "rehearsal", owner: "plateforme-donnees", costCentre: "cc-4200",
    network: { adminCidrs: ["192.0.2.0/28"] },
    projects: [{ id: "oncoprev", dataOwner: "dpo@example.fr", retentionDays: 365, allowedGroups: ["onco"] }],
};
const project = (id: string, extra: Record<string, unknown> = {}) =>
    ({ id, dataOwner: "dpo@example.fr", retentionDays: 365, allowedGroups: ["g"], ...extra });

test("a schema problem does not hide a cross-field one: keys, pools and projects in the same round", () => {
    const { problems } = validateWarehouseSpec({
        ...GOOD, region: 7, keys: { algorithm: "RSA", size: 2048 },
        compute: { systemPool: { minNodes: 6, maxNodes: 3, nodes: 3 } },
        projects: [project("oncoprev", { retentionDays: 0 }), project("oncoprev")],
    }, OPTIONS);
    expect(problems.map(p => p.key).sort()).toEqual([
        "warehouse:compute.systemPool.minNodes",
        "warehouse:keys.size",
        "warehouse:projects[oncoprev].id",
        "warehouse:projects[oncoprev].retentionDays",
        "warehouse:region",
    ]);
});

test("projects are named by id, by index only when the id itself is missing", () => {
    const { problems } = validateWarehouseSpec({ ...GOOD, projects: [project("covid", { dataOwner: "x" }), { dataOwner: "y" }] }, OPTIONS);
    const keys = problems.map(p => p.key);
    expect(keys).toContain("warehouse:projects[covid].dataOwner");
    expect(keys).toContain("warehouse:projects[1].id");
    const duplicate = validateWarehouseSpec({ ...GOOD, projects: [project("a1"), project("b2"), project("a1")] }, OPTIONS).problems;
    expect(duplicate).toEqual([expect.objectContaining({ key: "warehouse:projects[a1].id",
        allowed: expect.stringMatching(/declared twice \(the 1st and 3rd projects\)/) })]);
});

test("the message is one problem per line", () => {
    const { problems } = validateWarehouseSpec({ ...GOOD, environment: "x", keys: { size: 1024 } }, OPTIONS);
    const text = new ConfigError(problems).message.split("\n");
    expect(text[0]).toBe("invalid configuration (2 problems):");
    expect(text.slice(1).every(l => /^  warehouse:\S+ = /.test(l))).toBe(true);
});

test.each(["raw", "curated", "platform", "system", "analytics"])(
    "refuses the project id %s, which names a zone, the platform or a pool", id => {
        const { problems } = validateWarehouseSpec({ ...GOOD, projects: [project(id)] }, OPTIONS);
        expect(problems).toEqual([expect.objectContaining({ key: `warehouse:projects[${id}].id`,
            allowed: expect.stringMatching(/not one of the warehouse's own names/) })]);
    });

test("the reserved ids come from the model's own declarations", () => {
    expect([...RESERVED_PROJECT_IDS].sort()).toEqual(["analytics", "curated", PLATFORM_SCOPE, "raw", "system"].sort());
});

test("a valid configuration has a spec and no problem", () => {
    const { spec, problems } = validateWarehouseSpec(GOOD, OPTIONS);
    expect(problems).toEqual([]);
    expect(spec?.projects.map(p => p.id)).toEqual(["oncoprev"]);
});
