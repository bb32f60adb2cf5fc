// Key management on Azure: Key Vault Premium (RSA-HSM keys) or a Managed HSM, reachable only through a private
// endpoint; one platform key and one key per research project, rotated by policy; the identities that use them.
// Custody stays with Microsoft in both cases (they operate the HSMs): this target can offer no more, and says so.

import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as resources from "@pulumi/azure-native/resources";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { input } from "@pulumi/azure-native/types";
import { BlockContext, Endpoint, KeyManagement, ServicePlace, WorkloadAccess } from "../../components/target";
import { KeySpec, ResearchProject } from "../../components/model";
import { AzureNetwork, ENDPOINTS_SUBNET } from "./network";
import { AzureNames, PLATFORM_KEY_NAME, projectKeyName } from "./naming";
import { AzureSettings } from "./settings";
import { grant } from "./roles";

export interface AzureKeysArgs {
    readonly ctx: BlockContext & { network: AzureNetwork };
    readonly names: AzureNames;
    readonly settings: AzureSettings;
}

/** A key as the services that encrypt with it need it. */
export interface AzureKey {
    readonly name: string;
    /** ARM id: the scope of role assignments on this key alone. */
    readonly resourceId: pulumi.Output<string>;
    /** Without version: services that follow rotation by themselves (storage, encryption scopes). */
    readonly uri: pulumi.Output<string>;
    /** With version: services that must be told the new version (disk encryption set, KMS, PostgreSQL). */
    readonly versionedUri: pulumi.Output<string>;
}

/** A research project's workload identity: federated with its service account by the compute block. */
export interface ProjectIdentity {
    readonly name: pulumi.Output<string>;
    readonly resourceId: pulumi.Output<string>;
    readonly principalId: pulumi.Output<string>;
    readonly clientId: pulumi.Output<string>;
}

/** Azure's rotation policy refuses to rotate sooner than 7 days after a version is created. */
export const MIN_ROTATION_DAYS = 7;
/** A rotated-out version stays usable this long, so that every service re-wraps before it expires. */
export const EXPIRY_GRACE_DAYS = 30;
/** Operators are notified this long before a version expires (which means rotation did not happen). */
export const NOTIFY_BEFORE_EXPIRY_DAYS = 14;

/** Platform key operations: wrap/unwrap for storage, disks and PostgreSQL. */
const PLATFORM_KEY_OPS = ["wrapKey", "unwrapKey"];
/** The AKS KMS key's operations: the KMS plugin encrypts and decrypts the data encryption keys of etcd secrets. */
const KMS_KEY_OPS = ["encrypt", "decrypt"];
export const KMS_KEY_NAME = "aks-kms";
/** Project key operations: wrap/unwrap only (encryption scope and workloads wrapping their data keys). */
const PROJECT_KEY_OPS = ["wrapKey", "unwrapKey"];

/**
 * The key properties shared by both key services: RSA-HSM, the spec's size, rotated by policy. Versions expire
 * (`expiring`) only where every consumer follows the key's latest version by itself: storage and encryption scopes
 * with a versionless key URI, the disk encryption set with automatic rotation, PostgreSQL with a versionless
 * `primaryKeyURI`. AKS KMS is pinned to one version (its keyId must carry it): its key's versions never expire,
 * so a rotation that nobody has applied to the cluster yet cannot lock etcd's secrets (docs/deploy-azure.md).
 */
export function keyProperties(keys: KeySpec, keyOps: string[], expiring = true): input.keyvault.KeyPropertiesArgs {
    const rotate = { trigger: { timeAfterCreate: `P${keys.rotationDays}D` }, action: { type: "rotate" as const } };
    return {
        kty: "RSA-HSM",
        keySize: keys.size,
        keyOps,
        rotationPolicy: expiring ? {
            attributes: { expiryTime: `P${keys.rotationDays + EXPIRY_GRACE_DAYS}D` },
            lifetimeActions: [
                rotate,
                { trigger: { timeBeforeExpiry: `P${NOTIFY_BEFORE_EXPIRY_DAYS}D` }, action: { type: "notify" as const } },
            ],
        } : { lifetimeActions: [rotate] },
    };
}

