import { stackConfig } from "../../support/program";
import { ConfigError } from "../../../components/errors";
import { parseWarehouseSpec } from "../../../components/model";
import { TARGET_NAMES, createTarget, targetKeys } from "../../../stacks/targets";
import { STACK } from "./helpers";

// Each case changes one setting of the rehearsal stack and runs what stacks/index.ts runs before the warehouse
// registers its first resource (spec, then target); it must refuse with a message that names the key, the value
// and what is allowed. (Programs are not run here: under the jest harness, a program that throws leaves an
// unhandled rejection behind that ends the worker.)
const BASE = JSON.parse(stackConfig(STACK)["warehouse:ovh"]);
const withOvh = (change: (s: any) => void) => {
    const settings = JSON.parse(JSON.stringify(BASE));
    change(settings);
    return { "warehouse:ovh": settings };
};

/** The `warehouse:` namespace as the program reads it: the stack's values, changed, objects decoded. */
function namespace(config: Record<string, unknown>, unset: string[]): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [full, text] of Object.entries(stackConfig(STACK))) {
        if (!full.startsWith("warehouse:") || unset.includes(full)) continue;
        values[full] = /^\s*[[{]/.test(text) ? JSON.parse(text) : text === "true" || text === "false" ? text === "true" : text;
    }
    Object.assign(values, config);
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k.slice("warehouse:".length), v]));
}

function configure(config: Record<string, unknown>, unset: string[] = []) {
    const raw = namespace(config, unset);
    const spec = parseWarehouseSpec(raw, { targets: TARGET_NAMES, reservedKeys: targetKeys(raw) });
    return createTarget(spec, raw);
}

