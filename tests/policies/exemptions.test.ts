// Exemptions and configuration through a real pack process: an exempt finding is still reported, marked and
// advisory; once expired it is mandatory and names the exemption. Bad configuration stops the run by name.

import * as fs from "fs";
import * as path from "path";
import { PolicyConfigValidationError, PolicyPack } from "../../engine/policy/analyzer";
import { parseFindingMessage } from "../../policies/framework/messages";
import { AZ } from "./fixtures";
import { PACK_DIR, everyPolicy, failures, of, resource, startPack } from "./support";

let pack: PolicyPack;
beforeAll(async () => { pack = await startPack(); });
afterAll(async () => { await pack?.stop(); });

const AZURE_CONFIG = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "config", "azure-prod.json"), "utf8"));
const vault = resource("azure-native:keyvault:Vault", "platform-vault", AZ.vault);

async function withClock(now: string) {
    const config: Record<string, any> = await everyPolicy(pack, { now });
    for (const [policy, settings] of Object.entries<any>(AZURE_CONFIG)) config[policy] = { ...config[policy], ...settings };
    await pack.configure(config);
}

test("before 21 December 2026 the CNIL exemption marks jurisdiction and custody findings exempt, as advisories", async () => {
    await withClock("2026-12-20");
    const diags = await pack.analyze(vault);
    expect(failures(diags)).toEqual([]);
    for (const policy of ["provider-jurisdiction", "key-custody"]) {
        const [d] = of(diags, policy);
        expect(d.enforcementLevel).toBe("advisory");
        expect(parseFindingMessage(d.message)).toMatchObject({
            status: "exempt", exemption: { id: "cnil-emc2-2023", category: "waiver", expires: "2026-12-21" },
        });
        expect(d.message).toMatch(/^\[exempt: waiver until 2026-12-21; id cnil-emc2-2023; ref CNIL authorisation/);
    }
});

test("from 21 December 2026 the same findings are mandatory and name the expired exemption", async () => {
    await withClock("2026-12-21");
    const diags = await pack.analyze(vault);
    expect(failures(diags).map(f => f.split(":")[0]).sort()).toEqual(["key-custody", "provider-jurisdiction"]);
    for (const d of diags.filter(x => x.enforcementLevel === "mandatory")) {
        expect(parseFindingMessage(d.message)).toMatchObject({ status: "exemption-expired", exemption: { id: "cnil-emc2-2023" } });
    }
});

test("an exemption only covers the resources it names", async () => {
    await withClock("2026-12-20");
    const diags = await pack.analyze(resource("azure-native:storage:StorageAccount", "acct", { ...AZ.account, publicNetworkAccess: "Enabled" }));
    expect(failures(diags, "no-public-data-access")).toHaveLength(1);
    expect(of(diags, "provider-jurisdiction")[0].enforcementLevel).toBe("advisory");
});

test("URN globs and regular expressions select resources", async () => {
    const ex = (resources: string[]) => ({ "key-custody": { now: "2026-01-01", exemptions: [{ id: "x", resources, reason: "r",
        category: "mitigated", reference: "ref", expires: "2027-01-01" }] } });
    await pack.configure(ex(["urn:pulumi:test::warehouse::azure-native:keyvault:Vault::platform-*"]));
    expect(of(await pack.analyze(vault), "key-custody")[0].enforcementLevel).toBe("advisory");
    await pack.configure(ex(["/::other-vault$/"]));
    expect(of(await pack.analyze(vault), "key-custody")[0].enforcementLevel).toBe("mandatory");
    await pack.configure({});
});

test("configuration is validated against each policy's schema, naming the policy and the key", async () => {
    await expect(pack.configure({ "allowed-regions": { jurisdiction: "US" } })).rejects.toThrow(/allowed-regions: jurisdiction/);
    await expect(pack.configure({ "key-custody": { exemptions: [{ id: "x", resources: ["*"] }] } })).rejects.toThrow(PolicyConfigValidationError);
    await expect(pack.configure({ "key-custody": { exemptions: [{ id: "x", resources: ["*"] }] } }))
        .rejects.toThrow(/key-custody: exemptions\[0\]\.reason: required/);
    await expect(pack.configure({ all: "sometimes" })).rejects.toThrow(/not a valid enforcement level/);
});

test("a setting the schema does not know stops the run instead of being ignored", async () => {
    await expect(pack.configure({ "certified-services": { secNumCloudRequried: true } }))
        .rejects.toThrow(/certified-services: unknown setting "secNumCloudRequried" \(did you mean "secNumCloudRequired"\?\)/);
    await pack.configure({});
});

test("the engine's defaults and levels reach the pack: all=advisory downgrades, disabled silences", async () => {
    await pack.configure({ all: "advisory", "no-shared-keys": "disabled" });
    const diags = await pack.analyze(resource("azure-native:storage:StorageAccount", "acct", { ...AZ.account, allowSharedKeyAccess: true, location: "eastus" }));
    expect(of(diags, "allowed-regions")[0].enforcementLevel).toBe("advisory");
    expect(of(diags, "no-shared-keys")).toEqual([]);
    await pack.configure({});
});
