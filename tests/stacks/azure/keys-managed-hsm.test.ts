import { ProgramRun, runWarehouse, stackConfig } from "../../support/program";
import { ROLES } from "../../../stacks/azure/roles";
import { roleAssignments } from "./helpers";

const HSM_ADMINS = ["2f6c9a1b-7d3e-4b8f-a5c2-6e1d9b4f7a30", "8a4d2c6e-1b5f-4e9a-b3d7-0c8e6f2a4b91"];

describe("Azure key management with a Managed HSM", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        const settings = JSON.parse(stackConfig("azure-prod")["warehouse:azure"]);
        run = await runWarehouse({ stack: "azure-prod", config: {
            "warehouse:azure": { ...settings, keyService: "managed-hsm", managedHsmAdminObjectIds: HSM_ADMINS },
        } });
    });

    test("declares a purge-protected, private Managed HSM with its initial administrators, and no vault", () => {
        expect(run.ofType("azure-native:keyvault:Vault")).toHaveLength(0);
        const hsm = run.one("azure-native:keyvault:ManagedHsm");
        expect(hsm.protect).toBe(true);
        expect(hsm.inputs.sku).toEqual({ family: "B", name: "Standard_B1" });
        expect(hsm.inputs.properties).toMatchObject({
            initialAdminObjectIds: HSM_ADMINS, enablePurgeProtection: true, enableSoftDelete: true,
            softDeleteRetentionInDays: 90, publicNetworkAccess: "Disabled",
            networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
        });
        const endpoint = run.ofType("azure-native:network:PrivateEndpoint")
            .find(e => e.inputs.privateLinkServiceConnections[0].groupIds[0] === "managedhsm");
        expect(endpoint).toBeDefined();
        expect(run.ofType("azure-native:privatedns:PrivateZone").map(z => z.inputs.privateZoneName))
            .toContain("privatelink.managedhsm.azure.net");
    });

    test("creates the HSM's RSA-HSM keys through ARM with the same rotation policy", () => {
        const keys = run.ofType("azure-native:resources:Resource");
        expect(keys).toHaveLength(6);
        for (const key of keys) {
            expect(key.protect).toBe(true);
            expect(key.inputs).toMatchObject({ resourceProviderNamespace: "Microsoft.KeyVault",
                parentResourcePath: "managedHSMs/hsm-hdh-prod", resourceType: "keys" });
            // The AKS KMS key's versions never expire (KMS pins one); every other key's do.
            expect(key.inputs.properties).toMatchObject({ kty: "RSA-HSM", keySize: 3072,
                rotationPolicy: key.inputs.resourceName === "aks-kms" ? { lifetimeActions: [expect.anything()] }
                    : { attributes: { expiryTime: "P120D" } } });
        }
        expect(keys.find(k => k.inputs.resourceName === "aks-kms")!.inputs.properties.rotationPolicy.attributes).toBeUndefined();
    });

    test("grants no ARM role on HSM keys (the HSM's local RBAC governs them) and points services at the HSM", () => {
        const keyRoles = [ROLES.keyVaultCryptoServiceEncryptionUser, ROLES.keyVaultCryptoUser, ROLES.keyVaultContributor];
        expect(roleAssignments(run).filter(a => (keyRoles as string[]).includes(a.role))).toEqual([]);
        const account = run.one("azure-native:storage:StorageAccount");
        expect(account.inputs.encryption.keyVaultProperties)
            .toEqual({ keyName: "platform", keyVaultUri: "https://hsm-hdh-prod.managedhsm.azure.net/" });
        const cluster = run.one("azure-native:containerservice:ManagedCluster");
        expect(cluster.inputs.securityProfile.azureKeyVaultKms.keyId)
            .toBe("https://hsm-hdh-prod.managedhsm.azure.net/keys/aks-kms/0a1b2c3d4e5f");
    });
});
