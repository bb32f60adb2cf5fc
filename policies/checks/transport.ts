// Encryption in transit, declared per service: TLS 1.2 at least, HTTPS only, FTPS (or no FTP) for App Service, no
// plain-text ports. Defaults are the documented ones: a property left out passes only where the service's default
// is already safe (App Service's minimum TLS is 1.2, Cosmos DB's is TLS 1.2, Redis keeps its non-TLS port closed).
// Sources: Azure Policy built-ins (Sovereignty initiatives "Enforce Encryption-in-Transit - TLS Version" f1fe6a81
// and "- HTTPS" c7c0ab87, and the definitions on each row); @pulumi/azure-native 3.28 property descriptions.

import { PropertyCheck } from "./model";

const POLICY = "tls-minimum";
const TLS12 = { tlsAtLeast: "1.2" } as const;

function tls(id: string, types: readonly string[], property: string, whenAbsent: PropertyCheck["whenAbsent"],
             source: PropertyCheck["source"], fix = "1.2", extra: Partial<PropertyCheck> = {}): PropertyCheck {
    return { id, policy: POLICY, types, property, problem: "Clients may connect with TLS older than 1.2", require: TLS12, fix, whenAbsent, source, ...extra };
}

/** A server parameter set by a Configuration child resource (PostgreSQL and MySQL flexible servers). */
function parameter(id: string, type: string, name: string, problem: string, require: PropertyCheck["require"], fix: string,
                   source: PropertyCheck["source"]): PropertyCheck {
    return {
        id, policy: POLICY, types: [type], problem, property: "value", require, fix,
        // Leaving the value out keeps the server's default (secure transport on, TLS 1.2).
        whenAbsent: "pass", onlyIf: [{ property: "configurationName", equals: name }], source,
    };
}

