// What Azure computes during `pulumi up` for the resources and calls the Azure target reads, faked with the shapes
// the azure-native SDK declares (ids, URIs, FQDNs, principal ids), derived from the inputs so that tests can tell
// one resource's outputs from another's.

import type { ComputedOutputs } from "./outputs";

const SUBSCRIPTION = "5e7b1c2d-3f4a-4b5c-8d6e-7f8a9b0c1d2e";
const TENANT = "7c1d5f4e-2b8a-4c3d-9e6f-1a2b3c4d5e6f";

/** A deterministic GUID-shaped id from a resource name. */
function guidOf(seed: string): string {
    let h = 0x811c9dc5;
    const hex: string[] = [];
    for (let round = 0; round < 4; round++) {
        for (const c of `${round}:${seed}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
        hex.push(h.toString(16).padStart(8, "0"));
    }
    const s = hex.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

const KUBECONFIG = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: aks",
    "  cluster:",
    "    server: https://aks-hdh-prod-4f2a.privatelink.francecentral.azmk8s.io:443",
    "users:",
    "- name: clusterUser",
    "  user:",
    "    exec:",
    "      apiVersion: client.authentication.k8s.io/v1beta1",
    "      command: kubelogin",
    "      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, " +
        "--client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, " + TENANT + ", --environment, AzurePublicCloud]",
    "contexts:",
    "- name: aks",
    "  context: {cluster: aks, user: clusterUser}",
    "current-context: aks",
].join("\n");

export const azureOutputs: ComputedOutputs = {
    "azure-native:authorization:getClientConfig": () => ({
        subscriptionId: SUBSCRIPTION, tenantId: TENANT, clientId: guidOf("deployer"), objectId: guidOf("deployer-object"),
    }),
    "azure-native:resources:ResourceGroup": args => ({ name: args.inputs.resourceGroupName ?? args.name }),
    "azure-native:managedidentity:UserAssignedIdentity": args => ({
        name: args.inputs.resourceName ?? args.name,
        principalId: guidOf(`principal:${args.name}`), clientId: guidOf(`client:${args.name}`), tenantId: TENANT,
    }),
    "azure-native:keyvault:Vault": args => ({
        name: args.inputs.vaultName,
        properties: { ...args.inputs.properties, vaultUri: `https://${args.inputs.vaultName}.vault.azure.net/` },
    }),
    "azure-native:keyvault:ManagedHsm": args => ({
        name: args.inputs.name,
        properties: { ...args.inputs.properties, hsmUri: `https://${args.inputs.name}.managedhsm.azure.net/` },
    }),
    "azure-native:keyvault:Key": args => ({
        name: args.inputs.keyName,
        keyUri: `https://${args.inputs.vaultName}.vault.azure.net/keys/${args.inputs.keyName}`,
        keyUriWithVersion: `https://${args.inputs.vaultName}.vault.azure.net/keys/${args.inputs.keyName}/0a1b2c3d4e5f`,
    }),
    "azure-native:resources:Resource": args => {
        const hsm = String(args.inputs.parentResourcePath ?? "").split("/")[1];
        const uri = `https://${hsm}.managedhsm.azure.net/keys/${args.inputs.resourceName}`;
        return { properties: { ...args.inputs.properties, keyUri: uri, keyUriWithVersion: `${uri}/0a1b2c3d4e5f` } };
    },
    "azure-native:network:AzureFirewall": args => ({
        ipConfigurations: (args.inputs.ipConfigurations ?? []).map((c: any) => ({ ...c, privateIPAddress: "10.40.130.4" })),
    }),
    "azure-native:network:PrivateEndpoint": args => ({ name: args.inputs.privateEndpointName }),
    "azure-native:network:VirtualNetwork": args => ({ name: args.inputs.virtualNetworkName }),
    "azure-native:network:Subnet": args => ({ name: args.inputs.subnetName }),
    "azure-native:network:FirewallPolicy": args => ({ name: args.inputs.firewallPolicyName }),
    "azure-native:privatedns:PrivateZone": args => ({ name: args.inputs.privateZoneName }),
    "azure-native:containerservice:ManagedCluster": args => ({
        name: args.inputs.resourceName,
        privateFQDN: `${args.inputs.dnsPrefix}-4f2a.privatelink.${args.inputs.location}.azmk8s.io`,
        oidcIssuerProfile: { enabled: true, issuerURL: `https://${args.inputs.location}.oic.prod-aks.azure.com/${TENANT}/${guidOf(args.name)}/` },
    }),
    "azure-native:containerservice:listManagedClusterUserCredentials": () => ({
        kubeconfigs: [{ name: "clusterUser", value: Buffer.from(KUBECONFIG).toString("base64") }],
    }),
    "azure-native:storage:StorageAccount": args => ({
        name: args.inputs.accountName,
        primaryEndpoints: {
            blob: `https://${args.inputs.accountName}.blob.core.windows.net/`,
            dfs: `https://${args.inputs.accountName}.dfs.core.windows.net/`,
        },
    }),
    "azure-native:storage:BlobContainer": args => ({ name: args.inputs.containerName }),
    "azure-native:storage:EncryptionScope": args => ({ name: args.inputs.encryptionScopeName }),
    "azure-native:dbforpostgresql:Server": args => ({
        name: args.inputs.serverName,
        fullyQualifiedDomainName: `${args.inputs.serverName}.postgres.database.azure.com`,
    }),
    "azure-native:dbforpostgresql:Database": args => ({ name: args.inputs.databaseName }),
};
