// Sign-in with Entra ID identities only, declared per service: shared keys, access keys, SAS, admin users and
// local passwords are credentials that leak, are shared and outlive the people who hold them. Each row names the
// switch that turns the local method off and what the service does when the program leaves it out (most keep
// local authentication on by default).
// Sources: the Azure Policy built-in definitions on each row ("... should have local authentication methods
// disabled"); @pulumi/azure-native 3.28 property descriptions.

import { PropertyCheck } from "./model";

const POLICY = "no-shared-keys";
const LOCAL_ON = "Local (key or password) authentication is allowed";

/** A `disableLocalAuth`-style switch that must be true and defaults to false. */
function off(id: string, types: readonly string[], property: string, azurePolicy: readonly string[], extra: Partial<PropertyCheck> = {}): PropertyCheck {
    return {
        id, policy: POLICY, types, property, problem: LOCAL_ON, require: { equals: true }, fix: "true",
        whenAbsent: { default: false }, source: { azurePolicy }, ...extra,
    };
}

/** Sign-in passwords on a Linux virtual machine: allowed unless password authentication is disabled. */
function linuxPasswords(id: string, type: string, prefix: string): PropertyCheck {
    return {
        id, policy: POLICY, types: [type], property: `${prefix}osProfile.linuxConfiguration.disablePasswordAuthentication`,
        problem: "The Linux machine accepts password sign-in", require: { equals: true }, fix: "true, with SSH keys",
        // With no password given, Azure refuses the machine unless password sign-in is off; only a password makes it on.
        whenAbsent: "fail", onlyIf: [{ property: `${prefix}osProfile.linuxConfiguration`, present: true }],
        unless: [{ property: `${prefix}osProfile.adminPassword`, absent: true }],
        source: { checkov: ["CKV_AZURE_1", "CKV_AZURE_49"], docs: ["https://learn.microsoft.com/azure/virtual-machines/linux/create-ssh-keys-detailed"] },
    };
}

export const AUTHENTICATION_CHECKS: readonly PropertyCheck[] = [
    {
        // "The default value is null, which is equivalent to true."
        id: "storage-shared-key", policy: POLICY, types: ["azure-native:storage:StorageAccount"], property: "allowSharedKeyAccess",
        problem: "Shared-key (account key and SAS) access is allowed", require: { equals: false }, fix: "false, and grant access to Entra ID identities",
        whenAbsent: { default: true }, source: { azurePolicy: ["8c6a50c6"], checkov: ["CKV2_AZURE_40"] },
    },
    off("cosmosdb-local-auth", ["azure-native:cosmosdb:DatabaseAccount"], "disableLocalAuth", ["5450f5bd"],
        { source: { azurePolicy: ["5450f5bd"], checkov: ["CKV_AZURE_140"] } }),
    off("service-bus-local-auth", ["azure-native:servicebus:Namespace"], "disableLocalAuth", ["cfb11c26"]),
    off("event-hubs-local-auth", ["azure-native:eventhub:Namespace"], "disableLocalAuth", ["5d4e3c65"]),
    off("event-grid-local-auth", ["azure-native:eventgrid:Topic", "azure-native:eventgrid:Domain"], "disableLocalAuth", ["ae9fb87f", "8bfadddb"]),
    off("app-configuration-local-auth", ["azure-native:appconfiguration:ConfigurationStore"], "disableLocalAuth", ["b08ab3ca"]),
    off("ai-services-local-auth", ["azure-native:cognitiveservices:Account"], "properties.disableLocalAuth", ["71ef260a"]),
    off("search-local-auth", ["azure-native:search:Service"], "disableLocalAuth", ["6300012e"]),
    off("signalr-local-auth", ["azure-native:signalrservice:SignalR"], "disableLocalAuth", ["f70eecba"]),
    off("automation-local-auth", ["azure-native:automation:AutomationAccount"], "disableLocalAuth", ["48c5f1cb"]),
    off("log-analytics-local-auth", ["azure-native:operationalinsights:Workspace"], "features.disableLocalAuth", ["e15effd4"]),
    off("redis-access-keys", ["azure-native:redis:Redis"], "disableAccessKeyAuthentication", ["3827af20"]),
    {
        id: "batch-shared-key", policy: POLICY, types: ["azure-native:batch:BatchAccount"], property: "allowedAuthenticationModes[*]",
        problem: "Shared-key authentication is allowed", require: { notIn: ["SharedKey", "TaskAuthenticationToken"] },
        fix: "AAD only (remove SharedKey)", whenAbsent: "pass", source: { azurePolicy: ["6f68b69f"] },
    },
    {
        id: "container-registry-admin-user", policy: POLICY, types: ["azure-native:containerregistry:Registry"], property: "adminUserEnabled",
        problem: "The registry's shared admin account is enabled", require: { equals: false }, fix: "false",
        whenAbsent: { default: false }, source: { azurePolicy: ["dc921057"], checkov: ["CKV_AZURE_137"] },
    },
    {
        // Access policies grant rights outside Azure RBAC and its audit; "if null or not specified ... false".
        id: "keyvault-rbac", policy: POLICY, types: ["azure-native:keyvault:Vault"], property: "properties.enableRbacAuthorization",
        problem: "The vault authorises data access with access policies, not Azure RBAC", require: { equals: true }, fix: "true",
        whenAbsent: { default: false }, source: { azurePolicy: ["12d4fa5e"] },
    },
    {
        // Entra ID only: "passwordAuth" is Enabled unless switched off (PostgreSQL flexible server authConfig).
        id: "postgresql-flexible-password-auth", policy: POLICY, types: ["azure-native:dbforpostgresql:Server"], property: "authConfig.passwordAuth",
        problem: "Password sign-in to the database is allowed", require: { equals: "Disabled" }, fix: "Disabled, with `activeDirectoryAuth` Enabled",
        whenAbsent: { default: "Enabled" }, source: { azurePolicy: ["fa498b91"] },
    },
    {
        id: "synapse-entra-only", policy: POLICY, types: ["azure-native:synapse:Workspace"], property: "azureADOnlyAuthentication",
        problem: "SQL password sign-in to the workspace is allowed", require: { equals: true }, fix: "true",
        whenAbsent: { default: false }, source: { azurePolicy: ["2158ddbe", "6ea81a52"] },
    },
    {
        id: "app-service-ftp-basic-auth", policy: POLICY, types: ["azure-native:web:WebAppFtpAllowed", "azure-native:web:WebAppFtpAllowedSlot"],
        property: "allow", problem: "FTP deployments accept basic (user and password) credentials", require: { equals: false }, fix: "false",
        whenAbsent: "fail", source: { azurePolicy: ["871b205b", "ec71c0bc"] },
    },
    {
        id: "app-service-scm-basic-auth", policy: POLICY, types: ["azure-native:web:WebAppScmAllowed", "azure-native:web:WebAppScmAllowedSlot"],
        property: "allow", problem: "SCM (Kudu) deployments accept basic (user and password) credentials", require: { equals: false }, fix: "false",
        whenAbsent: "fail", source: { azurePolicy: ["aede300b"] },
    },
    linuxPasswords("vm-linux-password", "azure-native:compute:VirtualMachine", ""),
    linuxPasswords("vmss-linux-password", "azure-native:compute:VirtualMachineScaleSet", "virtualMachineProfile."),
];