async function refusal(config: Record<string, unknown>, unset: string[] = []): Promise<ConfigError> {
    let error: unknown;
    try {
        configure(config, unset);
    } catch (e) {
        error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
}

describe("OVH stack configuration: what is refused, and how", () => {
    test("accepts the rehearsal stack as it is, in the Paris 3-AZ region", () => {
        expect(configure({}).region).toBe("EU-WEST-PAR");
    });

    test.each([
        ["BHS", "FR", /warehouse:region = "BHS": a region inside jurisdiction FR \(BHS5 is in CA\); one of EU-WEST-PAR, GRA, SBG, RBX/],
        ["BHS", "EU", /warehouse:region = "BHS": a region inside jurisdiction EU \(BHS5 is in CA\)/],
        ["SGP", "FR", /warehouse:region = "SGP": one of EU-WEST-PAR, GRA, SBG, RBX \(the ovhcloud regions inside jurisdiction FR\)/],
        ["US-EAST-VA", "EU", /warehouse:region = "US-EAST-VA": one of EU-WEST-PAR, GRA, SBG, RBX/],
        ["ATLANTIS", "FR", /warehouse:region = "ATLANTIS": one of/],
    ])("refuses region %s under jurisdiction %s", async (region, jurisdiction, message) => {
        const error = await refusal({ "warehouse:region": region, "warehouse:jurisdiction": jurisdiction });
        expect(error.message).toMatch(message);
    });

    test("refuses the essential catalogue plan in the neutral model, naming the certified ones", async () => {
        const error = await refusal({ "warehouse:catalog": { version: "16", tier: "essential", storageGb: 64 } });
        expect(error.problems).toEqual([{ key: "warehouse:catalog.tier", value: "essential", allowed: 'one of "business", "enterprise"' }]);
    });

    test("refuses RSA keys, which OKMS can only sign with, and says what to set", async () => {
        const error = await refusal({ "warehouse:keys": { algorithm: "RSA", size: 3072, rotationDays: 90 } });
        expect(error.problems).toHaveLength(1);
        expect(error.problems[0]).toMatchObject({ key: "warehouse:keys.algorithm", value: "RSA" });
        expect(error.problems[0].allowed).toMatch(/^AES on OVHcloud.*cannot wrap the data keys/);
    });

    test("refuses customer key custody: OKMS is operated by OVHcloud", async () => {
        const error = await refusal({ "warehouse:keys": { algorithm: "AES", size: 256, rotationDays: 90, custody: "customer" } });
        expect(error.problems[0]).toMatchObject({ key: "warehouse:keys.custody", value: "customer" });
        expect(error.problems[0].allowed).toMatch(/^provider \(or unset\) on OVHcloud/);
    });

    test("refuses a pool that cannot put a node in each of the three zones", async () => {
        const error = await refusal({ "warehouse:compute": {
            systemPool: { size: "small", nodes: 2, minNodes: 2, maxNodes: 4 },
        } });
        expect(error.problems).toEqual([expect.objectContaining({
            key: "warehouse:compute.systemPool.minNodes", value: 2,
            allowed: expect.stringMatching(/^at least 3 on OVHcloud.*eu-west-par-a, eu-west-par-b, eu-west-par-c/),
        })]);
    });

    test("requires the OVH settings object", async () => {
        const error = await refusal({}, ["warehouse:ovh"]);
        expect(error.problems).toEqual([{ key: "warehouse:ovh", value: undefined, allowed: expect.stringMatching(/^required \(an object/) }]);
    });

    test.each([
        ["projectId", (s: any) => { s.projectId = "my-project"; }, "warehouse:ovh.projectId", /32 lower-case hexadecimal/],
        ["vrackId", (s: any) => { s.vrackId = "1045822"; }, "warehouse:ovh.vrackId", /pn-1234567/],
        ["vlanId", (s: any) => { s.vlanId = 0; }, "warehouse:ovh.vlanId", /from 1 to 4000.*untagged/],
        ["subsidiary", (s: any) => { s.ovhSubsidiary = "US"; }, "warehouse:ovh.ovhSubsidiary", /one of "FR", "DE"/],
        ["issuer", (s: any) => { s.oidc.issuerUrl = "http://sso.example"; }, "warehouse:ovh.oidc.issuerUrl", /HTTPS URL/],
        ["egress", (s: any) => { s.egress.kms = []; }, "warehouse:ovh.egress.kms", /at least one CIDR block of the OKMS/],
        ["egress CIDR", (s: any) => { s.egress.storage = ["198.51.100.7/24"]; }, "warehouse:ovh.egress.storage[0]", /host bits zero/],
        ["wide egress", (s: any) => { s.egress.storage = ["0.0.0.0/0"]; }, "warehouse:ovh.egress.storage", /\/8 or narrower/],
        ["gateway", (s: any) => { s.gateway.model = "XXL"; }, "warehouse:ovh.gateway.model", /one of "S", "M"/],
        ["unknown", (s: any) => { s.vlan = 12; }, "warehouse:ovh.vlan", /unknown setting; known settings here: projectId, vrackId, vrackAttached, vlanId/],
    ])("refuses a bad %s, naming the key", async (_what, change, configKey, allowed) => {
        const settings = withOvh(change);
        const error = await refusal(settings);
        const problem = error.problems.find(p => p.key === configKey);
        expect(problem).toBeDefined();
        expect(problem!.allowed).toMatch(allowed);
    });

    test("refuses an OVH secret key it does not read, rather than ignoring it", async () => {
        const error = await refusal({ "warehouse:ovhApplicationSecret": "s3cr3t" });
        expect(error.problems).toEqual([expect.objectContaining({
            key: "warehouse:ovhApplicationSecret",
            allowed: expect.stringMatching(/reads only warehouse:ovh/),
        })]);
    });

    test("lists every problem at once", async () => {
        const error = await refusal({
            "warehouse:region": "BHS",
            "warehouse:keys": { algorithm: "RSA", size: 3072, rotationDays: 90 },
            ...withOvh(s => { s.vlanId = 5000; }),
        });
        expect(error.problems.map(p => p.key).sort()).toEqual(["warehouse:keys.algorithm", "warehouse:ovh.vlanId", "warehouse:region"]);
    });
});
