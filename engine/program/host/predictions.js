// Outputs a provider derives from a resource's inputs alone, predicted during an offline preview so that the rules
// judge them instead of answering "cannot verify". A real preview leaves them unknown until the provider creates
// the resource; here they are known exactly when every input they are made of is known, and each predicted output
// is recorded as such (the reports say so). Anything the service chooses (a key's version, a generated name, a
// principal id) stays unknown.
//
// azure-native: the ARM resource id is the resource's REST path, built from the subscription, the resource group
// and the name parameters ("Resource ID" of each type in the Azure REST API reference, learn.microsoft.com/rest/api;
// format documented in "Azure resource ID", learn.microsoft.com/azure/azure-resource-manager/management/
// resource-name-rules and .../templates/template-functions-resource#resourceid); the `name` output is the last
// name parameter. Data-plane URIs follow the documented DNS names per cloud:
// - Key Vault: `https://{vault-name}.vault.azure.net/`, a key `https://{vault-name}.vault.azure.net/keys/{key-name}`
//   (learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates, "Object identifiers");
// - Managed HSM: `https://{hsm-name}.managedhsm.azure.net/` (learn.microsoft.com/azure/key-vault/managed-hsm/overview);
// - Storage: `https://{account}.{blob|dfs|file|queue|table}.core.windows.net/` for standard endpoints
//   (learn.microsoft.com/azure/storage/common/storage-account-overview, "Standard endpoints"); accounts with
//   Azure DNS zone endpoints get a service-chosen zone, so their endpoints are not predicted;
// - the sovereign clouds (`azure-native:environment` usgovernment, china) use their own suffixes
//   (learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure, and Azure China's
//   developer guide): predicted with theirs, and an unknown environment predicts nothing.
"use strict";

const { SIG, UNKNOWN } = require("../../wire-signatures");
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/** DNS suffixes per Azure cloud (the provider's `environment` setting). */
const CLOUDS = {
    public: { vault: "vault.azure.net", hsm: "managedhsm.azure.net", storage: "core.windows.net" },
    usgovernment: { vault: "vault.usgovcloudapi.net", hsm: "managedhsm.usgovcloudapi.net", storage: "core.usgovcloudapi.net" },
    china: { vault: "vault.azure.cn", hsm: "managedhsm.azure.cn", storage: "core.chinacloudapi.cn" },
};

const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
const providers = (namespace, rest) => `${RG}/providers/${namespace}/${rest}`;

/**
 * The ARM type of a provider path: its namespace and the type segments, which alternate with names in the path
 * (`.../providers/Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}`
 * is `Microsoft.Storage/storageAccounts/blobServices/containers`).
 */
function armTypeOf(path) {
    const [namespace, ...rest] = path.slice(path.indexOf("/providers/") + "/providers/".length).split("/");
    return [namespace, ...rest.filter((_, i) => i % 2 === 0)].join("/");
}

/**
 * azure-native types: the ARM path of the id (its placeholders are input names, and `subscriptionId`), and the
 * data-plane outputs derived from the same inputs. The ARM type comes from the path, a resource group's aside.
 */