const SERVER_POLICY = "database-server-settings";

/**
 * Settings a database server can carry itself or receive from a child resource that the program declares beside
 * it (an encryption protector, an Entra-only authentication resource, a server parameter): judged over the whole
 * program so that either form passes.
 */
export const SERVER_SETTING_CHECKS: readonly PropertyCheck[] = [
    {
        id: "sql-server-customer-key", policy: SERVER_POLICY, types: ["azure-native:sql:Server"], property: "keyId",
        problem: "The SQL server's data (TDE) is encrypted with a Microsoft-managed key",
        require: { present: true }, fix: "the URI of a Key Vault key (or declare a sql.EncryptionProtector with serverKeyType AzureKeyVault)",
        whenAbsent: "fail",
        companions: [{ type: "azure-native:sql:EncryptionProtector", where: [{ property: "serverKeyType", equals: "AzureKeyVault" }] }],
        source: { azurePolicy: ["0a370ff3"], checkov: ["CKV2_AZURE_27"] },
    },
    {
        id: "sql-server-entra-only", policy: SERVER_POLICY, types: ["azure-native:sql:Server"], property: "administrators.azureADOnlyAuthentication",
        problem: "SQL password sign-in to the server is allowed", require: { equals: true },
        fix: "true, with an Entra ID administrator (or declare a sql.ServerAzureADOnlyAuthentication with azureADOnlyAuthentication true)",
        whenAbsent: { default: false },
        companions: [{ type: "azure-native:sql:ServerAzureADOnlyAuthentication", where: [{ property: "azureADOnlyAuthentication", equals: true }] }],
        source: { azurePolicy: ["b3a22bc9", "abda6d70"] },
    },
    {
        id: "sql-managed-instance-entra-only", policy: SERVER_POLICY, types: ["azure-native:sql:ManagedInstance"],
        property: "administrators.azureADOnlyAuthentication", problem: "SQL password sign-in to the managed instance is allowed",
        require: { equals: true },
        fix: "true (or declare a sql.ManagedInstanceAzureADOnlyAuthentication with azureADOnlyAuthentication true)",
        whenAbsent: { default: false },
        companions: [{ type: "azure-native:sql:ManagedInstanceAzureADOnlyAuthentication", where: [{ property: "azureADOnlyAuthentication", equals: true }] }],
        source: { azurePolicy: ["0c28c3fb", "78215662"] },
    },
    {
        // MySQL flexible server turns Entra-only on with the server parameter aad_auth_only (40e85574).
        id: "mysql-flexible-entra-only", policy: SERVER_POLICY, types: ["azure-native:dbformysql:Server"], property: "administratorLoginPassword",
        problem: "Password sign-in to the MySQL server is allowed", require: { absent: true },
        fix: "nothing (remove the password) and declare a dbformysql.Configuration aad_auth_only = ON with an Entra ID administrator",
        whenAbsent: "pass",
        companions: [{ type: "azure-native:dbformysql:Configuration", where: [{ property: "configurationName", equals: "aad_auth_only" }, { property: "value", equals: "ON" }] }],
        source: { azurePolicy: ["40e85574"] },
    },
];
