// Customer-managed keys, declared per service that offers them: the property that binds the service to a key the
// customer holds in Key Vault or Managed HSM, and the value it needs. Services left at their default encrypt with
// Microsoft-managed keys, which the CNIL's encryption recommendations (January 2024) do not accept for health data.
// Sources: Azure Policy initiative "Enforce Encryption-at-Rest with Customer Managed Keys" (Sovereignty/EnforceCMK,
// f15f4d95) and the definitions on each row; @pulumi/azure-native 3.28 property descriptions.

import { PropertyCheck } from "./model";

const POLICY = "customer-managed-encryption";
const PRESENT = { present: true } as const;

function keyed(id: string, types: readonly string[], property: string, require: PropertyCheck["require"], fix: string,
               source: PropertyCheck["source"], extra: Partial<PropertyCheck> = {}): PropertyCheck {
    return {
        id, policy: POLICY, types, property, require, fix, source,
        problem: "Data at rest is encrypted with a Microsoft-managed key, not one the customer holds",
        whenAbsent: "fail", ...extra,
    };
}

const VM_DISK_SET = "a disk encryption set with a customer-managed key (`managedDisk.diskEncryptionSet.id`)";

export const CUSTOMER_KEY_CHECKS: readonly PropertyCheck[] = [
    keyed("storage-customer-key", ["azure-native:storage:StorageAccount"], "encryption.keySource", { equals: "Microsoft.Keyvault" },
        "Microsoft.Keyvault, with `encryption.keyVaultProperties`", { azurePolicy: ["6fac406b"], checkov: ["CKV2_AZURE_1"] },
        { whenAbsent: { default: "Microsoft.Storage" } }),
    keyed("storage-customer-key-name", ["azure-native:storage:StorageAccount"], "encryption.keyVaultProperties.keyName", PRESENT,
        "the name of the key in the vault", { azurePolicy: ["6fac406b"] },
        { onlyIf: [{ property: "encryption.keySource", equals: "Microsoft.Keyvault" }] }),
    keyed("storage-encryption-scope-customer-key", ["azure-native:storage:EncryptionScope"], "source", { equals: "Microsoft.KeyVault" },
        "Microsoft.KeyVault, with `keyVaultProperties.keyUri`", { azurePolicy: ["b5ec538c"] }, { whenAbsent: { default: "Microsoft.Storage" } }),
    keyed("aks-node-disks-customer-key", ["azure-native:containerservice:ManagedCluster"], "diskEncryptionSetID", PRESENT,
        "the id of a disk encryption set with a customer-managed key", { azurePolicy: ["7d7be79c"], checkov: ["CKV_AZURE_117"] }),
    keyed("aks-secrets-customer-key", ["azure-native:containerservice:ManagedCluster"], "securityProfile.azureKeyVaultKms.enabled",
        { equals: true }, "true, with `keyId` (etcd secrets encrypted by Key Vault KMS)", { docs: ["https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption"] }),
    keyed("postgresql-flexible-customer-key", ["azure-native:dbforpostgresql:Server"], "dataEncryption.type", { equals: "AzureKeyVault" },
        "AzureKeyVault, with `primaryKeyURI`", { azurePolicy: ["12c74c95"], checkov: ["CKV_AZURE_130"] }, { whenAbsent: { default: "SystemManaged" } }),
    keyed("mysql-flexible-customer-key", ["azure-native:dbformysql:Server"], "dataEncryption.type", { equals: "AzureKeyVault" },
        "AzureKeyVault, with `primaryKeyURI`", { azurePolicy: ["83cef61d"] }, { whenAbsent: { default: "SystemManaged" } }),
    keyed("sql-managed-instance-customer-key", ["azure-native:sql:ManagedInstance"], "keyId", PRESENT,
        "the URI of a Key Vault key", { azurePolicy: ["ac01ad65"] }),
    keyed("managed-disk-customer-key", ["azure-native:compute:Disk"], "encryption.diskEncryptionSetId", PRESENT,
        "the id of a disk encryption set with a customer-managed key", { azurePolicy: ["702dd420", "59953f11"], checkov: ["CKV_AZURE_93"] }),
    keyed("disk-encryption-set-customer-key", ["azure-native:compute:DiskEncryptionSet"], "encryptionType",
        { in: ["EncryptionAtRestWithCustomerKey", "EncryptionAtRestWithPlatformAndCustomerKeys", "ConfidentialVmEncryptedWithCustomerKey"] },
        "EncryptionAtRestWithCustomerKey", { azurePolicy: ["702dd420"] }, { whenAbsent: { default: "EncryptionAtRestWithCustomerKey" } }),
    // A disk attached from an existing managed disk is judged as that disk resource.
    keyed("vm-os-disk-customer-key", ["azure-native:compute:VirtualMachine"], "storageProfile.osDisk.managedDisk.diskEncryptionSet.id",
        PRESENT, VM_DISK_SET, { azurePolicy: ["702dd420"] },
        { unless: [{ property: "storageProfile.osDisk.createOption", equals: "Attach" },
            { property: "storageProfile.osDisk.managedDisk.securityProfile.diskEncryptionSet.id", present: true }] }),
    keyed("vm-data-disk-customer-key", ["azure-native:compute:VirtualMachine"], "storageProfile.dataDisks[*].managedDisk.diskEncryptionSet.id",
        PRESENT, VM_DISK_SET, { azurePolicy: ["702dd420"] }, { skipElements: [{ property: "createOption", equals: "Attach" }] }),
    keyed("vmss-os-disk-customer-key", ["azure-native:compute:VirtualMachineScaleSet"],
        "virtualMachineProfile.storageProfile.osDisk.managedDisk.diskEncryptionSet.id", PRESENT, VM_DISK_SET, { azurePolicy: ["702dd420"] },
        { unless: [{ property: "virtualMachineProfile.storageProfile.osDisk.managedDisk.securityProfile.diskEncryptionSet.id", present: true }] }),
    keyed("vmss-data-disk-customer-key", ["azure-native:compute:VirtualMachineScaleSet"],
        "virtualMachineProfile.storageProfile.dataDisks[*].managedDisk.diskEncryptionSet.id", PRESENT, VM_DISK_SET, { azurePolicy: ["702dd420"] }),
    // The temporary disk, caches and flows to storage are outside the disk encryption set unless encrypted at host.
    keyed("vm-encryption-at-host", ["azure-native:compute:VirtualMachine"], "securityProfile.encryptionAtHost", { equals: true },
        "true", { azurePolicy: ["fc4d8e41"], docs: ["https://learn.microsoft.com/azure/virtual-machines/disk-encryption#encryption-at-host---end-to-end-encryption-for-your-vm-data"] },
        { problem: "The temporary disk, disk caches and data flowing to storage are not encrypted at host", whenAbsent: { default: false } }),
    keyed("vmss-encryption-at-host", ["azure-native:compute:VirtualMachineScaleSet"], "virtualMachineProfile.securityProfile.encryptionAtHost",
        { equals: true }, "true", { azurePolicy: ["fc4d8e41"] },
        { problem: "The temporary disk, disk caches and data flowing to storage are not encrypted at host", whenAbsent: { default: false } }),
    keyed("cosmosdb-customer-key", ["azure-native:cosmosdb:DatabaseAccount"], "keyVaultKeyUri",
        PRESENT, "the URI of a Key Vault key (versionless)", { azurePolicy: ["1f905d99"], checkov: ["CKV_AZURE_100"] }),
    keyed("synapse-customer-key", ["azure-native:synapse:Workspace"], "encryption.cmk.key.keyVaultUrl", PRESENT,
        "the URL of a Key Vault key, with `encryption.cmk.key.name`", { azurePolicy: ["f7d52b2d"], checkov: ["CKV_AZURE_239"] }),
    keyed("container-registry-customer-key", ["azure-native:containerregistry:Registry"], "encryption.status", { equals: "enabled" },
        "enabled, with `encryption.keyVaultProperties.keyIdentifier` (Premium SKU)", { azurePolicy: ["5b9159ae"], checkov: ["CKV_AZURE_167"] },
        { whenAbsent: { default: "disabled" } }),
    keyed("service-bus-customer-key", ["azure-native:servicebus:Namespace"], "encryption.keySource", { equals: "Microsoft.KeyVault" },
        "Microsoft.KeyVault, with `encryption.keyVaultProperties` (Premium tier)", { azurePolicy: ["295fc8b1"], checkov: ["CKV_AZURE_201"] }),
    keyed("event-hubs-customer-key", ["azure-native:eventhub:Namespace"], "encryption.keySource", { equals: "Microsoft.KeyVault" },
        "Microsoft.KeyVault, with `encryption.keyVaultProperties` (Premium tier or a dedicated cluster)", { azurePolicy: ["a1ad735a"] }),
    keyed("redis-enterprise-customer-key", ["azure-native:redisenterprise:RedisEnterprise"],
        "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl", PRESENT, "a versioned Key Vault key URL", { azurePolicy: ["09aa11bb"] }),
    keyed("app-configuration-customer-key", ["azure-native:appconfiguration:ConfigurationStore"], "encryption.keyVaultProperties.keyIdentifier",
        PRESENT, "the URI of a Key Vault key (Standard SKU)", { azurePolicy: ["967a4b4b"] }),
    keyed("ai-services-customer-key", ["azure-native:cognitiveservices:Account"], "properties.encryption.keySource",
        { equals: "Microsoft.KeyVault" }, "Microsoft.KeyVault, with `keyVaultProperties`", { azurePolicy: ["67121cc7"] },
        { whenAbsent: { default: "Microsoft.CognitiveServices" } }),
    keyed("search-customer-key", ["azure-native:search:Service"], "encryptionWithCmk.enforcement", { equals: "Enabled" }, "Enabled",
        { azurePolicy: ["76a56461"] }, { whenAbsent: { default: "Unspecified" } }),
    keyed("machine-learning-customer-key", ["azure-native:machinelearningservices:Workspace"], "encryption.status", { equals: "Enabled" },
        "Enabled, with `encryption.keyVaultProperties`", { azurePolicy: ["ba769a63"] }),
    keyed("data-factory-customer-key", ["azure-native:datafactory:Factory"], "encryption.vaultBaseUrl", PRESENT,
        "the vault URL, with `encryption.keyName`", { azurePolicy: ["4ec52d6d"] }),
    keyed("data-explorer-customer-key", ["azure-native:kusto:Cluster"], "keyVaultProperties.keyName", PRESENT,
        "the key name, with `keyVaultProperties.keyVaultUri`", { azurePolicy: ["81e74cea"] }),
    keyed("databricks-customer-key", ["azure-native:databricks:Workspace"], "encryption.entities.managedServices.keySource",
        { equals: "Microsoft.Keyvault" }, "Microsoft.Keyvault, with `keyVaultProperties`", { azurePolicy: ["2cc2c3b5"] }),
    keyed("batch-customer-key", ["azure-native:batch:BatchAccount"], "encryption.keySource", { equals: "Microsoft.KeyVault" },
        "Microsoft.KeyVault, with `encryption.keyVaultProperties.keyIdentifier`", { azurePolicy: ["99e9ccd8"] },
        { whenAbsent: { default: "Microsoft.Batch" } }),
    keyed("automation-customer-key", ["azure-native:automation:AutomationAccount"], "encryption.keySource", { equals: "Microsoft.Keyvault" },
        "Microsoft.Keyvault, with `encryption.keyVaultProperties`", { azurePolicy: ["56a5ee18"] }, { whenAbsent: { default: "Microsoft.Automation" } }),
    keyed("recovery-vault-customer-key", ["azure-native:recoveryservices:Vault"], "properties.encryption.keyVaultProperties.keyUri", PRESENT,
        "the URI of a Key Vault key", { azurePolicy: ["2e94d99a"] }),
    keyed("log-analytics-cluster-customer-key", ["azure-native:operationalinsights:Cluster"], "keyVaultProperties.keyName", PRESENT,
        "the key name, with `keyVaultProperties.keyVaultUri`", { azurePolicy: ["1f68a601"] }),
    keyed("fhir-customer-key", ["azure-native:healthcareapis:Service"], "properties.cosmosDbConfiguration.keyVaultKeyUri", PRESENT,
        "the URI of a Key Vault key", { azurePolicy: ["051cba44"] }),
    keyed("fhir-service-customer-key", ["azure-native:healthcareapis:FhirService"],
        "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl", PRESENT, "the URL of a Key Vault key", { azurePolicy: ["c42dee8c"] }),
];
