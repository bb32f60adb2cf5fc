// Compliant resources per provider; each test changes one thing and expects the rule that guards it to object.

export const AZ = {
    account: {
        location: "francecentral", sku: { name: "Standard_ZRS" }, kind: "StorageV2",
        encryption: { keySource: "Microsoft.Keyvault", keyVaultProperties: { keyName: "platform", keyVaultUri: "https://kv.vault.azure.net/" } },
        publicNetworkAccess: "Disabled", allowBlobPublicAccess: false, allowSharedKeyAccess: false,
        minimumTlsVersion: "TLS1_2", networkRuleSet: { defaultAction: "Deny" }, allowCrossTenantReplication: false,
    },
    vault: {
        location: "francecentral",
        properties: { sku: { family: "A", name: "premium" }, enablePurgeProtection: true, softDeleteRetentionInDays: 90,
            publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny" }, enableRbacAuthorization: true, tenantId: "t" },
    },
    key: {
        properties: { kty: "RSA-HSM", keySize: 3072, rotationPolicy: { lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "Rotate" } }] } },
    },
};

export const OVH = {
    bucket: { regionName: "EU-WEST-PAR", name: "hdh-raw", encryption: { sseAlgorithm: "AES256" } },
    okms: { region: "eu-west-par", ovhSubsidiary: "FR" },
    key: { okmsId: "okms-1", type: "oct", size: 256, operations: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] },
    database: { engine: "postgresql", plan: "business", flavor: "b3-8", version: "16",
        nodes: [{ region: "EU-WEST-PAR", networkId: "net", subnetId: "sub" }], ipRestrictions: [{ ip: "10.40.0.0/16" }] },
    kube: { region: "EU-WEST-PAR", name: "hdh" },
};

export const CT = {
    minioProvider: { minioServer: "hdh.s3.fr1.cloud-temple.com", minioSsl: true },
    bucket: { bucket: "hdh-raw", acl: "private" },
    vaultProvider: { address: "https://openbao.openbao.svc:8200" },
    transitKey: { backend: "transit", name: "platform", type: "aes256-gcm96", autoRotatePeriod: 90 * 86400,
        exportable: false, allowPlaintextBackup: false, deletionAllowed: false },
};
