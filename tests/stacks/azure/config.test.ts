import { ConfigError } from "../../../components/errors";
import { parseWarehouseSpec } from "../../../components/model";
import { TARGET_NAMES, createTarget, targetKeys } from "../../../stacks/targets";
import { runWarehouse, stackConfig } from "../../support/program";

/** The azure-prod configuration as the program reads it (`warehouse:` keys, structured values decoded). */
function prodConfig(): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(stackConfig("azure-prod"))) {
        if (!k.startsWith("warehouse:")) continue;
        raw[k.slice("warehouse:".length)] = /^[[{]/.test(v) ? JSON.parse(v) : v === "true" || v === "false" ? v === "true" : v;
    }
    return raw;
}

const SETTINGS = prodConfig().azure as Record<string, unknown>;

/** Creates the Azure target from azure-prod with some keys changed; returns the ConfigError it throws. */
function refusal(changes: Record<string, unknown>): ConfigError {
    const raw = { ...prodConfig(), ...changes };
    for (const [k, v] of Object.entries(changes)) if (v === undefined) delete raw[k];
    try {
        const spec = parseWarehouseSpec(raw, { targets: TARGET_NAMES, reservedKeys: targetKeys(raw) });
        createTarget(spec, raw);
    } catch (e) {
        if (e instanceof ConfigError) return e;
        throw e;
    }
    throw new Error("the configuration was accepted");
}

const problem = (error: ConfigError, key: string) => {
    const found = error.problems.find(p => p.key === key);
    if (!found) throw new Error(`no problem for ${key}: ${error.message}`);
    return found;
};

describe("Azure settings (warehouse:azure)", () => {
    test("the azure-prod stack is accepted as written", () => {
        const raw = prodConfig();
        const spec = parseWarehouseSpec(raw, { targets: TARGET_NAMES, reservedKeys: targetKeys(raw) });
        expect(createTarget(spec, raw)).toMatchObject({ name: "azure", region: "francecentral" });
    });

    test("refuses a tenant id that is not a GUID, naming the key, the value and the form", () => {
        const p = problem(refusal({ azure: { ...SETTINGS, tenantId: "contoso.onmicrosoft.com" } }), "warehouse:azure.tenantId");
        expect(p.value).toBe("contoso.onmicrosoft.com");
        expect(p.allowed).toMatch(/a GUID/);
    });

    test("refuses the nil GUID as a tenant or a group", () => {
        const nil = "00000000-0000-0000-0000-000000000000";
        const error = refusal({ azure: { ...SETTINGS, tenantId: nil, adminGroupObjectIds: [nil] } });
        expect(problem(error, "warehouse:azure.tenantId").allowed).toMatch(/not the nil GUID/);
        expect(problem(error, "warehouse:azure.adminGroupObjectIds[0]").value).toBe(nil);
    });

    test("requires the settings object, and at least one admin group", () => {
        expect(problem(refusal({ azure: undefined }), "warehouse:azure").allowed).toMatch(/^required/);
        expect(problem(refusal({ azure: { ...SETTINGS, adminGroupObjectIds: [] } }), "warehouse:azure.adminGroupObjectIds")
            .allowed).toMatch(/at least one/);
    });

    test("refuses unknown settings, inside the object and beside it", () => {
        const inside = problem(refusal({ azure: { ...SETTINGS, subscription: "x" } }), "warehouse:azure.subscription");
        expect(inside.allowed).toMatch(/known settings here: tenantId, adminGroupObjectIds, keyService/);
        const beside = problem(refusal({ azureClientSecret: "s3cr3t" }), "warehouse:azureClientSecret");
        expect(beside.allowed).toMatch(/reads only warehouse:azure/);
    });

    test("refuses an unknown key service and a Managed HSM without administrators", () => {
        const unknown = problem(refusal({ azure: { ...SETTINGS, keyService: "dedicated-hsm" } }), "warehouse:azure.keyService");
        expect(unknown.allowed).toBe('one of "key-vault-premium", "managed-hsm"');
        const noAdmins = problem(refusal({ azure: { ...SETTINGS, keyService: "managed-hsm" } }),
            "warehouse:azure.managedHsmAdminObjectIds");
        expect(noAdmins.allowed).toMatch(/initial administrators/);
    });
});

describe("Azure region and residency", () => {
    test("refuses a US region for jurisdiction FR, saying where it is and what is allowed", () => {
        const p = problem(refusal({ region: "westus" }), "warehouse:region");
        expect(p.value).toBe("westus");
        expect(p.allowed).toMatch(/inside jurisdiction FR \(westus is in US\); one of francecentral, francesouth/);
    });

    test("refuses an EU region for jurisdiction FR, and an unknown region", () => {
        expect(problem(refusal({ region: "westeurope" }), "warehouse:region").allowed).toMatch(/westeurope is in NL/);
        expect(problem(refusal({ region: "francenorth" }), "warehouse:region").allowed)
            .toMatch(/^one of francecentral, francesouth \(the azure regions inside jurisdiction FR\)/);
    });

    test("refuses a region without availability zones", () => {
        const p = problem(refusal({ region: "francesouth" }), "warehouse:region");
        expect(p.allowed).toMatch(/three availability zones.*inside jurisdiction FR: francecentral$/);
    });

    test("accepts westeurope when the jurisdiction is the EU, and deploys there", async () => {
        const run = await runWarehouse({ stack: "azure-prod",
            config: { "warehouse:region": "westeurope", "warehouse:jurisdiction": "EU" } });
        expect(run.outputs.outputs).toMatchObject({ region: "westeurope", jurisdiction: "EU" });
        expect(run.one("azure-native:storage:StorageAccount").inputs.location).toBe("westeurope");
        expect(run.one("azure-native:network:NetworkSecurityGroup", "-nsg-database").inputs.securityRules
            .find((r: any) => r.name === "allow-platform-out").destinationAddressPrefixes).toContain("Storage.WestEurope");
    });
});

describe("What Azure's key services cannot deliver", () => {
    test("refuses AES with Key Vault Premium, pointing at Managed HSM", () => {
        const p = problem(refusal({ keys: { algorithm: "AES", size: 256, rotationDays: 90 } }), "warehouse:keys.algorithm");
        expect(p.value).toBe("AES");
        expect(p.allowed).toMatch(/Key Vault Premium has no AES keys.*warehouse:azure\.keyService = "managed-hsm"/);
    });

    test("refuses AES with Managed HSM too: the services that encrypt with the keys take RSA only", () => {
        const settings = { ...SETTINGS, keyService: "managed-hsm", managedHsmAdminObjectIds: ["2f6c9a1b-7d3e-4b8f-a5c2-6e1d9b4f7a30"] };
        const p = problem(refusal({ azure: settings, keys: { algorithm: "AES", rotationDays: 90 } }), "warehouse:keys.algorithm");
        expect(p.allowed).toMatch(/accept only RSA customer-managed keys/);
    });

    test("refuses customer custody: Microsoft operates the HSMs", () => {
        const p = problem(refusal({ keys: { algorithm: "RSA", size: 3072, rotationDays: 90, custody: "customer" } }),
            "warehouse:keys.custody");
        expect(p.value).toBe("customer");
        expect(p.allowed).toMatch(/Azure cannot give customer custody/);
    });

    test("refuses a rotation faster than Key Vault's rotation policy allows", () => {
        const p = problem(refusal({ keys: { algorithm: "RSA", size: 3072, rotationDays: 3 } }), "warehouse:keys.rotationDays");
        expect(p.allowed).toMatch(/at least 7 days/);
    });
});
