// A policy configuration that would change nothing must not pass: a misspelt policy name, a setting the policy does
// not know, an exemption field no exemption has. The pack refuses them itself when it is configured, so that the
// refusal holds under a real `pulumi preview --policy-pack` too (the engine passes unknown names and settings
// through), and names the closest valid name.

import { PolicyPack } from "../../engine/policy/analyzer";
import { PolicyConfigError, readConfig } from "../../policies/framework/config";
import { configProblems } from "../../policies/framework/config-guard";
import { settingsOf } from "../../policies/framework/policy";
import { POLICY_METADATA } from "../../policies/metadata";
import { policies } from "../../policies/pack";
import { closest } from "../../policies/framework/suggest";
import { startPack } from "./support";

const certified = POLICY_METADATA.find(m => m.name === "certified-services")!;
const exemption = { id: "x", resources: ["*"], reason: "r", category: "waiver", reference: "ref", expires: "2027-01-01" };

describe("closest", () => {
    test("suggests the nearest name within a few edits, and nothing for a far one", () => {
        expect(closest("certified-service", ["allowed-regions", "certified-services"])).toBe("certified-services");
        expect(closest("secNumCloudRequried", ["secNumCloudRequired", "offerOverrides"])).toBe("secNumCloudRequired");
        expect(closest("exemptons", ["exemptions", "now"])).toBe("exemptions");
        expect(closest("something-else-entirely", ["now", "exemptions"])).toBeUndefined();
    });
});

describe("readConfig (a policy reading its own settings)", () => {
    test("names the closest known setting for a misspelt one", () => {
        expect(() => readConfig(certified.name, settingsOf(certified), { secNumCloudRequried: true }))
            .toThrow(/certified-services: unknown setting "secNumCloudRequried" \(did you mean "secNumCloudRequired"\?\)/);
    });

    test("refuses an unknown exemption field, naming the closest", () => {
        expect(() => readConfig(certified.name, settingsOf(certified), { exemptions: [{ ...exemption, expiry: "2027-01-01" }] }))
            .toThrow(/exemptions\[0\]: unknown field "expiry" \(did you mean "expires"\?\)/);
    });

    test("lists the allowed categories and refuses a date that is not a calendar day", () => {
        expect(() => readConfig(certified.name, settingsOf(certified), { exemptions: [{ ...exemption, category: "waver" }] }))
            .toThrow(/exemptions\[0\]\.category = "waver": one of "waiver", "mitigated"/);
        expect(() => readConfig(certified.name, settingsOf(certified), { exemptions: [{ ...exemption, expires: "2026-21-12" }] }))
            .toThrow(/expires "2026-21-12" is not a calendar date/);
    });

    test("the error carries no stack trace, so no runtime prints one", () => {
        try {
            readConfig(certified.name, settingsOf(certified), { secNumCloudRequried: true });
            throw new Error("not refused");
        } catch (e) {
            expect(e).toBeInstanceOf(PolicyConfigError);
            expect((e as Error).stack).not.toMatch(/\n\s+at /);
        }
    });
});

describe("configProblems (what the pack checks when it is configured)", () => {
    const known = policies.map(p => p.name);

    test("an unknown policy name, even with only a level, is refused with the closest policy", () => {
        expect(configProblems(policies, { "allowed-region": { enforcementLevel: "disabled" } }))
            .toEqual([expect.stringMatching(/^unknown policy "allowed-region" \(did you mean "allowed-regions"\?\)/)]);
        expect(configProblems(policies, { "certified-service": { secNumCloudRequired: true } })[0])
            .toMatch(/did you mean "certified-services"/);
    });

    test("settings under \"all\" are refused: the engine applies only its level", () => {
        expect(configProblems(policies, { all: { enforcementLevel: "advisory", now: "2026-12-21" } })[0])
            .toMatch(/all: only an enforcement level/);
        expect(configProblems(policies, { all: { enforcementLevel: "advisory" } })).toEqual([]);
    });

    test("every policy's settings are read, so a misspelt setting anywhere is found at once", () => {
        const problems = configProblems(policies, {
            "certified-services": { secNumCloudRequried: true }, "provider-jurisdiction": { exemptons: [] },
        });
        expect(problems).toHaveLength(2);
        expect(problems.join("\n")).toMatch(/did you mean "exemptions"/);
    });

    test("valid names and settings are derived from the pack itself", () => {
        expect(configProblems(policies, Object.fromEntries(known.map(n => [n, { enforcementLevel: "advisory" }])))).toEqual([]);
    });
});

describe("a real pack process, configured as the Pulumi engine configures it", () => {
    let pack: PolicyPack;
    beforeAll(async () => { pack = await startPack(); });
    afterAll(async () => { await pack?.stop(); });

    /** A Configure request as the engine sends it: every entry of the reconciled map, unknown names included. */
    async function configureRaw(config: Record<string, { enforcementLevel: string; properties: Record<string, unknown> }>) {
        const p = pack as any;
        const req = new p.protos.apb.ConfigureAnalyzerRequest();
        const levels = ["advisory", "mandatory", "disabled", "remediate"];
        for (const [name, c] of Object.entries(config)) {
            const pc = new p.protos.apb.PolicyConfig();
            pc.setEnforcementlevel(levels.indexOf(c.enforcementLevel));
            pc.setProperties(p.protos.structPb.Struct.fromJavaScript(c.properties));
            req.getPolicyconfigMap().set(name, pc);
        }
        return p.call("configure", req);
    }

    test("refuses an unknown policy name the engine passes through", async () => {
        await expect(configureRaw({ "allowed-region": { enforcementLevel: "disabled", properties: {} } }))
            .rejects.toThrow(/unknown policy "allowed-region" \(did you mean "allowed-regions"\?\)/);
    });

    test("refuses a misspelt setting at configure time, before any resource is judged", async () => {
        await expect(configureRaw({ "certified-services": { enforcementLevel: "mandatory", properties: { secNumCloudRequried: true } } }))
            .rejects.toThrow(/did you mean "secNumCloudRequired"/);
    });

    test("accepts a valid configuration", async () => {
        await expect(configureRaw({ "certified-services": { enforcementLevel: "mandatory", properties: { secNumCloudRequired: true } } }))
            .resolves.toBeDefined();
        await pack.configure({});
    });
});
