// Data services reached through private endpoints: the types that offer Private Link, their sub-resources (group
// ids, for the remediation), and the settings that make a service private without an endpoint (a flexible server
// injected into a delegated subnet). Some services offer Private Link on some SKUs only; a lower SKU cannot have an
// endpoint, and its public access is judged by no-public-data-access.
// Sources: Azure Policy "... should use private link" built-ins on each row; "What is a private endpoint? Private
// link resource" table (https://learn.microsoft.com/azure/private-link/private-endpoint-overview).

import { PrivateLinkType } from "./model";

export const PRIVATE_LINK_TYPES: readonly PrivateLinkType[] = [
    { type: "azure-native:storage:StorageAccount", groupIds: ["blob", "dfs", "file", "queue", "table", "web"], source: { azurePolicy: ["6edd7eda"], checkov: ["CKV2_AZURE_33"] } },
    { type: "azure-native:keyvault:Vault", groupIds: ["vault"], source: { azurePolicy: ["a6abeaec"] } },
    { type: "azure-native:keyvault:ManagedHsm", groupIds: ["managedhsm"], source: { azurePolicy: ["59fee2f4"] } },
    { type: "azure-native:dbforpostgresql:Server", groupIds: ["postgresqlServer"],
        privateWithout: [{ property: "network.delegatedSubnetResourceId", present: true }], source: { azurePolicy: ["5375a5bb"] } },
    { type: "azure-native:dbformysql:Server", groupIds: ["mysqlServer"],
        privateWithout: [{ property: "network.delegatedSubnetResourceId", present: true }], source: { azurePolicy: ["7595c971"] } },
    { type: "azure-native:sql:Server", groupIds: ["sqlServer"], source: { azurePolicy: ["7698e800"] } },
    { type: "azure-native:cosmosdb:DatabaseAccount", groupIds: ["Sql", "MongoDB", "Cassandra", "Gremlin", "Table"], source: { azurePolicy: ["58440f8a"] } },
    { type: "azure-native:synapse:Workspace", groupIds: ["Sql", "SqlOnDemand", "Dev"], source: { azurePolicy: ["72d11df1"] } },
    { type: "azure-native:containerregistry:Registry", groupIds: ["registry"],
        onlyIf: [{ property: "sku.name", equals: "Premium" }], source: { azurePolicy: ["e8eef0a8"] } },
    { type: "azure-native:servicebus:Namespace", groupIds: ["namespace"],
        onlyIf: [{ property: "sku.name", equals: "Premium" }], source: { azurePolicy: ["1c06e275"] } },
    { type: "azure-native:eventhub:Namespace", groupIds: ["namespace"],
        onlyIf: [{ property: "sku.name", in: ["Standard", "Premium"] }], source: { azurePolicy: ["b8564268"] } },
    { type: "azure-native:redis:Redis", groupIds: ["redisCache"], source: { azurePolicy: ["7803067c"] } },
    { type: "azure-native:redisenterprise:RedisEnterprise", groupIds: ["redisEnterprise"], source: { azurePolicy: ["960e650e"] } },
    { type: "azure-native:appconfiguration:ConfigurationStore", groupIds: ["configurationStores"],
        onlyIf: [{ property: "sku.name", in: ["standard", "premium"] }], source: { azurePolicy: ["ca610c1d"] } },
    { type: "azure-native:cognitiveservices:Account", groupIds: ["account"], source: { azurePolicy: ["d6759c02"] } },
    { type: "azure-native:search:Service", groupIds: ["searchService"],
        onlyIf: [{ property: "sku.name", notIn: ["free"] }], source: { azurePolicy: ["a049bf77"] } },
    { type: "azure-native:machinelearningservices:Workspace", groupIds: ["amlworkspace"], source: { azurePolicy: ["45e05259"] } },
    { type: "azure-native:datafactory:Factory", groupIds: ["dataFactory"], source: { azurePolicy: ["8b0323be"] } },
    { type: "azure-native:kusto:Cluster", groupIds: ["cluster"], source: { azurePolicy: ["f7735886"] } },
    { type: "azure-native:healthcareapis:Service", groupIds: ["fhir"], source: { azurePolicy: ["1ee56206"] } },
    { type: "azure-native:healthcareapis:Workspace", groupIds: ["healthcareworkspace"], source: { azurePolicy: ["64528841"] } },
];
