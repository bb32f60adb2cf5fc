// Storage on Azure: one ADLS Gen2 account, zone-redundant in the region (no geo pair), encrypted with the platform
// key and infrastructure encryption, reachable only through private endpoints and Entra ID (no shared keys).
// Containers per zone and per project; each project's container is encrypted under its own key (an encryption
// scope), so destroying that key crypto-shreds the project. The raw zone is immutable for its retention.

import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { BlockContext, Endpoint, ServicePlace, Storage, WorkloadAccess } from "../../components/target";
import { ResearchProject } from "../../components/model";
import { AzureNetwork, ENDPOINTS_SUBNET } from "./network";
import { AzureKeys } from "./keys";
import { AzureNames, projectContainer } from "./naming";
import { grant } from "./roles";

export interface AzureStorageArgs {
    readonly ctx: BlockContext & { network: AzureNetwork; keys: AzureKeys };
    readonly names: AzureNames;
}

export const ZONE_CONTAINERS = { raw: "raw", curated: "curated" } as const;
/** Deleted containers stay restorable this long; deleted blobs at least this long. */
export const SOFT_DELETE_DAYS = 30;
/** The longest soft-delete retention Azure accepts. */
export const MAX_SOFT_DELETE_DAYS = 365;

export class AzureStorage extends pulumi.ComponentResource implements Storage {
    readonly endpoint: Endpoint;
    readonly zoneBuckets: { readonly raw: pulumi.Output<string>; readonly curated: pulumi.Output<string> };
    /** Written by addProject. */
    private readonly buckets: Record<string, pulumi.Output<string>> = {};
    readonly projectBuckets: Readonly<Record<string, pulumi.Output<string>>> = this.buckets;
    readonly accountName: pulumi.Output<string>;
    private readonly keys: AzureKeys;
    private readonly blockName: string;
    private readonly protect: boolean;
    private readonly resourceGroupName: AzureNetwork["resourceGroupName"];
    private readonly container: (suffix: string, containerName: string, extra?: Partial<storage.BlobContainerArgs>,
                                 dependsOn?: readonly pulumi.Resource[]) => storage.BlobContainer;
    private readonly endpointsCidr: string;
    private readonly accountHost: string;
    private readonly dfsEndpoint: pulumi.Output<string>;

    constructor(name: string, args: AzureStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:azure:Storage", name, {}, opts);
        const { ctx, names } = args;
        const { network, keys, spec } = ctx;
        const tags = { ...ctx.labels };
        const child = { parent: this };
        const stateful = { ...child, protect: ctx.protect };
        const rg = network.resourceGroupName;
        this.keys = keys;
        this.blockName = name;
        this.protect = ctx.protect;
        this.resourceGroupName = rg;
        this.endpointsCidr = network.subnets.endpoints;
        this.accountHost = names.storageAccount;

        const account = new storage.StorageAccount(`${name}-account`, {
            accountName: names.storageAccount, resourceGroupName: rg, location: network.location, tags,
            kind: "StorageV2",
            // Three copies across the region's zones; GRS would copy to the paired region, which is not ours to pick.
            sku: { name: "Standard_ZRS" },
            accessTier: "Hot",
            isHnsEnabled: true,
            identity: { type: "UserAssigned", userAssignedIdentities: [keys.encryptionIdentity.id] },
            encryption: {
                keySource: "Microsoft.Keyvault",
                keyVaultProperties: { keyName: keys.platformKey.name, keyVaultUri: keys.serviceUri },
                encryptionIdentity: { encryptionUserAssignedIdentity: keys.encryptionIdentity.id },
                requireInfrastructureEncryption: true,
                services: {
                    blob: { enabled: true, keyType: "Account" },
                    file: { enabled: true, keyType: "Account" },
                    queue: { enabled: true, keyType: "Account" },
                    table: { enabled: true, keyType: "Account" },
                },
            },
            publicNetworkAccess: "Disabled",
            networkRuleSet: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowBlobPublicAccess: false,
            allowCrossTenantReplication: false,
            // Copies (server-side) only from accounts reached through our private endpoints.
            allowedCopyScope: "PrivateLink",
            minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true,
            isLocalUserEnabled: false,
            isSftpEnabled: false,
        }, { ...stateful, dependsOn: keys.encryptionReady });
        this.accountName = account.name;

        // A hierarchical-namespace account has no blob versioning (learn.microsoft.com/azure/storage/blobs/
        // versioning-overview; storage-feature-support-in-storage-accounts; terraform-provider-azurerm refuses the
        // combination at plan time), so no lifecycle rule on versions either. What holds on HNS: blob and directory
        // soft delete kept as long as the curated zone's old versions would be (learn.microsoft.com/azure/storage/
        // blobs/soft-delete-blob-overview), and the raw zone's time-based immutability policy below. The account
        // stays HNS: production data lives in it, and HNS cannot be turned off (docs/deploy-azure.md).
        const blobService = new storage.BlobServiceProperties(`${name}-blob-service`, {
            accountName: account.name, resourceGroupName: rg, blobServicesName: "default",
            isVersioningEnabled: false,
            deleteRetentionPolicy: { enabled: true, days: softDeleteDays(spec.zones.curated.noncurrentVersionDays) },
            containerDeleteRetentionPolicy: { enabled: true, days: SOFT_DELETE_DAYS },
        }, child);

        const container = (suffix: string, containerName: string, extra: Partial<storage.BlobContainerArgs> = {},
                           dependsOn: readonly pulumi.Resource[] = []) =>
            new storage.BlobContainer(`${name}-${suffix}`, {
                containerName, accountName: account.name, resourceGroupName: rg, publicAccess: "None", ...extra,
            }, { ...stateful, dependsOn: [blobService, ...dependsOn] });
        this.container = container;

        const raw = container("raw", ZONE_CONTAINERS.raw);
        const curated = container("curated", ZONE_CONTAINERS.curated);
        // Unlocked at creation so that a wrong period can be fixed; locking is a deliberate, irreversible step
        // (docs/deploy-azure.md). Once locked, nobody, Microsoft included, can shorten it or delete the data.
        new storage.BlobContainerImmutabilityPolicy(`${name}-raw-immutability`, {
            accountName: account.name, resourceGroupName: rg, containerName: raw.name,
            immutabilityPolicyName: "default",
            immutabilityPeriodSinceCreationInDays: spec.zones.raw.retentionDays,
            allowProtectedAppendWrites: false,
        }, stateful);

        network.privateEndpoint(`${name}-blob`, account.id, "blob", tags, child);
        network.privateEndpoint(`${name}-dfs`, account.id, "dfs", tags, child);

        const endpoints = account.primaryEndpoints;
        this.endpoint = { url: endpoints.apply(e => e.blob), private: true };
        this.dfsEndpoint = endpoints.apply(e => e.dfs);
        this.zoneBuckets = { raw: raw.name, curated: curated.name };
        this.registerOutputs({ endpoint: this.endpoint.url, accountName: this.accountName });
    }