const AZURE_NATIVE = {
    "azure-native:resources:ResourceGroup": { path: RG, armType: "Microsoft.Resources/resourceGroups" },
    "azure-native:keyvault:Vault": {
        path: providers("Microsoft.KeyVault", "vaults/{vaultName}"),
        more: (i, cloud) => ({ "properties.vaultUri": `https://${i.vaultName}.${cloud.vault}/` }),
    },
    "azure-native:keyvault:Key": {
        path: providers("Microsoft.KeyVault", "vaults/{vaultName}/keys/{keyName}"),
        // Only the version-less URI: the version is chosen by the service when the key is created.
        more: (i, cloud) => ({ keyUri: `https://${i.vaultName}.${cloud.vault}/keys/${i.keyName}` }),
    },
    "azure-native:keyvault:ManagedHsm": {
        path: providers("Microsoft.KeyVault", "managedHSMs/{name}"),
        more: (i, cloud) => ({ "properties.hsmUri": `https://${i.name}.${cloud.hsm}/` }),
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        path: providers("Microsoft.ManagedIdentity", "userAssignedIdentities/{resourceName}"),
    },
    "azure-native:storage:StorageAccount": {
        path: providers("Microsoft.Storage", "storageAccounts/{accountName}"),
        more: (i, cloud) => i.dnsEndpointType === undefined || i.dnsEndpointType === "Standard"
            ? Object.fromEntries(["blob", "dfs", "file", "queue", "table"].map(s =>
                [`primaryEndpoints.${s}`, `https://${i.accountName}.${s}.${cloud.storage}/`]))
            : {},
    },
    "azure-native:storage:EncryptionScope": {
        path: providers("Microsoft.Storage", "storageAccounts/{accountName}/encryptionScopes/{encryptionScopeName}"),
    },
    "azure-native:storage:BlobContainer": {
        path: providers("Microsoft.Storage", "storageAccounts/{accountName}/blobServices/default/containers/{containerName}"),
    },
    "azure-native:compute:DiskEncryptionSet": {
        path: providers("Microsoft.Compute", "diskEncryptionSets/{diskEncryptionSetName}"),
    },
    "azure-native:network:VirtualNetwork": {
        path: providers("Microsoft.Network", "virtualNetworks/{virtualNetworkName}"),
    },
    "azure-native:network:Subnet": {
        path: providers("Microsoft.Network", "virtualNetworks/{virtualNetworkName}/subnets/{subnetName}"),
    },
    "azure-native:network:NetworkSecurityGroup": {
        path: providers("Microsoft.Network", "networkSecurityGroups/{networkSecurityGroupName}"),
    },
    "azure-native:network:RouteTable": {
        path: providers("Microsoft.Network", "routeTables/{routeTableName}"),
    },
    "azure-native:network:PublicIPAddress": {
        path: providers("Microsoft.Network", "publicIPAddresses/{publicIpAddressName}"),
    },
    "azure-native:network:PrivateEndpoint": {
        path: providers("Microsoft.Network", "privateEndpoints/{privateEndpointName}"),
    },
    "azure-native:network:FirewallPolicy": {
        path: providers("Microsoft.Network", "firewallPolicies/{firewallPolicyName}"),
    },
    "azure-native:network:AzureFirewall": {
        path: providers("Microsoft.Network", "azureFirewalls/{azureFirewallName}"),
    },
    "azure-native:privatedns:PrivateZone": {
        path: providers("Microsoft.Network", "privateDnsZones/{privateZoneName}"),
    },
    "azure-native:containerservice:ManagedCluster": {
        path: providers("Microsoft.ContainerService", "managedClusters/{resourceName}"),
    },
    "azure-native:containerservice:AgentPool": {
        path: providers("Microsoft.ContainerService", "managedClusters/{resourceName}/agentPools/{agentPoolName}"),
    },
    "azure-native:dbforpostgresql:Server": {
        path: providers("Microsoft.DBforPostgreSQL", "flexibleServers/{serverName}"),
    },
};

/** A plain, known string (not unknown, not secret, not a resource reference). */
function known(value) {
    return typeof value === "string" && value !== "" && value !== UNKNOWN ? value : undefined;
}

function isSecretOrSpecial(value) {
    return value && typeof value === "object" && value[SIG] !== undefined;
}

/** Sets `a.b.c` in an outputs object without touching what is there (copies the objects on the way). */
function setPath(outputs, dotted, value) {
    const keys = dotted.split(".");
    let target = outputs;
    for (const key of keys.slice(0, -1)) {
        const next = target[key];
        if (next === UNKNOWN || isSecretOrSpecial(next)) return false;
        target[key] = next && typeof next === "object" && !Array.isArray(next) ? { ...next } : {};
        target = target[key];
    }
    const last = keys[keys.length - 1];
    if (target[last] !== undefined && target[last] !== UNKNOWN) return false; // the program said it: keep it
    target[last] = value;
    return true;
}

