// Public network access, declared per service: the property that closes a data service to the internet, the value
// it must take, and what the service does when a program leaves it out (most default to Enabled). Where another
// setting already keeps the service off the internet (VNet injection, an App Service Environment, a disk that
// only exports privately), the check does not apply, as in the Azure Policy definition it mirrors.
// Sources: the Azure Policy built-in definitions named on each row (Azure/azure-policy, built-in-policies/
// policyDefinitions), and the property descriptions of @pulumi/azure-native 3.28 (its REST API versions).

import { PropertyCheck } from "./model";

const POLICY = "no-public-data-access";
const CLOSED = { in: ["Disabled", "SecuredByPerimeter"] } as const;

/** A top-level `publicNetworkAccess` that must be Disabled and defaults to Enabled. */
function disabled(id: string, types: readonly string[], azurePolicy: readonly string[], extra: Partial<PropertyCheck> = {}): PropertyCheck {
    return {
        id, policy: POLICY, types, property: "publicNetworkAccess",
        problem: "Public network access is allowed", require: CLOSED, fix: "Disabled",
        whenAbsent: { default: "Enabled" }, source: { azurePolicy }, ...extra,
    };
}

export const PUBLIC_ACCESS_CHECKS: readonly PropertyCheck[] = [
    disabled("storage-public-network", ["azure-native:storage:StorageAccount"], ["b2982f36"], { source: { azurePolicy: ["b2982f36"], checkov: ["CKV_AZURE_59"] } }),
    {
        id: "storage-anonymous-blob-access", policy: POLICY, types: ["azure-native:storage:StorageAccount"],
        problem: "Anonymous blob access is allowed", property: "allowBlobPublicAccess", require: { equals: false }, fix: "false",
        // "The default interpretation is false" since API 2023-01-01 (the SDK's 2024-01-01 description); true before.
        whenAbsent: { default: false }, whenAbsentBefore: { apiVersion: "2023-01-01", whenAbsent: { default: true } },
        source: { azurePolicy: ["4fa4b6c0"], checkov: ["CKV_AZURE_190"],
            docs: ["https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent"] },
    },
    {
        // The firewall filters the public endpoint; with public network access Disabled there is none, and the
        // network rules are ignored ("Configure Azure Storage firewalls and virtual networks").
        id: "storage-firewall-default-deny", policy: POLICY, types: ["azure-native:storage:StorageAccount"],
        problem: "The storage firewall allows every network by default", property: "networkRuleSet.defaultAction",
        require: { equals: "Deny" }, fix: "Deny", whenAbsent: { default: "Allow" },
        unless: [{ property: "publicNetworkAccess", equals: "Disabled" }],
        source: { azurePolicy: ["34c877ad"], checkov: ["CKV_AZURE_35"],
            docs: ["https://learn.microsoft.com/azure/storage/common/storage-network-security"] },
    },
    {
        id: "blob-container-anonymous", policy: POLICY, types: ["azure-native:storage:BlobContainer"],
        problem: "The container allows anonymous reads", property: "publicAccess", require: { equals: "None" }, fix: "None",
        whenAbsent: "pass", source: { checkov: ["CKV_AZURE_34"], azurePolicy: ["4fa4b6c0"] },
    },
    {
        id: "keyvault-public-network", policy: POLICY, types: ["azure-native:keyvault:Vault", "azure-native:keyvault:ManagedHsm"],
        problem: "Public network access is allowed", property: "properties.publicNetworkAccess", require: CLOSED, fix: "Disabled",
        whenAbsent: { default: "Enabled" }, source: { azurePolicy: ["405c5871", "19ea9d63"], checkov: ["CKV_AZURE_189"] },
    },
    {
        // "Firewall enabled or public network access disabled" (55615ac9): the firewall matters while the endpoint is public.
        id: "keyvault-firewall-default-deny", policy: POLICY, types: ["azure-native:keyvault:Vault", "azure-native:keyvault:ManagedHsm"],
        problem: "The vault firewall allows every network by default", property: "properties.networkAcls.defaultAction",
        require: { equals: "Deny" }, fix: "Deny", whenAbsent: { default: "Allow" },
        unless: [{ property: "properties.publicNetworkAccess", equals: "Disabled" }],
        source: { azurePolicy: ["55615ac9"], checkov: ["CKV_AZURE_109"] },
    },
    {
        id: "postgresql-flexible-public-network", policy: POLICY, types: ["azure-native:dbforpostgresql:Server"],
        problem: "Public network access is allowed", property: "network.publicNetworkAccess", require: CLOSED, fix: "Disabled",
        whenAbsent: { default: "Enabled" },
        // A server injected into a delegated subnet has no public endpoint ("only supported for servers that are not
        // integrated into a virtual network", SDK description).
        unless: [{ property: "network.delegatedSubnetResourceId", present: true }],
        source: { azurePolicy: ["5e1de0e3"], checkov: ["CKV_AZURE_136"] },
    },
    {
        id: "mysql-flexible-public-network", policy: POLICY, types: ["azure-native:dbformysql:Server"],
        problem: "Public network access is allowed", property: "network.publicNetworkAccess", require: CLOSED, fix: "Disabled",
        whenAbsent: { default: "Enabled" },
        unless: [{ property: "network.delegatedSubnetResourceId", present: true }, { property: "network.privateDnsZoneResourceId", present: true }],
        source: { azurePolicy: ["c9299215"] },
    },
    {
        id: "mariadb-public-network", policy: POLICY, types: ["azure-native:dbformariadb:Server"],
        problem: "Public network access is allowed", property: "properties.publicNetworkAccess", require: CLOSED, fix: "Disabled",
        whenAbsent: { default: "Enabled" }, source: { azurePolicy: ["fdccbe47"] },
    },
    disabled("sql-server-public-network", ["azure-native:sql:Server"], ["1b8ca024"], { source: { azurePolicy: ["1b8ca024"], checkov: ["CKV_AZURE_113"] } }),
    {
        id: "sql-managed-instance-public-endpoint", policy: POLICY, types: ["azure-native:sql:ManagedInstance"],
        problem: "The managed instance has a public data endpoint", property: "publicDataEndpointEnabled",
        require: { equals: false }, fix: "false", whenAbsent: "pass", source: { azurePolicy: ["9dfea752"] },
    },
    disabled("cosmosdb-public-network", ["azure-native:cosmosdb:DatabaseAccount"], ["797b37f7"],
        { source: { azurePolicy: ["797b37f7"], checkov: ["CKV_AZURE_101"] } }),
    disabled("synapse-public-network", ["azure-native:synapse:Workspace"], ["38d8df46"], { source: { azurePolicy: ["38d8df46"], checkov: ["CKV_AZURE_157"] } }),
    // Apps in an App Service Environment are reached through the environment's own network (1b5ef780).
    disabled("app-service-public-network", ["azure-native:web:WebApp", "azure-native:web:WebAppSlot"], ["1b5ef780", "701a595d", "969ac98b"],
        { unless: [{ property: "hostingEnvironmentProfile.id", present: true }], source: { azurePolicy: ["1b5ef780", "701a595d", "969ac98b"], checkov: ["CKV_AZURE_222"] } }),
    disabled("container-registry-public-network", ["azure-native:containerregistry:Registry"], ["0fdf0491"], { source: { azurePolicy: ["0fdf0491"], checkov: ["CKV_AZURE_139"] } }),
    {
        id: "container-registry-anonymous-pull", policy: POLICY, types: ["azure-native:containerregistry:Registry"],
        problem: "Anyone can pull images anonymously", property: "anonymousPullEnabled", require: { equals: false }, fix: "false",
        whenAbsent: "pass", source: { azurePolicy: ["9f2dea28"] },
    },
    disabled("service-bus-public-network", ["azure-native:servicebus:Namespace"], ["cbd11fd3"]),
    disabled("event-hubs-public-network", ["azure-native:eventhub:Namespace"], ["0602787f"]),
    disabled("redis-public-network", ["azure-native:redis:Redis"], ["470baccb"], { source: { azurePolicy: ["470baccb"], checkov: ["CKV_AZURE_89"] } }),
    disabled("redis-enterprise-public-network", ["azure-native:redisenterprise:RedisEnterprise"], ["960e650e"]),
    // A disk that exports only through a disk access (AllowPrivate) or not at all (DenyAll) is private (8405fdab).
    disabled("managed-disk-public-network", ["azure-native:compute:Disk"], ["8405fdab"],
        { unless: [{ property: "networkAccessPolicy", in: ["DenyAll", "AllowPrivate"] }] }),
    disabled("app-configuration-public-network", ["azure-native:appconfiguration:ConfigurationStore"], ["3d9f5e4c"]),
    {
        id: "ai-services-public-network", policy: POLICY, types: ["azure-native:cognitiveservices:Account"],
        problem: "Public network access is allowed", property: "properties.publicNetworkAccess", require: CLOSED, fix: "Disabled",
        whenAbsent: { default: "Enabled" }, source: { azurePolicy: ["0725b4dd"], checkov: ["CKV_AZURE_134"] },
    },
    disabled("search-public-network", ["azure-native:search:Service"], ["ee980b6d"], { source: { azurePolicy: ["ee980b6d"], checkov: ["CKV_AZURE_124"] } }),
    disabled("machine-learning-public-network", ["azure-native:machinelearningservices:Workspace"], ["438c38d2"]),
    disabled("data-factory-public-network", ["azure-native:datafactory:Factory"], ["1cf164be"], { source: { azurePolicy: ["1cf164be"], checkov: ["CKV_AZURE_104"] } }),
    disabled("data-explorer-public-network", ["azure-native:kusto:Cluster"], ["43bc7be6"]),
    disabled("databricks-public-network", ["azure-native:databricks:Workspace"], ["0e7849de"], { source: { azurePolicy: ["0e7849de"], checkov: ["CKV_AZURE_158"] } }),
    {
        // Secure cluster connectivity: the workspace's cluster nodes get no public IP (51c1490f); the default is true.
        id: "databricks-no-public-ip", policy: POLICY, types: ["azure-native:databricks:Workspace"],
        problem: "Cluster nodes get public IP addresses", property: "parameters.enableNoPublicIp.value",
        require: { equals: true }, fix: "true", whenAbsent: "pass", source: { azurePolicy: ["51c1490f"] },
    },
    disabled("event-grid-public-network", ["azure-native:eventgrid:Topic", "azure-native:eventgrid:Domain"], ["1adadefe", "f8f774be"]),
    disabled("signalr-public-network", ["azure-native:signalrservice:SignalR"], ["21a9766a"]),
    disabled("batch-public-network", ["azure-native:batch:BatchAccount"], ["74c5a0ae"]),
    disabled("api-management-public-network", ["azure-native:apimanagement:ApiManagementService"], ["df73bd95"]),
    {
        id: "automation-public-network", policy: POLICY, types: ["azure-native:automation:AutomationAccount"],
        problem: "Public network access is allowed", property: "publicNetworkAccess", require: { equals: false }, fix: "false",
        whenAbsent: { default: true }, source: { azurePolicy: ["955a914f"] },
    },
    {
        id: "recovery-vault-public-network", policy: POLICY, types: ["azure-native:recoveryservices:Vault"],
        problem: "Public network access is allowed", property: "properties.publicNetworkAccess", require: CLOSED, fix: "Disabled",
        whenAbsent: { default: "Enabled" }, source: { azurePolicy: ["9ebbbba3"] },
    },
    {
        id: "log-analytics-public-ingestion", policy: POLICY, types: ["azure-native:operationalinsights:Workspace"],
        problem: "Logs can be sent from public networks", property: "publicNetworkAccessForIngestion", require: CLOSED,
        fix: "Disabled", whenAbsent: { default: "Enabled" }, source: { azurePolicy: ["6c53d030"] },
    },
    {
        id: "log-analytics-public-query", policy: POLICY, types: ["azure-native:operationalinsights:Workspace"],
        problem: "Logs can be queried from public networks", property: "publicNetworkAccessForQuery", require: CLOSED,
        fix: "Disabled", whenAbsent: { default: "Enabled" }, source: { azurePolicy: ["6c53d030"] },
    },
    {
        id: "fhir-public-network", policy: POLICY, types: ["azure-native:healthcareapis:Service"],
        problem: "Public network access is allowed", property: "properties.publicNetworkAccess", require: CLOSED, fix: "Disabled",
        whenAbsent: { default: "Enabled" }, source: { azurePolicy: ["1ee56206"] },
    },
    {
        // An environment with only an internal load balancer has no public address (d074ddf8).
        id: "container-apps-environment-internal", policy: POLICY, types: ["azure-native:app:ManagedEnvironment"],
        problem: "The environment has a public ingress address", property: "vnetConfiguration.internal", require: { equals: true },
        fix: "true", whenAbsent: { default: false },
        unless: [{ property: "publicNetworkAccess", equals: "Disabled" }], source: { azurePolicy: ["d074ddf8"] },
    },
    {
        id: "container-app-external-ingress", policy: POLICY, types: ["azure-native:app:ContainerApp"],
        problem: "The app accepts traffic from outside its environment", property: "configuration.ingress.external",
        require: { equals: false }, fix: "false", whenAbsent: "pass", source: { azurePolicy: ["783ea2a8"] },
    },
];
