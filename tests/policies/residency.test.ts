// Residency over the catalogue of resource types, through a real pack process: every field that names a region, the
// provider's location when the resource names none, display names, versioned API types, global private DNS, and
// data stores of providers the pack has no catalogue for. Resources are written as a program would declare them,
// typed against the installed SDKs; each rule has a passing and a failing twin.

import type * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import type * as sql from "@pulumi/azure-native/sql";
import type * as storage from "@pulumi/azure-native/storage";
import type * as netapp from "@pulumi/azure-native/netapp";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as network from "@pulumi/azure-native/network";
import type * as privatedns from "@pulumi/azure-native/privatedns";
import { PolicyPack } from "../../engine/policy/analyzer";
import { UNKNOWN, failures, of, provider, resource, startPack, statuses } from "./support";

let pack: PolicyPack;
beforeAll(async () => { pack = await startPack(); });
afterAll(async () => { await pack?.stop(); });

/** The default azure-native provider as the engine synthesises it: the stack's `azure-native:*` config as inputs. */
const azureProvider = (location?: string) =>
    provider("azure-native", "default_3_28_0", location === undefined ? { version: "3.28.0" } : { location, version: "3.28.0" });

const analyze = (type: string, props: object, extra: object = {}) =>
    pack.analyze(resource(type, "r", props as Record<string, unknown>, { provider: azureProvider(), ...extra }));

const ACCOUNT = "azure-native:storage:StorageAccount";
const account: storage.StorageAccountArgs = {
    resourceGroupName: "rg", kind: "StorageV2", sku: { name: "Standard_LRS" }, location: "francecentral",
};