/**
 * The outputs a provider would derive from these inputs, or undefined when it cannot be known.
 * @param {string} type
 * @param {Record<string, unknown>} inputs
 * @param {Record<string, unknown>} provider the provider's configuration (its inputs)
 * @returns {{ id: string, outputs: Record<string, unknown>, predicted: string[], placeholders: string[] } | undefined}
 */
function predictOutputs(type, inputs, provider) {
    const spec = AZURE_NATIVE[type];
    if (!spec) return undefined;
    const cloud = CLOUDS[known(provider.environment) ?? "public"];
    if (!cloud) return undefined;
    const placeholders = [];
    const values = {};
    for (const [, name] of spec.path.matchAll(/\{(\w+)\}/g)) {
        if (name === "subscriptionId") {
            const subscription = known(provider.subscriptionId);
            if (!subscription) placeholders.push("azure-native:subscriptionId");
            values[name] = subscription ?? NIL_UUID;
            continue;
        }
        const value = known(inputs[name]);
        if (!value) return undefined;
        values[name] = value;
    }
    const id = spec.path.replace(/\{(\w+)\}/g, (_, name) => values[name]);
    const lastName = [...spec.path.matchAll(/\{(\w+)\}/g)].pop()[1];
    const derived = { id, name: values[lastName], type: spec.armType ?? armTypeOf(spec.path), ...(spec.more ? spec.more(inputs, cloud) : {}) };
    const outputs = {};
    const predicted = [];
    for (const [key, value] of Object.entries(derived)) {
        if (setPath(outputs, key, value)) predicted.push(key);
    }
    return { id, outputs, predicted, placeholders };
}

/** Merges predicted outputs into the preview's outputs (inputs and unknowns), keeping what the program set. */
function mergeOutputs(outputs, predictedOutputs) {
    const merged = { ...outputs };
    for (const [key, value] of Object.entries(predictedOutputs)) {
        const current = merged[key];
        if (value && typeof value === "object" && current && typeof current === "object" && !isSecretOrSpecial(current)) {
            merged[key] = mergeOutputs(current, value);
        } else if (current === undefined || current === UNKNOWN) {
            merged[key] = value;
        }
    }
    return merged;
}

/**
 * Keeps invokes as a real preview runs them. The SDK runs an output-form invoke during a preview only once the ids
 * of the resources its arguments depend on are known (runtime/invoke.js); a predicted id is known offline and
 * unknown in a real preview, so an invoke that depends on a resource with predicted outputs must stay unknown, as
 * it would (a cluster's credentials are not listed before the cluster exists). The SDK asks
 * `dependsOn.getAllTransitivelyReferencedResources` for those resources, and only the invoke path calls it through
 * the module's exports: a resource with predicted outputs adds one whose id is unknown. Returns whether installed.
 */
function deferInvokesOnPredicted(runtimeDir, isPredicted) {
    let dependsOn;
    try {
        dependsOn = require(require("path").join(runtimeDir, "runtime", "dependsOn"));
    } catch {
        return false;
    }
    const original = dependsOn.getAllTransitivelyReferencedResources;
    if (typeof original !== "function") return false;
    const notYetCreated = { __pulumiCustomResource: true, id: { isKnown: Promise.resolve(false) } };
    dependsOn.getAllTransitivelyReferencedResources = async function getAllTransitivelyReferencedResources(...args) {
        const resources = await original.apply(this, args);
        for (const r of resources) {
            const urn = r && r.urn && typeof r.urn.promise === "function" ? await r.urn.promise() : undefined;
            if (urn && isPredicted(urn)) return [...resources, notYetCreated];
        }
        return resources;
    };
    return true;
}

module.exports = { predictOutputs, mergeOutputs, deferInvokesOnPredicted, PREDICTED_TYPES: Object.keys(AZURE_NATIVE) };
