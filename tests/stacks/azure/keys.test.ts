import { ProgramRun, runWarehouse } from "../../support/program";
import { ROLES } from "../../../stacks/azure/roles";
import { roleAssignments } from "./helpers";

const PROJECTS = ["oncoprev", "covidlong", "pharmaco", "diabfr"];

describe("Azure key management with Key Vault Premium (azure-prod)", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "azure-prod" }); });

    test("the vault is Premium, RBAC-authorised, purge-protected, private and protected", () => {
        const vault = run.one("azure-native:keyvault:Vault");
        expect(vault.protect).toBe(true);
        expect(vault.inputs.properties).toMatchObject({
            tenantId: "7c1d5f4e-2b8a-4c3d-9e6f-1a2b3c4d5e6f",
            sku: { family: "A", name: "premium" },
            enableRbacAuthorization: true,
            enablePurgeProtection: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
            publicNetworkAccess: "disabled",
            networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
        });
        expect(vault.inputs.properties.accessPolicies).toBeUndefined();
    });

    test("the vault is reached through a private endpoint registered in the vault's private DNS zone", () => {
        const endpoint = run.ofType("azure-native:network:PrivateEndpoint")
            .find(e => e.inputs.privateLinkServiceConnections[0].groupIds[0] === "vault")!;
        const vault = run.one("azure-native:keyvault:Vault");
        expect(endpoint.inputs.privateLinkServiceConnections[0].privateLinkServiceId).toBe(`${vault.name}-id`);
        const subnet = run.ofType("azure-native:network:Subnet").find(s => s.inputs.subnetName === "snet-endpoints")!;
        expect(endpoint.inputs.subnet.id).toBe(`${subnet.name}-id`);
        const group = run.ofType("azure-native:network:PrivateDnsZoneGroup").find(g => g.name === `${endpoint.name}-dns`)!;
        const zone = run.ofType("azure-native:privatedns:PrivateZone")
            .find(z => z.inputs.privateZoneName === "privatelink.vaultcore.azure.net")!;
        expect(group.inputs.privateDnsZoneConfigs).toEqual([{ name: "vault", privateDnsZoneId: `${zone.name}-id` }]);
    });

    test("one platform key and one key per project: RSA-HSM of at least 3072 bits, rotated, expiring, protected", () => {
        const all = run.ofType("azure-native:keyvault:Key");
        expect(all.map(k => k.inputs.keyName).sort())
            .toEqual(["aks-kms", "platform", ...PROJECTS.map(p => `project-${p}`)].sort());
        // AKS KMS pins a version: its key rotates but its versions never expire (docs/deploy-azure.md).
        const kms = all.find(k => k.inputs.keyName === "aks-kms")!;
        expect(kms.inputs.properties.rotationPolicy).toEqual({
            lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "rotate" } }] });
        expect(kms.inputs.properties.keyOps).toEqual(["encrypt", "decrypt"]);
        const keys = all.filter(k => k !== kms);
        for (const key of keys) {
            expect(key.protect).toBe(true);
            expect(key.inputs.properties.kty).toBe("RSA-HSM");
            expect(key.inputs.properties.keySize).toBeGreaterThanOrEqual(3072);
            expect(key.inputs.properties.rotationPolicy).toEqual({
                attributes: { expiryTime: "P120D" },
                lifetimeActions: [
                    { trigger: { timeAfterCreate: "P90D" }, action: { type: "rotate" } },
                    { trigger: { timeBeforeExpiry: "P14D" }, action: { type: "notify" } },
                ],
            });
        }
        const project = keys.find(k => k.inputs.keyName === "project-oncoprev")!;
        expect(project.inputs.properties.keyOps).toEqual(["wrapKey", "unwrapKey"]);
        expect(project.inputs.tags["research-project"]).toBe("oncoprev");
    });

    test("the encryption identity may wrap with each key, granted key by key, never on the whole vault", () => {
        const identity = run.ofType("azure-native:managedidentity:UserAssignedIdentity")
            .find(i => i.inputs.resourceName === "id-hdh-prod-encryption")!;
        const grants = roleAssignments(run).filter(a => a.role === ROLES.keyVaultCryptoServiceEncryptionUser);
        expect(grants).toHaveLength(1 + PROJECTS.length);
        const keyIds = run.ofType("azure-native:keyvault:Key").map(k => `${k.name}-id`);
        for (const g of grants) {
            expect(g.principalId).toMatch(/^[0-9a-f-]{36}$/);
            expect(keyIds).toContain(g.scope);
        }
        expect(identity.inputs.location).toBe("francecentral");
        expect(grants.some(g => g.scope === `${run.one("azure-native:keyvault:Vault").name}-id`)).toBe(false);
    });

    test("each project's identity may use its own key and no other", () => {
        const grants = roleAssignments(run).filter(a => a.role === ROLES.keyVaultCryptoUser && a.name.includes("-key-user"));
        expect(grants).toHaveLength(PROJECTS.length);
        for (const project of PROJECTS) {
            const grant = grants.find(g => g.name.endsWith(`-${project}-key-user`))!;
            const key = run.ofType("azure-native:keyvault:Key").find(k => k.inputs.keyName === `project-${project}`)!;
            expect(grant.scope).toBe(`${key.name}-id`);
            const others = grants.filter(g => g !== grant);
            expect(others.map(g => g.principalId)).not.toContain(grant.principalId);
        }
    });

    test("workloads get their project's key, and egress only to the private endpoints subnet", () => {
        const config = run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.namespace === "rp-pharmaco")!;
        expect(config.inputs.data).toMatchObject({
            AZURE_KEY_VAULT_URI: "https://kv-hdh-prod.vault.azure.net/",
            AZURE_KEY_ID: "https://kv-hdh-prod.vault.azure.net/keys/project-pharmaco",
        });
        expect(run.ofType("kubernetes:core/v1:Secret")).toHaveLength(0);
    });

    test("reports customer-managed keys with the platform key as the neutral key id", () => {
        expect(run.outputs.outputs).toMatchObject({
            encryption: "customer-managed-key",
            platformKeyId: "https://kv-hdh-prod.vault.azure.net/keys/platform",
            endpoints: { keys: { url: "https://kv-hdh-prod.vault.azure.net/", private: true } },
        });
    });
});
