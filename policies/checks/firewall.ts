// Service firewalls whose allow-lists can let the whole internet in: firewall-rule resources with a start and an
// end address (SQL and the database servers, Synapse, Redis) and the IP lists inside a service's own network
// rules. An entry is open when it is `*`, `Any`, `Internet`, `0.0.0.0/0` or `0.0.0.0`-`255.255.255.255`, or covers a
// /8 of internet addresses or more; for SQL, the database servers, Synapse and Cosmos DB, `0.0.0.0` alone is the
// "allow Azure services" switch, which admits every Azure tenant's resources.
// Sources: Checkov CKV_AZURE_11 (SQL ingress from 0.0.0.0/0), CKV_AZURE_43-style ranges; Azure docs "Azure SQL
// Database and Azure Synapse IP firewall rules" (0.0.0.0 start and end = allow Azure services), "Configure IP
// firewall in Azure Cosmos DB" (0.0.0.0 = accept connections from within public Azure datacenters).

import { FirewallCheck } from "./model";

const RANGE = { kind: "range", start: "startIpAddress", end: "endIpAddress" } as const;
const FIX = "allow only the admin or partner addresses that need it, or close public access and use a private endpoint";

export const FIREWALL_CHECKS: readonly FirewallCheck[] = [
    { id: "sql-firewall-rule", types: ["azure-native:sql:FirewallRule"], fields: [RANGE], zeroMeansAzure: true, fix: FIX,
        source: { checkov: ["CKV_AZURE_11"], docs: ["https://learn.microsoft.com/azure/azure-sql/database/firewall-configure"] } },
    { id: "postgresql-firewall-rule", types: ["azure-native:dbforpostgresql:FirewallRule"], fields: [RANGE], zeroMeansAzure: true, fix: FIX,
        source: { docs: ["https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-firewall-rules"] } },
    { id: "mysql-firewall-rule", types: ["azure-native:dbformysql:FirewallRule"], fields: [RANGE], zeroMeansAzure: true, fix: FIX,
        source: { docs: ["https://learn.microsoft.com/azure/mysql/flexible-server/concepts-networking-public"] } },
    { id: "mariadb-firewall-rule", types: ["azure-native:dbformariadb:FirewallRule"], fields: [RANGE], zeroMeansAzure: true, fix: FIX, source: {} },
    { id: "synapse-firewall-rule", types: ["azure-native:synapse:IpFirewallRule"], fields: [RANGE], zeroMeansAzure: true, fix: FIX,
        source: { azurePolicy: ["56fd377d"] } },
    { id: "redis-firewall-rule", types: ["azure-native:redis:FirewallRule"],
        fields: [{ kind: "range", start: "startIP", end: "endIP" }], fix: FIX, source: {} },
    { id: "cosmosdb-ip-rules", types: ["azure-native:cosmosdb:DatabaseAccount"],
        fields: [{ kind: "cidr", property: "ipRules[*].ipAddressOrRange" }], zeroMeansAzure: true, fix: FIX, source: { azurePolicy: ["862e97cf"] } },
    { id: "storage-ip-rules", types: ["azure-native:storage:StorageAccount"],
        fields: [{ kind: "cidr", property: "networkRuleSet.ipRules[*].iPAddressOrRange", skipIf: [{ property: "action", equals: "Deny" }] }],
        fix: FIX, source: { azurePolicy: ["34c877ad"] } },
    { id: "keyvault-ip-rules", types: ["azure-native:keyvault:Vault", "azure-native:keyvault:ManagedHsm"],
        fields: [{ kind: "cidr", property: "properties.networkAcls.ipRules[*].value" }], fix: FIX, source: { azurePolicy: ["55615ac9"] } },
    { id: "container-registry-ip-rules", types: ["azure-native:containerregistry:Registry"],
        fields: [{ kind: "cidr", property: "networkRuleSet.ipRules[*].iPAddressOrRange" }], fix: FIX, source: {} },
    { id: "ai-services-ip-rules", types: ["azure-native:cognitiveservices:Account"],
        fields: [{ kind: "cidr", property: "properties.networkAcls.ipRules[*].value" }], fix: FIX, source: {} },
    { id: "search-ip-rules", types: ["azure-native:search:Service"],
        fields: [{ kind: "cidr", property: "networkRuleSet.ipRules[*].value" }], fix: FIX, source: {} },
    { id: "data-explorer-ip-rules", types: ["azure-native:kusto:Cluster"], fields: [{ kind: "cidr", property: "allowedIpRangeList[*]" }], fix: FIX, source: {} },
    { id: "event-grid-ip-rules", types: ["azure-native:eventgrid:Topic", "azure-native:eventgrid:Domain"],
        fields: [{ kind: "cidr", property: "inboundIpRules[*].ipMask", skipIf: [{ property: "action", equals: "Deny" }] }], fix: FIX, source: {} },
    { id: "messaging-ip-rules", types: ["azure-native:eventhub:NamespaceNetworkRuleSet", "azure-native:servicebus:NamespaceNetworkRuleSet"],
        fields: [{ kind: "cidr", property: "ipRules[*].ipMask", skipIf: [{ property: "action", equals: "Deny" }] }], fix: FIX, source: {} },
    { id: "app-service-ip-restrictions", types: ["azure-native:web:WebApp", "azure-native:web:WebAppSlot"],
        fields: [
            { kind: "cidr", property: "siteConfig.ipSecurityRestrictions[*].ipAddress", skipIf: [{ property: "action", equals: "Deny" }] },
            { kind: "cidr", property: "siteConfig.scmIpSecurityRestrictions[*].ipAddress", skipIf: [{ property: "action", equals: "Deny" }] },
        ], fix: FIX, source: { checkov: ["CKV_AZURE_243"] } },
    { id: "container-app-ip-restrictions", types: ["azure-native:app:ContainerApp"],
        fields: [{ kind: "cidr", property: "configuration.ingress.ipSecurityRestrictions[*].ipAddressRange", skipIf: [{ property: "action", equals: "Deny" }] }],
        fix: FIX, source: {} },
];
