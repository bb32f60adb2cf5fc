// Outputs a provider derives from inputs alone are predicted offline (ids, Key Vault and key URIs, storage
// endpoints), so that the key rules judge them; what the service chooses stays unknown, and an invoke that depends
// on a predicted resource stays unknown as in a real preview.

import { planStacks } from "../../engine/run";
import type { StackPlan } from "../../engine/plan";
import { UNKNOWN } from "../../engine/wire";
import { ROOT } from "../cli/support";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { predictOutputs, mergeOutputs } = require("../../engine/program/host/predictions");

const SUB = "11111111-2222-3333-4444-555555555555";

describe("outputs predicted from inputs", () => {
    test("a Key Vault: its ARM id, name and URI, in the documented formats", () => {
        const p = predictOutputs("azure-native:keyvault:Vault", { vaultName: "kv-hdh", resourceGroupName: "rg-hdh" },
            { subscriptionId: SUB });
        expect(p.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-hdh/providers/Microsoft.KeyVault/vaults/kv-hdh`);
        expect(p.outputs).toEqual({ id: p.id, name: "kv-hdh", type: "Microsoft.KeyVault/vaults", properties: { vaultUri: "https://kv-hdh.vault.azure.net/" } });
        expect(p.predicted.sort()).toEqual(["id", "name", "properties.vaultUri", "type"]);
        expect(p.placeholders).toEqual([]);
    });

    test("a child type's ARM type skips the names in its path, literal ones included", () => {
        const p = predictOutputs("azure-native:storage:BlobContainer",
            { accountName: "hdhlake", containerName: "raw", resourceGroupName: "rg" }, { subscriptionId: SUB });
        expect(p.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/hdhlake/blobServices/default/containers/raw`);
        expect(p.outputs.type).toBe("Microsoft.Storage/storageAccounts/blobServices/containers");
        const rg = predictOutputs("azure-native:resources:ResourceGroup", { resourceGroupName: "rg" }, { subscriptionId: SUB });
        expect(rg.outputs.type).toBe("Microsoft.Resources/resourceGroups");
    });

    test("a key: the version-less URI only (the service picks the version), in the cloud the provider targets", () => {
        const p = predictOutputs("azure-native:keyvault:Key", { vaultName: "kv", keyName: "platform", resourceGroupName: "rg" },
            { subscriptionId: SUB, environment: "china" });
        expect(p.outputs.keyUri).toBe("https://kv.vault.azure.cn/keys/platform");
        expect(p.outputs.keyUriWithVersion).toBeUndefined();
        expect(predictOutputs("azure-native:keyvault:Key", { vaultName: "kv", keyName: "k", resourceGroupName: "rg" },
            { environment: "somewhere-else" })).toBeUndefined();
    });

    test("nothing when a name is unknown or left to the provider; a placeholder subscription is said", () => {
        expect(predictOutputs("azure-native:keyvault:Vault", { vaultName: UNKNOWN, resourceGroupName: "rg" }, { subscriptionId: SUB })).toBeUndefined();
        expect(predictOutputs("azure-native:storage:StorageAccount", { resourceGroupName: "rg" }, { subscriptionId: SUB })).toBeUndefined();
        expect(predictOutputs("azure-native:network:Unlisted", { name: "x" }, {})).toBeUndefined();
        const p = predictOutputs("azure-native:resources:ResourceGroup", { resourceGroupName: "rg" }, {});
        expect(p.id).toBe("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg");
        expect(p.placeholders).toEqual(["azure-native:subscriptionId"]);
    });

    test("storage endpoints only for standard DNS endpoints; the program's own values are kept", () => {
        const standard = predictOutputs("azure-native:storage:StorageAccount", { accountName: "sthdh", resourceGroupName: "rg" }, { subscriptionId: SUB });
        expect(standard.outputs.primaryEndpoints).toMatchObject({ blob: "https://sthdh.blob.core.windows.net/", dfs: "https://sthdh.dfs.core.windows.net/" });
        const zoned = predictOutputs("azure-native:storage:StorageAccount", { accountName: "sthdh", resourceGroupName: "rg", dnsEndpointType: "AzureDnsZone" }, { subscriptionId: SUB });
        expect(zoned.outputs.primaryEndpoints).toBeUndefined();
        expect(mergeOutputs({ properties: { sku: "premium", vaultUri: "https://given/" } }, { properties: { vaultUri: "https://predicted/" }, name: "kv" }))
            .toEqual({ properties: { sku: "premium", vaultUri: "https://given/" }, name: "kv" });
    });
});

describe("the production stack with predicted outputs", () => {
    let predicted: StackPlan;
    let exact: StackPlan;
    beforeAll(async () => {
        const selection = { programDir: ROOT, stacks: ["azure-prod"], config: {}, env: process.env };
        [[predicted], [exact]] = await Promise.all([planStacks(selection), planStacks({ ...selection, predict: false })]);
    }, 240_000);
    const account = (plan: StackPlan) => plan.resources.find(r => r.type === "azure-native:storage:StorageAccount")!;

    test("the storage account's customer-managed key is known: vault URI, key name, encryption identity", () => {
        const encryption = account(predicted).inputs.encryption as any;
        expect(encryption.keySource).toBe("Microsoft.Keyvault");
        expect(encryption.keyVaultProperties.keyVaultUri).toMatch(/^https:\/\/[a-z0-9-]+\.vault\.azure\.net\/$/);
        expect(encryption.encryptionIdentity.encryptionUserAssignedIdentity)
            .toMatch(/^\/subscriptions\/[0-9a-f-]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/);
        // Without prediction it is unknown, as in a real preview.
        expect(account(exact).inputs.encryption).toBe(UNKNOWN);
    });

    test("predicted outputs are marked, a note says so, and the cluster's credentials are not listed before it exists", () => {
        const vault = predicted.resources.find(r => r.type === "azure-native:keyvault:Vault")!;
        expect(vault.predicted).toEqual(expect.arrayContaining(["id", "name", "properties.vaultUri"]));
        expect(predicted.notes.some(n => /predicted from their inputs/.test(n))).toBe(true);
        expect(predicted.notes.some(n => /placeholder for azure-native:subscriptionId/.test(n))).toBe(true);
        expect(exact.notes.some(n => /predicted/.test(n))).toBe(false);
        // The kubeconfig comes from an invoke on the cluster: unknown, as a real preview leaves it.
        const kubernetes = predicted.resources.find(r => r.type === "pulumi:providers:kubernetes")!;
        expect(JSON.stringify(kubernetes.inputs.kubeconfig)).toContain(UNKNOWN);
        // The versioned key URI the cluster's KMS needs is chosen by Key Vault: still unknown.
        const cluster = predicted.resources.find(r => r.type === "azure-native:containerservice:ManagedCluster")!;
        expect(cluster.inputs.securityProfile).toBe(UNKNOWN);
    });
});