export class AzureKeys extends pulumi.ComponentResource implements KeyManagement {
    readonly endpoint: Endpoint;
    readonly scheme = "customer-managed-key" as const;
    readonly platformKeyId: pulumi.Output<string>;
    readonly keyService: AzureSettings["keyService"];
    /** ARM id of the vault or HSM. */
    readonly serviceId: pulumi.Output<string>;
    /** `https://<vault>.vault.azure.net/` or `https://<hsm>.managedhsm.azure.net/`. */
    readonly serviceUri: pulumi.Output<string>;
    readonly platformKey: AzureKey;
    /** AKS KMS encrypts etcd's secrets with this key, pinned to a version; its versions never expire. */
    readonly kmsKey: AzureKey;
    /** Written by addProject; the public records below are read-only views of these. */
    private readonly added = {
        keys: {} as Record<string, AzureKey>,
        keyIds: {} as Record<string, pulumi.Output<string>>,
        identities: {} as Record<string, ProjectIdentity>,
        encryptionReady: {} as Record<string, pulumi.Resource[]>,
    };
    readonly projectKeys: Readonly<Record<string, AzureKey>> = this.added.keys;
    readonly projectKeyIds: Readonly<Record<string, pulumi.Output<string>>> = this.added.keyIds;
    /** The identity storage, disks and the database encrypt with (wrap/unwrap on the platform and project keys). */
    readonly encryptionIdentity: managedidentity.UserAssignedIdentity;
    readonly projectIdentities: Readonly<Record<string, ProjectIdentity>> = this.added.identities;
    /** What must exist before a service may encrypt with the platform key (role assignments). */
    readonly encryptionReady: pulumi.Resource[];
    /** Per project, what must exist before the storage account may encrypt with the project's key. */
    readonly projectEncryptionReady: Readonly<Record<string, readonly pulumi.Resource[]>> = this.added.encryptionReady;
    private readonly subnets: { endpoints: string };
    /** The service's host name, which the private DNS zone answers inside the VNet. */
    private readonly vaultHost: string;
    /** What `addProject` builds with: the block's name, names, tags and key service, fixed by the constructor. */
    private readonly build: {
        readonly name: string; readonly names: AzureNames; readonly tags: Record<string, string>;
        readonly resourceGroupName: pulumi.Output<string>; readonly location: pulumi.Input<string>;
        readonly rbac: boolean;
        readonly makeKey: (keyName: string, keyOps: string[], keyTags: Record<string, string>, expiring?: boolean) => AzureKey;
    };

    constructor(name: string, args: AzureKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:azure:Keys", name, {}, opts);
        const { ctx, names, settings } = args;
        const { network } = ctx;
        const tags = { ...ctx.labels };
        const child = { parent: this };
        const stateful = { ...child, protect: ctx.protect };
        const rg = network.resourceGroupName;
        this.keyService = settings.keyService;
        this.subnets = { endpoints: network.subnets.endpoints };

        const networkAcls = {
            defaultAction: "Deny",
            // Storage, disk encryption sets and PostgreSQL reach keys as trusted Azure services, not through the
            // VNet; without this bypass they could not unwrap their data keys.
            bypass: "AzureServices",
        };

        let makeKey: (keyName: string, keyOps: string[], keyTags: Record<string, string>, expiring?: boolean) => AzureKey;
        if (settings.keyService === "managed-hsm") {
            const hsm = new keyvault.ManagedHsm(`${name}-hsm`, {
                name: names.managedHsm, resourceGroupName: rg, location: network.location, tags,
                sku: { family: "B", name: "Standard_B1" },
                properties: {
                    tenantId: settings.tenantId,
                    initialAdminObjectIds: settings.managedHsmAdminObjectIds,
                    enableSoftDelete: true, softDeleteRetentionInDays: 90, enablePurgeProtection: true,
                    publicNetworkAccess: "Disabled", networkAcls,
                },
            }, stateful);
            this.serviceId = hsm.id;
            this.serviceUri = hsm.properties.apply(p => p.hsmUri ?? "");
            network.privateEndpoint(`${name}-hsm`, hsm.id, "managedhsm", tags, child);
            // azure-native has no typed Managed HSM key; ARM's managedHSMs/keys resource is declared generically.
            makeKey = (keyName, keyOps, keyTags, expiring) => {
                const key = new resources.Resource(`${name}-${keyName}`, {
                    resourceProviderNamespace: "Microsoft.KeyVault", parentResourcePath: pulumi.interpolate`managedHSMs/${hsm.name}`,
                    resourceType: "keys", resourceName: keyName, apiVersion: "2023-07-01", resourceGroupName: rg,
                    tags: keyTags, properties: keyProperties(ctx.spec.keys, keyOps, expiring),
                }, { ...stateful, dependsOn: [hsm] });
                const props = key.properties as pulumi.Output<any>;
                return {
                    name: keyName, resourceId: key.id,
                    uri: props.apply(p => String(p?.keyUri ?? "")),
                    versionedUri: props.apply(p => String(p?.keyUriWithVersion ?? "")),
                };
            };
        } else {
            const vault = new keyvault.Vault(`${name}-vault`, {
                vaultName: names.keyVault, resourceGroupName: rg, location: network.location, tags,
                properties: {
                    tenantId: settings.tenantId,
                    sku: { family: "A", name: "premium" },
                    enableRbacAuthorization: true,
                    enableSoftDelete: true, softDeleteRetentionInDays: 90, enablePurgeProtection: true,
                    publicNetworkAccess: "disabled", networkAcls,
                    enabledForDeployment: false, enabledForDiskEncryption: false, enabledForTemplateDeployment: false,
                },
            }, stateful);
            this.serviceId = vault.id;
            this.serviceUri = vault.properties.apply(p => p.vaultUri ?? "");
            network.privateEndpoint(`${name}-vault`, vault.id, "vault", tags, child);
            makeKey = (keyName, keyOps, keyTags, expiring) => {
                const key = new keyvault.Key(`${name}-${keyName}`, {
                    keyName, vaultName: vault.name, resourceGroupName: rg, tags: keyTags,
                    properties: keyProperties(ctx.spec.keys, keyOps, expiring),
                }, stateful);
                return { name: keyName, resourceId: key.id, uri: key.keyUri, versionedUri: key.keyUriWithVersion };
            };
        }

        this.platformKey = makeKey(PLATFORM_KEY_NAME, PLATFORM_KEY_OPS, { ...tags, purpose: "platform" });
        this.kmsKey = makeKey(KMS_KEY_NAME, KMS_KEY_OPS, { ...tags, purpose: "kubernetes-secrets" }, false);
        this.encryptionIdentity = new managedidentity.UserAssignedIdentity(`${name}-encryption-identity`, {
            resourceName: `id-${names.prefix}-encryption`, resourceGroupName: rg, location: network.location, tags,
        }, child);

        // Azure RBAC reaches Key Vault keys; a Managed HSM authorises data operations with its own local RBAC,
        // granted by its administrators after activation (docs/deploy-azure.md).
        const rbac = settings.keyService === "key-vault-premium";
        const encryptor = this.encryptionIdentity.principalId;
        this.encryptionReady = rbac ? [grant(`${name}-encryption-platform`, {
            role: "keyVaultCryptoServiceEncryptionUser", principalId: encryptor, scope: this.platformKey.resourceId,
            description: "Storage, disks and the catalogue wrap their data keys with the platform key",
        }, child)] : [];

        this.build = { name, names, tags, resourceGroupName: rg, location: network.location, rbac, makeKey };

        this.endpoint = { url: this.serviceUri, private: true };
        this.vaultHost = settings.keyService === "managed-hsm"
            ? `${names.managedHsm}.managedhsm.azure.net` : `${names.keyVault}.vault.azure.net`;
        this.platformKeyId = this.platformKey.uri;
        this.registerOutputs({ endpoint: this.serviceUri, platformKeyId: this.platformKeyId });
    }

