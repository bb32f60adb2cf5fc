// Fix texts are read by teams that have never seen this repository (issue 19, point 9): they name the property to
// set on the resource, or the pack setting to use, never a file of this repository.

import { PolicyPack } from "../../engine/policy/analyzer";
import { AZ, CT, OVH } from "./fixtures";
import { provider, resource, startPack } from "./support";

let pack: PolicyPack;
beforeAll(async () => { pack = await startPack(); });
afterAll(async () => { await pack?.stop(); });

const REPOSITORY_FILE = /policies\/|catalog\/|\b\w+\.(ts|md|json)\b|research notes/;

test("no policy's remediation steps point at a file of this repository", async () => {
    const info = await pack.info();
    for (const p of info.policies) expect({ policy: p.name, steps: p.remediationSteps }).not.toEqual({ policy: p.name, steps: expect.stringMatching(REPOSITORY_FILE) });
});

test("each finding of the residency, jurisdiction and key rules names the property or the pack setting to change", async () => {
    const azure = provider("azure-native", "default_3_28_0", { location: "westus" });
    const cases = [
        resource("azure-native:storage:StorageAccount", "a", { ...AZ.account, location: "marsnorth", sku: { name: "Standard_GRS" }, allowCrossTenantReplication: true }),
        resource("azure-native:sql:Server", "s", { resourceGroupName: "rg" }, { provider: azure }),
        resource("azure-native:sql:Server", "s2", { resourceGroupName: "rg" }),
        resource("azure-native:cosmosdb:DatabaseAccount", "c", { location: "francecentral", locations: [{ locationName: "eastus" }] }),
        resource("azure-native:network:VirtualNetwork", "v", { location: "global" }),
        resource("aws:s3/bucket:Bucket", "b", {}, { provider: provider("aws", "default", {}) }),
        resource("ovh:CloudProject/database:Database", "d", { ...OVH.database, plan: "essential", backupRegions: ["BHS"] }),
        resource("ovh:CloudProject/containerRegistry:ContainerRegistry", "r", { region: "GRA", serviceName: "p" }),
        resource("azure-native:keyvault:Key", "k", { properties: { kty: "RSA", keySize: 2048, attributes: { exportable: true } } }),
        resource("azure-native:keyvault:Vault", "kv", { ...AZ.vault, properties: { ...AZ.vault.properties, enablePurgeProtection: false, enableSoftDelete: false, softDeleteRetentionInDays: 3 } }),
        resource("vault:transit/secretBackendKey:SecretBackendKey", "t", { ...CT.transitKey, type: "aes128-gcm96", autoRotatePeriod: 0, deletionAllowed: true, allowPlaintextBackup: true },
            { provider: provider("vault", "openbao", CT.vaultProvider) }),
    ];
    const mine = ["allowed-regions", "replicas-in-jurisdiction", "provider-jurisdiction", "certified-services", "key-strength",
        "key-rotation", "key-recovery-protection", "key-custody"];
    let judged = 0;
    for (const r of cases) {
        for (const d of await pack.analyze(r)) {
            expect({ policy: d.policyName, message: d.message }).not.toEqual({ policy: d.policyName, message: expect.stringMatching(REPOSITORY_FILE) });
            if (!mine.includes(d.policyName)) continue;
            judged++;
            expect({ policy: d.policyName, message: d.message }).toEqual({ policy: d.policyName, message: expect.stringMatching(/`[A-Za-z][\w.[\]:-]*`/) });
        }
    }
    expect(judged).toBeGreaterThan(15);
});
