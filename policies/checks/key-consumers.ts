// Services that encrypt with a Key Vault key, where they name it, and whether they follow its rotation. A service
// that names one version of a key keeps using that version after the key rotates; when versions expire, the
// service loses its key on that date (a cluster's API server stops, a database goes offline) unless someone updates
// it first. Services that accept a versionless URI, or that have an auto-rotation switch, follow new versions.
// Sources: AKS KMS ("keyId ... key identifier with version"; an expired key stops the API server:
// https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption); disk encryption sets ("Version segment of the
// Url is required regardless of rotationToLatestKeyVersionEnabled", SDK description;
// https://learn.microsoft.com/azure/virtual-machines/disk-encryption#automatic-key-rotation-of-customer-managed-keys);
// PostgreSQL/MySQL flexible server "automatic key version updates" with a versionless key URI
// (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-data-encryption); Azure Storage
// "automatically update the key version" when keyVersion is omitted
// (https://learn.microsoft.com/azure/storage/common/customer-managed-keys-overview#update-the-key-version).

import { Condition, PropertyPath, Source } from "./model";

export interface KeyConsumer {
    readonly id: string;
    readonly types: readonly string[];
    /** The property that names the key: a key URI (`uri`), or a separate version next to the key's name (`version`). */
    readonly property: PropertyPath;
    readonly form: "uri" | "version";
    /** For `version`: the property with the key's name, to find the key. */
    readonly keyName?: PropertyPath;
    /** The API requires a versioned URI: the service is pinned whatever the value is. */
    readonly alwaysVersioned?: boolean;
    /** Settings under which the service moves to each new version by itself. */
    readonly followsRotation?: readonly Condition[];
    /** What to do instead, naming the property and the value. */
    readonly fix: string;
    readonly source: Source;
}

const VERSIONLESS = "a versionless key URI (`https://<vault>.vault.azure.net/keys/<name>`): the service then follows each new version";

export const KEY_CONSUMERS: readonly KeyConsumer[] = [
    {
        id: "aks-kms", types: ["azure-native:containerservice:ManagedCluster"], property: "securityProfile.azureKeyVaultKms.keyId",
        form: "uri", alwaysVersioned: true,
        fix: "AKS KMS names one key version and does not follow rotation: use a KMS key whose versions do not expire (no " +
            "`rotationPolicy.attributes.expiryTime` or `attributes.expires`) and roll `securityProfile.azureKeyVaultKms.keyId` " +
            "to each new version, or rotate it before the version expires",
        source: { docs: ["https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption"] },
    },
    {
        id: "disk-encryption-set", types: ["azure-native:compute:DiskEncryptionSet"], property: "activeKey.keyUrl", form: "uri",
        alwaysVersioned: true, followsRotation: [{ property: "rotationToLatestKeyVersionEnabled", equals: true }],
        fix: "set `rotationToLatestKeyVersionEnabled` to true", source: { azurePolicy: ["702dd420"] },
    },
    {
        id: "postgresql-flexible-primary-key", types: ["azure-native:dbforpostgresql:Server"], property: "dataEncryption.primaryKeyURI",
        form: "uri", fix: `set \`dataEncryption.primaryKeyURI\` to ${VERSIONLESS}`,
        source: { docs: ["https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-data-encryption"] },
    },
    {
        id: "postgresql-flexible-geo-backup-key", types: ["azure-native:dbforpostgresql:Server"], property: "dataEncryption.geoBackupKeyURI",
        form: "uri", fix: `set \`dataEncryption.geoBackupKeyURI\` to ${VERSIONLESS}`, source: {},
    },
    {
        id: "mysql-flexible-primary-key", types: ["azure-native:dbformysql:Server"], property: "dataEncryption.primaryKeyURI",
        form: "uri", fix: `set \`dataEncryption.primaryKeyURI\` to ${VERSIONLESS}`,
        source: { docs: ["https://learn.microsoft.com/azure/mysql/flexible-server/concepts-customer-managed-key"] },
    },
    {
        id: "storage-key-version", types: ["azure-native:storage:StorageAccount"], property: "encryption.keyVaultProperties.keyVersion",
        form: "version", keyName: "encryption.keyVaultProperties.keyName",
        fix: "remove `encryption.keyVaultProperties.keyVersion`: the account then follows each new version",
        source: { docs: ["https://learn.microsoft.com/azure/storage/common/customer-managed-keys-overview"] },
    },
    {
        id: "storage-encryption-scope-key", types: ["azure-native:storage:EncryptionScope"], property: "keyVaultProperties.keyUri",
        form: "uri", fix: `set \`keyVaultProperties.keyUri\` to ${VERSIONLESS}`, source: {},
    },
    {
        id: "container-registry-key", types: ["azure-native:containerregistry:Registry"], property: "encryption.keyVaultProperties.keyIdentifier",
        form: "uri", fix: `set \`encryption.keyVaultProperties.keyIdentifier\` to ${VERSIONLESS}`,
        source: { docs: ["https://learn.microsoft.com/azure/container-registry/tutorial-rotate-revoke-customer-managed-keys"] },
    },
    {
        id: "app-configuration-key", types: ["azure-native:appconfiguration:ConfigurationStore"], property: "encryption.keyVaultProperties.keyIdentifier",
        form: "uri", fix: `set \`encryption.keyVaultProperties.keyIdentifier\` to ${VERSIONLESS}`, source: {},
    },
    {
        id: "batch-key", types: ["azure-native:batch:BatchAccount"], property: "encryption.keyVaultProperties.keyIdentifier",
        form: "uri", fix: `set \`encryption.keyVaultProperties.keyIdentifier\` to ${VERSIONLESS}`, source: {},
    },
    {
        id: "messaging-key-version", types: ["azure-native:servicebus:Namespace", "azure-native:eventhub:Namespace"],
        property: "encryption.keyVaultProperties[*].keyVersion", form: "version", keyName: "encryption.keyVaultProperties[*].keyName",
        fix: "remove `encryption.keyVaultProperties[].keyVersion`: the namespace then follows each new version", source: {},
    },
    {
        id: "data-factory-key-version", types: ["azure-native:datafactory:Factory"], property: "encryption.keyVersion", form: "version",
        keyName: "encryption.keyName", fix: "remove `encryption.keyVersion`: the factory then uses the latest version", source: {},
    },
    {
        id: "data-explorer-key-version", types: ["azure-native:kusto:Cluster"], property: "keyVaultProperties.keyVersion", form: "version",
        keyName: "keyVaultProperties.keyName", fix: "remove `keyVaultProperties.keyVersion`: the cluster then follows each new version", source: {},
    },
    {
        id: "ai-services-key-version", types: ["azure-native:cognitiveservices:Account"], property: "properties.encryption.keyVaultProperties.keyVersion",
        form: "version", keyName: "properties.encryption.keyVaultProperties.keyName",
        fix: "remove `properties.encryption.keyVaultProperties.keyVersion`", source: {},
    },
    {
        id: "log-analytics-cluster-key-version", types: ["azure-native:operationalinsights:Cluster"], property: "keyVaultProperties.keyVersion",
        form: "version", keyName: "keyVaultProperties.keyName", fix: "remove `keyVaultProperties.keyVersion`", source: {},
    },
    {
        id: "redis-enterprise-key", types: ["azure-native:redisenterprise:RedisEnterprise"],
        property: "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl", form: "uri", alwaysVersioned: true,
        fix: "Redis Enterprise takes versioned key URLs only: use a key whose versions do not expire, or update " +
            "`encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl` before each version expires", source: {},
    },
];
