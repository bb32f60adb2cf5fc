// The catalogue on Azure: a PostgreSQL flexible server inside the VNet (delegated subnet, private DNS zone), no
// public access, Entra ID authentication only, data encrypted with the platform key, zone-redundant HA, backups
// kept in the region.

import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { BlockContext, CatalogDatabase, Endpoint, Place, ServicePlace, WorkloadAccess } from "../../components/target";
import { AzureNetwork, DATABASE_SUBNET } from "./network";
import { AzureKeys } from "./keys";
import { AzureNames } from "./naming";
import { AzureRegion } from "./regions";
import { AzureSettings } from "./settings";
import { CATALOG_SKUS } from "./sizing";

export interface AzureCatalogArgs {
    readonly ctx: BlockContext & { network: AzureNetwork; keys: AzureKeys };
    readonly names: AzureNames;
    readonly region: AzureRegion;
    readonly settings: AzureSettings;
}

export const CATALOG_DATABASE = "catalog";
export const CATALOG_PORT = 5432;
/** The longest point-in-time restore window the service offers. */
export const BACKUP_RETENTION_DAYS = 35;

export class AzureCatalog extends pulumi.ComponentResource implements CatalogDatabase {
    readonly endpoint: Endpoint;
    readonly databaseName: pulumi.Output<string>;
    readonly host: pulumi.Output<string>;
    private readonly databaseCidr: string;
    private readonly serverName: string;
    private readonly dnsZone: string;
    /** The server calls the key vault itself (customer-managed key), from its delegated subnet. */
    readonly keyClient: Place;

    constructor(name: string, args: AzureCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:azure:Catalog", name, {}, opts);
        const { ctx, names, region, settings } = args;
        const { network, keys, spec } = ctx;
        const tags = { ...ctx.labels };
        const child = { parent: this };
        const stateful = { ...child, protect: ctx.protect };
        const rg = network.resourceGroupName;
        this.databaseCidr = network.subnets.database;
        this.serverName = names.catalogServer;
        this.dnsZone = names.catalogDnsZone;
        this.keyClient = { addresses: [network.subnets.database], subnet: DATABASE_SUBNET };

        const sku = CATALOG_SKUS[spec.catalog.tier];
        const server = new dbforpostgresql.Server(`${name}-server`, {
            serverName: names.catalogServer, resourceGroupName: rg, location: network.location, tags,
            version: spec.catalog.version,
            sku: { name: sku.name, tier: sku.tier },
            storage: { storageSizeGB: spec.catalog.storageGb, autoGrow: "Enabled" },
            network: {
                delegatedSubnetResourceId: network.databaseSubnetId,
                privateDnsZoneArmResourceId: network.catalogDnsZoneId,
                publicNetworkAccess: "Disabled",
            },
            // Entra ID only: no password exists that could leak, and access follows group membership.
            authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: settings.tenantId },
            identity: {
                type: "UserAssigned",
                userAssignedIdentities: keys.encryptionIdentity.id.apply(id => ({ [id]: {} })),
            },
            // Versionless: the server follows the key's rotations by itself and never uses an expired version
            // (learn.microsoft.com/azure/postgresql/flexible-server/concepts-data-encryption, automatic key version
            // updates with a versionless key URI).
            dataEncryption: {
                type: "AzureKeyVault",
                primaryKeyURI: keys.platformKey.uri,
                primaryUserAssignedIdentityId: keys.encryptionIdentity.id,
            },
            // Geo-redundant backups would land in the paired region (francesouth) and need a second key there; the
            // backups stay zone-redundant in the region instead, like the data.
            backup: { backupRetentionDays: BACKUP_RETENTION_DAYS, geoRedundantBackup: "Disabled" },
            availabilityZone: region.zones[0],
            highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: region.zones[1] },
        }, { ...stateful, dependsOn: [...keys.encryptionReady, network.catalogDnsLink] });

        new dbforpostgresql.AdministratorsMicrosoftEntra(`${name}-admin`, {
            serverName: server.name, resourceGroupName: rg,
            objectId: settings.catalogAdminGroup.objectId,
            principalName: settings.catalogAdminGroup.displayName,
            // The API's enum spells it `group` (azure-native enums.dbforpostgresql.PrincipalType).
            principalType: dbforpostgresql.PrincipalType.Group, tenantId: settings.tenantId,
        }, child);

        const database = new dbforpostgresql.Database(`${name}-database`, {
            databaseName: CATALOG_DATABASE, serverName: server.name, resourceGroupName: rg,
            charset: "UTF8", collation: "en_US.utf8",
        }, stateful);

        this.host = server.fullyQualifiedDomainName;
        this.databaseName = database.name;
        this.endpoint = {
            url: pulumi.interpolate`postgres://${server.fullyQualifiedDomainName}:${CATALOG_PORT}/${database.name}`,
            private: true,
        };
        this.registerOutputs({ endpoint: this.endpoint.url, databaseName: this.databaseName });
    }

    place(): ServicePlace {
        return {
            description: "the catalogue (PostgreSQL, delegated subnet)",
            place: { addresses: [this.databaseCidr], subnet: DATABASE_SUBNET,
                dns: { name: `${this.serverName}.postgres.database.azure.com`, privateZone: this.dnsZone } },
            ports: [{ protocol: "TCP", port: CATALOG_PORT }],
        };
    }

    access(_projectId: string): WorkloadAccess {
        return {
            settings: {
                CATALOG_HOST: this.host, CATALOG_PORT: `${CATALOG_PORT}`, CATALOG_DATABASE: this.databaseName,
                // Workloads sign in with their project identity's Entra ID token as the password.
                CATALOG_AUTH: "entra-id", CATALOG_SSLMODE: "require",
            },
            secrets: {},
            serviceAccountAnnotations: {},
            egress: [{ description: "catalogue database (PostgreSQL)", cidr: this.databaseCidr, ports: [CATALOG_PORT] }],
        };
    }
}