export const TRANSPORT_CHECKS: readonly PropertyCheck[] = [
    // "The default interpretation is TLS 1.0 for this property" (storage 2024-01-01).
    tls("storage-minimum-tls", ["azure-native:storage:StorageAccount"], "minimumTlsVersion", { default: "TLS1_0" },
        { azurePolicy: ["fe83a0eb"], checkov: ["CKV_AZURE_44"] }, "TLS1_2"),
    {
        id: "storage-https-only", policy: POLICY, types: ["azure-native:storage:StorageAccount"],
        problem: "Plain HTTP requests are accepted", property: "enableHttpsTrafficOnly", require: { equals: true }, fix: "true",
        // "The default value is true since API version 2019-04-01."
        whenAbsent: { default: true }, whenAbsentBefore: { apiVersion: "2019-04-01", whenAbsent: { default: false } },
        source: { azurePolicy: ["404c3081"], checkov: ["CKV_AZURE_3"] },
    },
    // Azure Policy 32e6bbec counts a server without minimalTlsVersion as non-compliant.
    tls("sql-server-minimum-tls", ["azure-native:sql:Server"], "minimalTlsVersion", "fail",
        { azurePolicy: ["32e6bbec"], checkov: ["CKV_AZURE_52"] }),
    tls("sql-managed-instance-minimum-tls", ["azure-native:sql:ManagedInstance"], "minimalTlsVersion", { default: "1.2" },
        { azurePolicy: ["a8793640"] }),
    // "The default value is Tls 1.2."
    tls("cosmosdb-minimum-tls", ["azure-native:cosmosdb:DatabaseAccount"],
        "minimalTlsVersion", { default: "Tls12" }, { checkov: ["CKV_AZURE_132"] }, "Tls12"),
    tls("mariadb-minimum-tls", ["azure-native:dbformariadb:Server"], "properties.minimalTlsVersion", { default: "TLSEnforcementDisabled" },
        { checkov: ["CKV_AZURE_47"] }, "TLS1_2"),
    {
        id: "mariadb-ssl-enforcement", policy: POLICY, types: ["azure-native:dbformariadb:Server"],
        problem: "Connections without TLS are accepted", property: "properties.sslEnforcement", require: { equals: "Enabled" },
        fix: "Enabled", whenAbsent: { default: "Enabled" }, source: { checkov: ["CKV_AZURE_47"] },
    },
    parameter("postgresql-secure-transport", "azure-native:dbforpostgresql:Configuration", "require_secure_transport",
        "Connections without TLS are accepted", { equals: "ON" }, "ON", { azurePolicy: ["c29c38cb"], checkov: ["CKV_AZURE_147"] }),
    parameter("postgresql-minimum-tls", "azure-native:dbforpostgresql:Configuration", "ssl_min_protocol_version",
        "Clients may connect with TLS older than 1.2", { in: ["TLSv1.2", "TLSv1.3"] }, "TLSv1.2", { azurePolicy: ["a43d5475"] }),
    parameter("mysql-secure-transport", "azure-native:dbformysql:Configuration", "require_secure_transport",
        "Connections without TLS are accepted", { equals: "ON" }, "ON", { azurePolicy: ["e802a67a"] }),
    parameter("mysql-tls-versions", "azure-native:dbformysql:Configuration", "tls_version",
        "Clients may connect with TLS older than 1.2", { pattern: "TLSv1\\.[23](\\s*,\\s*TLSv1\\.[23])*" }, "TLSv1.2,TLSv1.3",
        { checkov: ["CKV_AZURE_54"] }),
    {
        id: "app-service-https-only", policy: POLICY, types: ["azure-native:web:WebApp", "azure-native:web:WebAppSlot"],
        problem: "The app answers plain HTTP", property: "httpsOnly", require: { equals: true }, fix: "true",
        whenAbsent: { default: false }, source: { azurePolicy: ["a4af4a39", "ae1b9a8c", "6d555dd1"], checkov: ["CKV_AZURE_14"] },
    },
    // App Service's minimum TLS defaults to 1.2 (f0e6e85b audits the effective value).
    tls("app-service-minimum-tls", ["azure-native:web:WebApp", "azure-native:web:WebAppSlot"], "siteConfig.minTlsVersion",
        { default: "1.2" }, { azurePolicy: ["f0e6e85b", "4ee5b817", "f9d614c5"], checkov: ["CKV_AZURE_15"] }),
    tls("app-service-scm-minimum-tls", ["azure-native:web:WebApp", "azure-native:web:WebAppSlot"], "siteConfig.scmMinTlsVersion",
        { default: "1.2" }, { azurePolicy: ["f0e6e85b"] }),
    {
        id: "app-service-ftps", policy: POLICY, types: ["azure-native:web:WebApp", "azure-native:web:WebAppSlot"],
        problem: "Deployments may use plain FTP", property: "siteConfig.ftpsState", require: { in: ["FtpsOnly", "Disabled"] },
        fix: "Disabled (or FtpsOnly)", whenAbsent: { default: "AllAllowed" },
        source: { azurePolicy: ["4d24b6d4", "c285a320", "399b2637"], checkov: ["CKV_AZURE_78"] },
    },
    {
        id: "redis-non-tls-port", policy: POLICY, types: ["azure-native:redis:Redis"],
        problem: "The non-TLS port 6379 is open", property: "enableNonSslPort", require: { equals: false }, fix: "false",
        whenAbsent: { default: false }, source: { azurePolicy: ["22bee202"], checkov: ["CKV_AZURE_91"] },
    },
    tls("redis-minimum-tls", ["azure-native:redis:Redis"], "minimumTlsVersion", { default: "1.2" },
        { checkov: ["CKV_AZURE_148"] }),
    // "TLS 1.0 and TLS 1.1 are now completely obsolete -- you cannot use them" (SDK description).
    tls("redis-enterprise-minimum-tls", ["azure-native:redisenterprise:RedisEnterprise"], "minimumTlsVersion", { default: "1.2" },
        { docs: ["https://learn.microsoft.com/azure/azure-cache-for-redis/cache-remove-tls-10-11"] }),
    tls("service-bus-minimum-tls", ["azure-native:servicebus:Namespace"], "minimumTlsVersion", { default: "1.2" }, { checkov: ["CKV_AZURE_205"] }),
    tls("event-hubs-minimum-tls", ["azure-native:eventhub:Namespace"], "minimumTlsVersion", { default: "1.2" }, { checkov: ["CKV_AZURE_223"] }),
    tls("event-grid-minimum-tls", ["azure-native:eventgrid:Topic", "azure-native:eventgrid:Domain"], "minimumTlsVersionAllowed",
        { default: "1.2" }, { docs: ["https://learn.microsoft.com/azure/event-grid/transport-layer-security-configure-minimum-version"] }),
    {
        id: "container-app-insecure-ingress", policy: POLICY, types: ["azure-native:app:ContainerApp"],
        problem: "The app's ingress accepts plain HTTP", property: "configuration.ingress.allowInsecure", require: { equals: false },
        fix: "false", whenAbsent: { default: false }, source: { azurePolicy: ["0e80e269"] },
    },
];
