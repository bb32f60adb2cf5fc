// Azure built-in roles by their fixed ids (the same in every tenant), with the actions and data actions Microsoft's
// reference lists for each (learn.microsoft.com/azure/role-based-access-control/built-in-roles, sections General,
// Storage, Security and Networking), and what a grant of one confers in the verifier's classes. Only the roles the
// stacks assign and those a mistake would most likely use are listed; any other id cannot be judged and is reported.

import { CloudAccess } from "./intents";

interface RoleDefinition {
    readonly name: string;
    readonly actions: readonly string[];
    readonly notActions?: readonly string[];
    readonly dataActions?: readonly string[];
}

const BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";
const KEYS = "Microsoft.KeyVault/vaults/keys";
const MONITORING = ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*",
    "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*"];

export const AZURE_BUILT_IN_ROLES: Readonly<Record<string, RoleDefinition>> = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": { name: "Owner", actions: ["*"] },
    "b24988ac-6180-42a0-ab88-20f7382dd24c": { name: "Contributor", actions: ["*"],
        notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"] },
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": { name: "Reader", actions: ["*/read"] },
    "18d7d88d-d35e-4fb5-a5c3-7773c4a72d9d": { name: "User Access Administrator", actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"] },
    "4d97b98b-1d4f-4787-a291-c67834d212e7": { name: "Network Contributor", actions: [...MONITORING, "Microsoft.Network/*",
        "Microsoft.ResourceHealth/availabilityStatuses/read"] },
    "17d1049b-9a84-46fb-8f53-869881c3d3ab": { name: "Storage Account Contributor", actions: [...MONITORING,
        "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action", "Microsoft.Storage/storageAccounts/*"] },
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": { name: "Storage Blob Data Contributor",
        actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/delete", "Microsoft.Storage/storageAccounts/blobServices/containers/read",
            "Microsoft.Storage/storageAccounts/blobServices/containers/write", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
        dataActions: [`${BLOBS}/delete`, `${BLOBS}/read`, `${BLOBS}/write`, `${BLOBS}/move/action`, `${BLOBS}/add/action`] },
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": { name: "Storage Blob Data Owner",
        actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/*", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
        dataActions: [`${BLOBS}/*`] },
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": { name: "Storage Blob Data Reader",
        actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
        dataActions: [`${BLOBS}/read`] },
    "f25e0fa2-a7c8-4377-a976-54943a77a395": { name: "Key Vault Contributor", actions: [...MONITORING, "Microsoft.KeyVault/*"],
        notActions: ["Microsoft.KeyVault/locations/deletedVaults/purge/action", "Microsoft.KeyVault/hsmPools/*", "Microsoft.KeyVault/managedHsms/*"] },
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": { name: "Key Vault Administrator", actions: [...MONITORING,
        "Microsoft.KeyVault/checkNameAvailability/read", "Microsoft.KeyVault/deletedVaults/read", "Microsoft.KeyVault/locations/*/read",
        "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read"], dataActions: ["Microsoft.KeyVault/vaults/*"] },
    "14b46e9e-c2b7-41b4-b07b-48a6ebf60603": { name: "Key Vault Crypto Officer", actions: [...MONITORING,
        "Microsoft.KeyVault/checkNameAvailability/read", "Microsoft.KeyVault/deletedVaults/read", "Microsoft.KeyVault/locations/*/read",
        "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read"],
        dataActions: [`${KEYS}/*`, "Microsoft.KeyVault/vaults/keyrotationpolicies/*"] },
    "12338af0-0e69-4776-bea7-57ae8d297424": { name: "Key Vault Crypto User", actions: MONITORING,
        dataActions: [`${KEYS}/read`, `${KEYS}/update/action`, `${KEYS}/backup/action`, `${KEYS}/encrypt/action`, `${KEYS}/decrypt/action`,
            `${KEYS}/wrap/action`, `${KEYS}/unwrap/action`, `${KEYS}/sign/action`, `${KEYS}/verify/action`] },
    "e147488a-f6f5-4113-8e2d-b22465e65bf6": { name: "Key Vault Crypto Service Encryption User",
        actions: ["Microsoft.EventGrid/eventSubscriptions/write", "Microsoft.EventGrid/eventSubscriptions/read", "Microsoft.EventGrid/eventSubscriptions/delete"],
        dataActions: [`${KEYS}/read`, `${KEYS}/wrap/action`, `${KEYS}/unwrap/action`] },
};

/**
 * Operations that decide a class. Network rules: what filters or routes traffic to the warehouse's services (NSGs
 * and their rules, subnets, which carry the NSG and route table, routes, the firewall and its policy, private DNS,
 * and the firewalls of the storage account and the vault, which are properties of the account and vault themselves).
 * Shared-key listing is data access: with a key, a caller reads every blob of the account.
 */
const CLASSES: readonly { readonly access: CloudAccess; readonly actions?: readonly string[]; readonly dataActions?: readonly string[];
    readonly allData?: boolean }[] = [
    { access: "data-read", dataActions: [`${BLOBS}/read`], actions: ["Microsoft.Storage/storageAccounts/listKeys/action"] },
    // Read and write: both data actions, or the account key.
    { access: "data", dataActions: [`${BLOBS}/read`, `${BLOBS}/write`], allData: true, actions: ["Microsoft.Storage/storageAccounts/listKeys/action"] },
    { access: "key-crypto", dataActions: [`${KEYS}/wrap/action`, `${KEYS}/unwrap/action`, `${KEYS}/encrypt/action`, `${KEYS}/decrypt/action`] },
    { access: "assign-roles", actions: ["Microsoft.Authorization/roleAssignments/write"] },
    { access: "network-rules", actions: ["Microsoft.Network/networkSecurityGroups/write", "Microsoft.Network/networkSecurityGroups/securityRules/write",
        "Microsoft.Network/virtualNetworks/subnets/write", "Microsoft.Network/routeTables/write", "Microsoft.Network/routeTables/routes/write",
        "Microsoft.Network/azureFirewalls/write", "Microsoft.Network/firewallPolicies/ruleCollectionGroups/write",
        "Microsoft.Network/privateDnsZones/write", "Microsoft.Storage/storageAccounts/write", "Microsoft.KeyVault/vaults/write"] },
];

/** Azure's wildcard semantics: `*` matches any run of characters; case-insensitive. */
function matches(pattern: string, operation: string): boolean {
    const re = new RegExp(`^${pattern.split("*").map(p => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
    return re.test(operation);
}

const allowed = (granted: readonly string[] = [], denied: readonly string[] = [], operation: string) =>
    granted.some(p => matches(p, operation)) && !denied.some(p => matches(p, operation));

/** The classes a role confers ("read" always), or undefined for a role this table does not know. */
const derived = new Map<string, { readonly name: string; readonly access: ReadonlySet<CloudAccess> }>();

export function azureRoleAccess(roleId: string): { readonly name: string; readonly access: ReadonlySet<CloudAccess> } | undefined {
    const id = roleId.toLowerCase();
    const role = AZURE_BUILT_IN_ROLES[id];
    if (!role) return undefined;
    const known = derived.get(id);
    if (known) return known;
    const access = new Set<CloudAccess>(["read"]);
    const dataGranted = (op: string) => allowed(role.dataActions, [], op);
    for (const c of CLASSES) {
        const data = c.dataActions?.length ? (c.allData ? c.dataActions.every(dataGranted) : c.dataActions.some(dataGranted)) : false;
        if (data || (c.actions ?? []).some(op => allowed(role.actions, role.notActions, op))) access.add(c.access);
    }
    const result = { name: role.name, access };
    derived.set(id, result);
    return result;
}
