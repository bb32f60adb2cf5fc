import { ProgramRun, runWarehouse } from "../../support/program";

describe("Azure catalogue (azure-prod)", () => {
    let run: ProgramRun;
    let server: any;
    beforeAll(async () => {
        run = await runWarehouse({ stack: "azure-prod" });
        server = run.one("azure-native:dbforpostgresql:Server");
    });

    test("a PostgreSQL flexible server of the configured version, tier and size, protected", () => {
        expect(server.protect).toBe(true);
        expect(server.inputs).toMatchObject({ serverName: "psql-hdh-prod-catalog", version: "16",
            sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
            storage: { storageSizeGB: 64, autoGrow: "Enabled" } });
        const database = run.one("azure-native:dbforpostgresql:Database");
        expect(database.inputs.databaseName).toBe("catalog");
        expect(database.protect).toBe(true);
    });

    test("lives in the delegated subnet behind its private DNS zone, with no public access", () => {
        const subnet = run.ofType("azure-native:network:Subnet").find(s => s.inputs.subnetName === "snet-database")!;
        const zone = run.ofType("azure-native:privatedns:PrivateZone")
            .find(z => z.inputs.privateZoneName.endsWith(".postgres.database.azure.com"))!;
        expect(server.inputs.network).toEqual({ delegatedSubnetResourceId: `${subnet.name}-id`,
            privateDnsZoneArmResourceId: `${zone.name}-id`, publicNetworkAccess: "Disabled" });
        const link = run.ofType("azure-native:privatedns:VirtualNetworkLink").find(l => l.name === `${zone.name}-link`)!;
        expect(server.dependencies).toContain(link.urn);
    });

    test("authenticates with Entra ID only, administered by the configured group", () => {
        expect(server.inputs.authConfig).toEqual({ activeDirectoryAuth: "Enabled", passwordAuth: "Disabled",
            tenantId: "7c1d5f4e-2b8a-4c3d-9e6f-1a2b3c4d5e6f" });
        expect(server.inputs.administratorLoginPassword).toBeUndefined();
        expect(run.one("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra").inputs).toMatchObject({
            objectId: "9d3a6b2c-5e1f-4c7a-8b9d-2e4f6a8c0b13", principalName: "grp-hdh-catalog-admins", principalType: "group" });
    });

    test("encrypts data with the platform key through the encryption identity", () => {
        const identity = run.ofType("azure-native:managedidentity:UserAssignedIdentity")
            .find(i => i.inputs.resourceName === "id-hdh-prod-encryption")!;
        expect(server.inputs.dataEncryption).toEqual({ type: "AzureKeyVault",
            primaryKeyURI: "https://kv-hdh-prod.vault.azure.net/keys/platform",
            primaryUserAssignedIdentityId: `${identity.name}-id` });
        expect(server.inputs.identity).toEqual({ type: "UserAssigned",
            userAssignedIdentities: { [`${identity.name}-id`]: {} } });
    });

    test("zone-redundant high availability, backups kept in the region", () => {
        expect(server.inputs).toMatchObject({ availabilityZone: "1",
            highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: "2" },
            backup: { geoRedundantBackup: "Disabled", backupRetentionDays: 35 } });
    });

    test("tells workloads where the catalogue is and opens only port 5432 to its subnet", () => {
        const config = run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.namespace === "rp-diabfr")!;
        expect(config.inputs.data).toMatchObject({ CATALOG_HOST: "psql-hdh-prod-catalog.postgres.database.azure.com",
            CATALOG_DATABASE: "catalog", CATALOG_PORT: "5432", CATALOG_AUTH: "entra-id" });
        expect(run.outputs.outputs.endpoints.catalog).toEqual({
            url: "postgres://psql-hdh-prod-catalog.postgres.database.azure.com:5432/catalog", private: true });
    });
});

describe("Azure catalogue, enterprise tier", () => {
    test("maps the enterprise tier to memory-optimised compute", async () => {
        const run = await runWarehouse({ stack: "azure-prod",
            config: { "warehouse:catalog": { version: "17", tier: "enterprise", storageGb: 256 } } });
        expect(run.one("azure-native:dbforpostgresql:Server").inputs).toMatchObject({ version: "17",
            sku: { tier: "MemoryOptimized", name: "Standard_E8ds_v5" }, storage: { storageSizeGB: 256 } });
    });
});