    /** The project's key, its workload identity, and the grants that let the storage account and it use the key. */
    addProject(project: ResearchProject): void {
        const { name, names, tags, rbac, makeKey } = this.build;
        const child = { parent: this };
        const key = makeKey(projectKeyName(project.id), PROJECT_KEY_OPS, { ...tags, "research-project": project.id });
        const identity = new managedidentity.UserAssignedIdentity(`${name}-${project.id}-identity`, {
            resourceName: `id-${names.prefix}-${project.id}`, resourceGroupName: this.build.resourceGroupName,
            location: this.build.location, tags: { ...tags, "research-project": project.id },
        }, child);
        this.added.keys[project.id] = key;
        this.added.keyIds[project.id] = key.uri;
        this.added.identities[project.id] = {
            name: identity.name, resourceId: identity.id, principalId: identity.principalId, clientId: identity.clientId,
        };
        this.added.encryptionReady[project.id] = rbac ? [
            grant(`${name}-encryption-${project.id}`, {
                role: "keyVaultCryptoServiceEncryptionUser", principalId: this.encryptionIdentity.principalId,
                scope: key.resourceId,
                description: `The storage account wraps project ${project.id}'s container data with its key`,
            }, child),
        ] : [];
        if (rbac) {
            grant(`${name}-${project.id}-key-user`, {
                role: "keyVaultCryptoUser", principalId: identity.principalId, scope: key.resourceId,
                description: `Workloads of project ${project.id} use its key, and no other`,
            }, child);
        }
    }

    place(_projectId?: string): ServicePlace {
        const zone = this.keyService === "managed-hsm" ? "privatelink.managedhsm.azure.net" : "privatelink.vaultcore.azure.net";
        return {
            description: this.keyService === "managed-hsm" ? "the Managed HSM (private endpoint)" : "the key vault (private endpoint)",
            place: { addresses: [this.subnets.endpoints], subnet: ENDPOINTS_SUBNET, dns: { name: this.vaultHost, privateZone: zone } },
            ports: [{ protocol: "TCP", port: 443 }],
        };
    }

    access(projectId: string): WorkloadAccess {
        const key = this.projectKeys[projectId];
        return {
            settings: { AZURE_KEY_VAULT_URI: this.serviceUri, AZURE_KEY_NAME: key.name, AZURE_KEY_ID: key.uri },
            secrets: {},
            // The project's identity (and its client-id annotation) comes with storage access.
            serviceAccountAnnotations: {},
            egress: [{ description: "key service private endpoint (HTTPS)", cidr: this.subnets.endpoints, ports: [443] }],
        };
    }
}