describe("every location-bearing field", () => {
    test("a Cosmos DB account replicated to eastus fails on that replica, and passes when every location is in France", async () => {
        const inFrance: cosmosdb.DatabaseAccountArgs = {
            resourceGroupName: "rg", databaseAccountOfferType: "Standard", location: "francecentral",
            locations: [{ locationName: "francecentral", failoverPriority: 0 }, { locationName: "francesouth", failoverPriority: 1 }],
        };
        expect(failures(await analyze("azure-native:cosmosdb:DatabaseAccount", inFrance), "allowed-regions")).toEqual([]);
        const replicated = { ...inFrance, locations: [{ locationName: "francecentral", failoverPriority: 0 }, { locationName: "eastus", failoverPriority: 1 }] };
        const found = failures(await analyze("azure-native:cosmosdb:DatabaseAccount", replicated), "allowed-regions");
        expect(found).toEqual([expect.stringMatching(/`locations\[1\]\.locationName` is in region "eastus" \(US\), outside jurisdiction FR.*set `locations\[1\]\.locationName` to a region of FR \(francecentral, francesouth/)]);
    });
    test("a NetApp volume replicating to another region is judged on that region", async () => {
        const volume = (remoteVolumeRegion: string): netapp.CapacityPoolVolumeArgs => ({
            resourceGroupName: "rg", accountName: "a", poolName: "p", creationToken: "v", subnetId: "s", usageThreshold: 107374182400,
            location: "francecentral",
            dataProtection: { replication: { remoteVolumeResourceId: "/subscriptions/0/x", remoteVolumeRegion } },
        });
        expect(failures(await analyze("azure-native:netapp:CapacityPoolVolume", volume("francesouth")), "replicas-in-jurisdiction")).toEqual([]);
        expect(failures(await analyze("azure-native:netapp:CapacityPoolVolume", volume("eastus")), "replicas-in-jurisdiction"))
            .toEqual([expect.stringMatching(/`dataProtection\.replication\.remoteVolumeRegion`.*"eastus" \(US\)/)]);
    });
    test("geo-redundant backups and SKUs are judged on the paired region, with the local value to set", async () => {
        const db = (location: string, requestedBackupStorageRedundancy: string): sql.DatabaseArgs =>
            ({ resourceGroupName: "rg", serverName: "s", location, requestedBackupStorageRedundancy });
        expect(failures(await analyze("azure-native:sql:Database", db("francecentral", "Geo")), "replicas-in-jurisdiction")).toEqual([]);
        await pack.configure({ "replicas-in-jurisdiction": { jurisdiction: "EU" } });
        try {
            // Italy North has no paired region: a geo-redundant copy goes somewhere the catalogue cannot name.
            expect(failures(await analyze("azure-native:sql:Database", db("italynorth", "Geo")), "replicas-in-jurisdiction"))
                .toEqual([expect.stringMatching(/`requestedBackupStorageRedundancy` is Geo.*Set `requestedBackupStorageRedundancy` to Local or Zone\./)]);
            expect(failures(await analyze("azure-native:sql:Database", db("italynorth", "Zone")), "replicas-in-jurisdiction")).toEqual([]);
            const flexible: dbforpostgresql.ServerArgs = { resourceGroupName: "rg", location: "italynorth", backup: { geoRedundantBackup: "Enabled" } };
            expect(failures(await analyze("azure-native:dbforpostgresql:Server", flexible), "replicas-in-jurisdiction"))
                .toEqual([expect.stringMatching(/`backup\.geoRedundantBackup` is Enabled.*Set `backup\.geoRedundantBackup` to Disabled/)]);
        } finally { await pack.configure({}); }
        expect(failures(await analyze(ACCOUNT, { ...account, location: "westeurope", sku: { name: "Standard_GRS" } }), "replicas-in-jurisdiction"))
            .toEqual([]); // the primary is outside France: allowed-regions reports it, not the copy
    });
});

describe("the provider's location (issue 19, point 1)", () => {
    const server: sql.ServerArgs = { resourceGroupName: "rg", administratorLogin: "admin", minimalTlsVersion: "1.2" };
    test("a resource with no location takes the provider's: francecentral passes, westus fails", async () => {
        expect(failures(await analyze("azure-native:sql:Server", server, { provider: azureProvider("francecentral") }), "allowed-regions")).toEqual([]);
        expect(failures(await analyze("azure-native:sql:Server", server, { provider: azureProvider("westus") }), "allowed-regions"))
            .toEqual([expect.stringMatching(/`location` \(not set on the resource, so the provider's `location` setting applies\) is in region "westus" \(US\).*set `location` on the resource, or the provider's `location` \(azure-native:location\), to a region of FR/)]);
    });
    test("with neither, the check fails closed and says which two settings can fix it", async () => {
        expect(failures(await analyze("azure-native:sql:Server", server), "allowed-regions"))
            .toEqual([expect.stringMatching(/No location is set.*Set `location` on the resource, or `azure-native:location` in the stack configuration/)]);
    });
    test("an explicit provider's location counts too", async () => {
        const explicit = provider("azure-native", "paris", { location: "francecentral" });
        expect(failures(await analyze("azure-native:sql:Server", server, { provider: explicit }), "allowed-regions")).toEqual([]);
    });
    test("a geo-redundant copy is paired with the provider's location", async () => {
        const grs = { ...account, location: undefined, sku: { name: "Standard_RAGRS" } };
        expect(failures(await analyze(ACCOUNT, grs, { provider: azureProvider("francecentral") }), "replicas-in-jurisdiction")).toEqual([]);
    });
});

describe("Azure display names (issue 19, point 3)", () => {
    test('"France Central" is francecentral, "West US" is westus, as Azure reads them', async () => {
        expect(failures(await analyze(ACCOUNT, { ...account, location: "France Central" }), "allowed-regions")).toEqual([]);
        expect(failures(await analyze(ACCOUNT, { ...account, location: undefined }, { provider: azureProvider("France Central") }), "allowed-regions")).toEqual([]);
        expect(failures(await analyze(ACCOUNT, { ...account, location: "West US" }), "allowed-regions"))
            .toEqual([expect.stringMatching(/"West US" \(US\), outside jurisdiction FR/)]);
    });
});

describe("versioned API types (issue 19, point 2)", () => {
    test("a versioned storage account and a v3 local package's are judged as the unversioned type", async () => {
        for (const type of ["azure-native:storage/v20230101:StorageAccount", "azure-native_storage_v20230101:storage/v20230101:StorageAccount"]) {
            expect(failures(await analyze(type, account), "allowed-regions")).toEqual([]);
            expect(failures(await analyze(type, { ...account, location: "westus" }), "allowed-regions")).toHaveLength(1);
            expect(failures(await analyze(type, account), "provider-jurisdiction")).toEqual([expect.stringMatching(/CLOUD Act/)]);
            expect(failures(await analyze(type, { ...account, allowCrossTenantReplication: true }), "replicas-in-jurisdiction")).toHaveLength(1);
        }
    });
    test("a versioned AKS cluster and Key Vault key draw the same findings as the unversioned ones", async () => {
        const cluster = { resourceGroupName: "rg", location: "francecentral", dnsPrefix: "c" };
        const unversioned = await analyze("azure-native:containerservice:ManagedCluster", cluster);
        const versioned = await analyze("azure-native:containerservice/v20240102preview:ManagedCluster", cluster);
        expect(versioned.map(d => d.policyName).sort()).toEqual(unversioned.map(d => d.policyName).sort());
        expect(of(versioned, "provider-jurisdiction")).toHaveLength(1);
        const key = { resourceGroupName: "rg", vaultName: "v", properties: { kty: "RSA", keySize: 2048 } };
        expect(failures(await analyze("azure-native:keyvault/v20230701:Key", key), "key-strength")).toHaveLength(2);
    });
});

describe("global resources (issue 19, point 4)", () => {
    test("private DNS zones and links are global by design, under privatedns or azure-native 2.x's network module", async () => {
        const zone: privatedns.PrivateZoneArgs = { resourceGroupName: "rg", location: "global", privateZoneName: "privatelink.blob.core.windows.net" };
        const link: privatedns.VirtualNetworkLinkArgs = { resourceGroupName: "rg", location: "global", privateZoneName: "z", virtualNetwork: { id: "vnet" } };
        for (const type of ["azure-native:privatedns:PrivateZone", "azure-native:network:PrivateZone", "azure-native:network/v20200601:PrivateZone"]) {
            expect(failures(await analyze(type, zone), "allowed-regions")).toEqual([]);
        }
        expect(failures(await analyze("azure-native:network:VirtualNetworkLink", link), "allowed-regions")).toEqual([]);
    });
    test("anything else that is global fails, naming the setting that allows a type", async () => {
        const vnet: network.VirtualNetworkArgs = { resourceGroupName: "rg", location: "global" };
        expect(failures(await analyze("azure-native:network:VirtualNetwork", vnet), "allowed-regions"))
            .toEqual([expect.stringMatching(/is "global".*allowGlobalTypes setting of allowed-regions/)]);
    });
});

describe("providers without a catalogue (issue 19, point 10)", () => {
    const foreign = (type: string, props: Record<string, unknown> = {}) =>
        pack.analyze(resource(type, "r", props, { provider: provider(type.split(":")[0], "default", {}) }));
    test("an AWS bucket or a Google Cloud SQL instance cannot be placed: it fails closed", async () => {
        for (const type of ["aws:s3/bucket:Bucket", "aws:rds/instance:Instance", "gcp:sql/databaseInstance:DatabaseInstance",
            "gcp:bigquery/dataset:Dataset", "azure:storage/account:Account"]) {
            expect({ type, found: failures(await foreign(type, { region: "eu-west-3" }), "allowed-regions") })
                .toEqual({ type, found: [expect.stringMatching(/^allowed-regions: Cannot establish where this data store is/)] });
        }
    });
    test("resources that hold no data, and components, are not flagged", async () => {
        for (const type of ["random:index/randomPassword:RandomPassword", "tls:index/privateKey:PrivateKey",
            "command:local:Command", "aws:iam/role:Role", "aws:s3/bucketPolicy:BucketPolicy", "gcp:sql/user:User"]) {
            expect({ type, found: await foreign(type) }).toEqual({ type, found: [] });
        }
        expect(await pack.analyze(resource("acme:data:Lake", "lake", {}))).toEqual([]);
    });
});

test("unknown regions fail closed, naming the setting that adds one", async () => {
    const found = failures(await analyze(ACCOUNT, { ...account, location: "francenorth" }), "allowed-regions");
    expect(found).toEqual([expect.stringMatching(/"francenorth", which the azure region catalogue does not know.*`additionalRegions` setting/)]);
    expect(found[0]).not.toMatch(/policies\/|\.ts\b/);
    await pack.configure({ "allowed-regions": { additionalRegions: [{ cloud: "azure", name: "francenorth", country: "FR",
        asOf: "2026-12-01", source: "hypothetical announcement" }] } });
    try {
        expect(failures(await analyze(ACCOUNT, { ...account, location: "francenorth" }), "allowed-regions")).toEqual([]);
    } finally { await pack.configure({}); }
    expect(statuses(await analyze(ACCOUNT, account), "allowed-regions")).toEqual([]);
});

describe("replicas named by reference", () => {
    const group = (partner: string) => ({ resourceGroupName: "rg", serverName: "primary",
        partnerServers: [{ id: partner }], readWriteEndpoint: { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 60 } });
    test("a failover group whose partner server is declared by the program passes: the partner's location is judged", async () => {
        const partner = resource("azure-native:sql:Server", "partner", { resourceGroupName: "rg", location: "francesouth" });
        // In a preview the partner's id is unknown; the engine records which resource it comes from.
        const fg = resource("azure-native:sql:FailoverGroup", "fg", group(UNKNOWN), { propertyDependencies: { partnerServers: [partner.urn] } });
        expect(failures(await pack.analyzeStack([partner, fg]), "replica-partners-placed")).toEqual([]);
        const us = resource("azure-native:sql:Server", "partner", { resourceGroupName: "rg", location: "eastus" });
        expect(failures(await pack.analyze(us), "allowed-regions")).toHaveLength(1);
    });
    test("a failover group to a partner server outside the program fails closed", async () => {
        const id = "/subscriptions/0000/resourceGroups/other/providers/Microsoft.Sql/servers/partner-us";
        const fg = resource("azure-native:sql:FailoverGroup", "fg", group(id));
        expect(failures(await pack.analyzeStack([fg]), "replica-partners-placed"))
            .toEqual([expect.stringMatching(/`partnerServers\[0\]\.id` names .*partner-us, which this program does not declare/)]);
    });
});