    /**
     * The project's container, encrypted under its own key through an encryption scope that no client may override,
     * and its workload identity's access to that container alone.
     */
    addProject(project: ResearchProject): void {
        const name = this.blockName;
        const key = this.keys.projectKeys[project.id];
        const scope = new storage.EncryptionScope(`${name}-${project.id}-scope`, {
            encryptionScopeName: projectContainer(project.id), accountName: this.accountName,
            resourceGroupName: this.resourceGroupName,
            source: "Microsoft.KeyVault", state: "Enabled",
            keyVaultProperties: { keyUri: key.uri },
            requireInfrastructureEncryption: true,
        }, { parent: this, protect: this.protect, dependsOn: [...this.keys.projectEncryptionReady[project.id]] });
        const projectBucket = this.container(project.id, projectContainer(project.id), {
            defaultEncryptionScope: scope.name,
            // Every blob of the project is under the project's key: no client may pick another scope.
            denyEncryptionScopeOverride: true,
            metadata: { research_project: project.id },
        }, [scope]);
        grant(`${name}-${project.id}-container`, {
            role: "storageBlobDataContributor", principalId: this.keys.projectIdentities[project.id].principalId,
            scope: projectBucket.id,
            description: `Workloads of project ${project.id} read and write its container, and no other`,
        }, { parent: this });
        this.buckets[project.id] = projectBucket.name;
    }

    place(_projectId?: string): ServicePlace {
        return {
            description: "the storage account (blob private endpoint)",
            place: { addresses: [this.endpointsCidr], subnet: ENDPOINTS_SUBNET,
                dns: { name: `${this.accountHost}.blob.core.windows.net`, privateZone: "privatelink.blob.core.windows.net" } },
            ports: [{ protocol: "TCP", port: 443 }],
        };
    }

    access(projectId: string): WorkloadAccess {
        const identity = this.keys.projectIdentities[projectId];
        return {
            settings: {
                AZURE_STORAGE_ACCOUNT: this.accountName,
                AZURE_STORAGE_CONTAINER: this.projectBuckets[projectId],
                AZURE_STORAGE_BLOB_ENDPOINT: this.endpoint.url,
                AZURE_STORAGE_DFS_ENDPOINT: this.dfsEndpoint,
            },
            // Workload identity: pods exchange their service-account token for an Entra ID token; no secret.
            secrets: {},
            serviceAccountAnnotations: { "azure.workload.identity/client-id": identity.clientId },
            egress: [{ description: "storage private endpoints (blob, dfs; HTTPS)", cidr: this.endpointsCidr, ports: [443] }],
        };
    }
}

/** Deleted or overwritten blobs stay restorable as long as the curated zone keeps old versions, and a month at least. */
export function softDeleteDays(noncurrentVersionDays: number): number {
    return Math.max(SOFT_DELETE_DAYS, noncurrentVersionDays);
}
