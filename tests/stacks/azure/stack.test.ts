import { ProgramRun, runWarehouse } from "../../support/program";
import { acceptsTags, azureResources } from "./helpers";

const LABELS = { "warehouse": "hdh", "environment": "prod", "owner": "plateforme-donnees", "cost-centre": "cc-4200",
    "data-classification": "health-pseudonymised", "managed-by": "pulumi" };

/** Everything that holds data or keys, and the group that holds them all. */
const STATEFUL = ["azure-native:resources:ResourceGroup", "azure-native:storage:StorageAccount",
    "azure-native:storage:BlobContainer", "azure-native:storage:EncryptionScope", "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key", "azure-native:dbforpostgresql:Server", "azure-native:dbforpostgresql:Database"];

describe("The Azure stack as a whole (azure-prod)", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "azure-prod" }); });

    test("builds the five blocks as Azure components under the warehouse", () => {
        const warehouse = run.one("health-data:warehouse:HealthDataWarehouse");
        for (const block of ["Network", "Keys", "Compute", "Storage", "Catalog"]) {
            expect(run.one(`health-data:azure:${block}`).parent).toBe(warehouse.urn);
        }
        const blocks = new Set(run.ofType("health-data:azure:Network").concat(
            ...["Keys", "Compute", "Storage", "Catalog"].map(b => run.ofType(`health-data:azure:${b}`))).map(b => b.urn));
        for (const r of azureResources(run)) expect(blocks).toContain(r.parent);
    });

    test("tags every resource that takes tags with the warehouse labels", () => {
        const taggable = azureResources(run).filter(r => acceptsTags(r.type));
        for (const type of ["StorageAccount", "Vault", "Key", "ManagedCluster", "AgentPool", "Server", "VirtualNetwork",
            "NetworkSecurityGroup", "PrivateEndpoint", "AzureFirewall", "UserAssignedIdentity", "PrivateZone"]) {
            expect(taggable.map(r => r.type.split(":")[2])).toContain(type);
        }
        const untagged = taggable.filter(r => !r.inputs.tags || Object.entries(LABELS).some(([k, v]) => r.inputs.tags[k] !== v));
        expect(untagged.map(r => `${r.type} ${r.name}`)).toEqual([]);
        // Node pools are tagged too (their VMs carry the tags).
        expect(run.one("azure-native:containerservice:ManagedCluster").inputs.agentPoolProfiles[0].tags).toMatchObject(LABELS);
    });

    test("protects every stateful resource against deletion", () => {
        const stateful = run.resources.filter(r => STATEFUL.includes(r.type));
        expect(stateful.length).toBe(1 + 1 + 7 + 4 + 1 + 5 + 1 + 1);
        expect(stateful.filter(r => !r.protect).map(r => r.name)).toEqual([]);
    });

    test("exposes no public endpoint except the firewall's egress address", () => {
        const ips = run.ofType("azure-native:network:PublicIPAddress");
        expect(ips).toHaveLength(1);
        const firewall = run.one("azure-native:network:AzureFirewall");
        expect(firewall.inputs.ipConfigurations[0].publicIPAddress).toEqual({ id: `${ips[0].name}-id` });
        expect(run.outputs.outputs.privateEndpoints).toHaveLength(4);
        expect(Object.values(run.outputs.outputs.endpoints).every((e: any) => e.private)).toBe(true);
    });

    test("exports the neutral outputs", () => {
        expect(run.outputs.outputs).toMatchObject({
            target: "azure", region: "francecentral", jurisdiction: "FR", encryption: "customer-managed-key",
            storageEndpoint: "https://hdhprodlake.blob.core.windows.net/", clusterName: "aks-hdh-prod",
            projects: { covidlong: { bucket: "project-covidlong", namespace: "rp-covidlong",
                keyId: "https://kv-hdh-prod.vault.azure.net/keys/project-covidlong" } },
        });
    });

    test("registers a bounded number of resources", () => {
        // Logged for the record: previews of azure-native slow down with thousands of resources.
        console.log(`azure-prod registers ${run.resources.length} resources ` +
            `(${azureResources(run).length} azure-native, ${run.resources.filter(r => r.type.startsWith("kubernetes:")).length} kubernetes)`);
        expect(run.resources.length).toBeLessThan(250);
    });
});
