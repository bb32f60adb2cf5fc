// Fast tests of the pure parts: catalogues, placement, durations, exemption matching, message format, settings.
// Checks run behind the runtime's unknown-value proxy, as in the pack.

import { judgeRegion, regionsWith } from "../../policies/rules/placement";
import { placeEndpoint } from "../../policies/catalog/endpoints";
import { durationDays } from "../../policies/rules/keys";
import { findExemption, isActive, patternMatches } from "../../policies/framework/exemptions";
import { exemptMessage, expiredMessage, parseFindingMessage } from "../../policies/framework/messages";
import { PolicyConfigError, configReader, readConfig } from "../../policies/framework/config";
import { runChecks, settingsOf } from "../../policies/framework/policy";
import { POLICY_METADATA } from "../../policies/metadata";
import { PREDICATES } from "../../policies/pack";
import { REGIONS } from "../../policies/catalog/regions";
import { OFFERS } from "../../policies/catalog/offers";
import { PROVIDERS } from "../../policies/catalog/providers";

const { unknownCheckingProxy } = require("@pulumi/policy/proxy");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("catalogues", () => {
    test("every entry is dated and sourced", () => {
        for (const e of [...REGIONS, ...OFFERS, ...PROVIDERS]) {
            expect(e.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            expect(e.source.length).toBeGreaterThan(10);
        }
    });
    test("the providers the warehouse uses: Microsoft subject to extraterritorial law, OVH SAS and Cloud Temple not", () => {
        expect(PROVIDERS.map(p => [p.cloud, p.headOffice, p.extraterritorial])).toEqual([
            ["azure", "US", true], ["ovhcloud", "FR", false], ["cloudtemple", "FR", false]]);
    });
    test("regions: known and in France pass, known elsewhere and unknown fail, spelling per service", () => {
        expect(judgeRegion("ovhcloud", "gra", "storage", "FR", REGIONS).ok).toBe(true);
        expect(judgeRegion("ovhcloud", "GRA", "compute", "FR", REGIONS).ok).toBe(false); // compute spells it GRA11
        expect(judgeRegion("azure", "germanywestcentral", "any", "FR", REGIONS).ok).toBe(false);
        expect(judgeRegion("azure", "germanywestcentral", "any", "EU", REGIONS).ok).toBe(true);
        expect(judgeRegion("azure", "switzerlandnorth", "any", "EU", REGIONS).ok).toBe(false);
        expect(judgeRegion("azure", 42, "any", "FR", REGIONS).ok).toBe(false);
        const extended = regionsWith([{ cloud: "cloudtemple", name: "FR2", country: "FR", asOf: "2027-01-01", source: "announcement" }]);
        expect(judgeRegion("cloudtemple", "FR2", "storage", "FR", extended).ok).toBe(true);
    });
    test("endpoints: Cloud Temple and OVH S3 hosts are placed, cluster addresses are private, others unknown", () => {
        expect(placeEndpoint("https://hdh.s3.fr1.cloud-temple.com")).toMatchObject({ kind: "cloud", cloud: "cloudtemple", region: "FR1" });
        expect(placeEndpoint("s3.gra.io.cloud.ovh.net:443")).toMatchObject({ kind: "cloud", cloud: "ovhcloud", region: "gra" });
        expect(placeEndpoint("https://openbao.openbao.svc:8200")).toMatchObject({ kind: "private" });
        expect(placeEndpoint("http://10.40.3.4:8200")).toMatchObject({ kind: "private" });
        expect(placeEndpoint("https://hdh.s3.fr1.cloud-temple.com.evil.example")).toMatchObject({ kind: "unknown" });
        expect(placeEndpoint(undefined)).toMatchObject({ kind: "unknown" });
    });
});

test("ISO 8601 durations", () => {
    expect(durationDays("P90D")).toBe(90);
    expect(durationDays("P3M")).toBe(93);
    expect(durationDays("P1Y")).toBe(365);
    expect(durationDays("90 days")).toBeUndefined();
    expect(durationDays("P")).toBeUndefined();
});

describe("exemptions and messages", () => {
    const ex = { id: "cnil-emc2-2023", resources: ["azure-native:keyvault:*"], reason: "authorised", category: "waiver" as const,
        reference: "CNIL 2023-12-21", expires: "2026-12-21" };
    test("patterns match types, URN globs and regular expressions", () => {
        const urn = "urn:pulumi:azure-prod::hdw::health-data:azure:Keys$azure-native:keyvault:Vault::hdh-vault";
        expect(patternMatches("azure-native:keyvault:*", urn, "azure-native:keyvault:Vault")).toBe(true);
        expect(patternMatches("azure-native:storage:*", urn, "azure-native:keyvault:Vault")).toBe(false);
        expect(patternMatches("urn:pulumi:azure-prod::*::hdh-vault", urn, "x")).toBe(true);
        expect(patternMatches("/\\$azure-native:keyvault:/", urn, "x")).toBe(true);
        expect(findExemption([ex], urn, "azure-native:keyvault:Vault")).toBe(ex);
    });
    test("an exemption applies until the day before it expires", () => {
        expect(isActive(ex, new Date("2026-12-20T23:59:59Z"))).toBe(true);
        expect(isActive(ex, new Date("2026-12-21T00:00:00Z"))).toBe(false);
    });
    test("the message prefixes parse back", () => {
        expect(parseFindingMessage(exemptMessage(ex, ex.reason, "[cannot verify] .x is unknown"))).toEqual({
            status: "exempt", text: ".x is unknown", cannotVerify: true, reason: "authorised",
            exemption: { id: ex.id, category: "waiver", expires: "2026-12-21", reference: "CNIL 2023-12-21" } });
        expect(parseFindingMessage(expiredMessage(ex, "Keys are held by Microsoft."))).toMatchObject({
            status: "exemption-expired", text: "Keys are held by Microsoft.", exemption: { id: ex.id } });
        expect(parseFindingMessage("[platform gap] no KMS")).toMatchObject({ status: "platform-gap", text: "no KMS" });
        expect(parseFindingMessage("Set x.")).toMatchObject({ status: "violation", text: "Set x." });
    });
});

describe("settings", () => {
    const meta = POLICY_METADATA.find(m => m.name === "certified-services")!;
    test("defaults fill in, unknown keys and bad exemptions are refused by name", () => {
        expect(readConfig<any>(meta.name, settingsOf(meta), {})).toMatchObject({ secNumCloudRequired: false, exemptions: [], unknownValues: "advise" });
        expect(() => readConfig(meta.name, settingsOf(meta), { secNumcloudRequired: true })).toThrow(PolicyConfigError);
        expect(() => readConfig(meta.name, settingsOf(meta), { exemptions: [{ id: "a", resources: ["/(/"], reason: "r",
            category: "waiver", reference: "x", expires: "2026-02-30" }] })).toThrow(/not a calendar date.*not a valid regular expression/);
    });
    test("a policy reads its settings once per configuration, not once per resource", () => {
        const read = configReader<any>(meta.name, settingsOf(meta));
        const exemptions: unknown[] = [];
        // The runtime hands every call a fresh shallow copy of the same settings.
        const first = read({ secNumCloudRequired: true, exemptions });
        expect(read({ secNumCloudRequired: true, exemptions })).toBe(first);
        expect(first).toMatchObject({ secNumCloudRequired: true, unknownValues: "advise" });
        // A new configuration (new values) is read, and checked, again.
        expect(read({ secNumCloudRequired: false, exemptions: [] })).toMatchObject({ secNumCloudRequired: false });
        expect(() => read({ secNumcloudRequired: true })).toThrow(PolicyConfigError);
        // Settings are shared between calls: a rule cannot change them for the next resource.
        expect(() => { (first as any).secNumCloudRequired = false; }).toThrow(TypeError);
    });
    test("every policy has a predicate, a 'Checks whether' description and remediation steps", () => {
        for (const m of POLICY_METADATA) {
            expect(PREDICATES[m.name]?.scope).toBe(m.scope);
            expect(m.description).toMatch(/^Checks whether /);
            expect(m.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
            expect(m.remediationSteps.length).toBeGreaterThan(20);
        }
    });
});

test("a check that reads an unknown value yields cannot verify, and the other checks still run", () => {
    const checks = [(r: any) => r.props.location === "x" ? [] : [], (r: any) => r.props.sku ? [{ kind: "violation" as const, message: "sku" }] : []];
    const findings = runChecks(checks, { type: "t", name: "n", urn: "u", props: unknownCheckingProxy({ location: UNKNOWN, sku: "a" }) }, { config: {} as any, now: new Date() });
    expect(findings.map(f => f.kind)).toEqual(["cannot-verify", "violation"]);
    expect(findings[0].message).toMatch(/^\.location is unknown/);
});
