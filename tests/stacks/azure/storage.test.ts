import { ProgramRun, runWarehouse } from "../../support/program";
import { ROLES } from "../../../stacks/azure/roles";
import { roleAssignments } from "./helpers";

const PROJECTS = ["oncoprev", "covidlong", "pharmaco", "diabfr"];

describe("Azure storage (azure-prod)", () => {
    let run: ProgramRun;
    let account: any;
    beforeAll(async () => {
        run = await runWarehouse({ stack: "azure-prod" });
        account = run.one("azure-native:storage:StorageAccount");
    });

    test("an ADLS Gen2 account, zone-redundant in the region only, protected", () => {
        expect(account.protect).toBe(true);
        expect(account.inputs).toMatchObject({ accountName: "hdhprodlake", kind: "StorageV2", isHnsEnabled: true,
            sku: { name: "Standard_ZRS" }, location: "francecentral" });
    });

    test("refuses public access, shared keys, anonymous blobs, cross-tenant replication and old TLS", () => {
        expect(account.inputs).toMatchObject({
            publicNetworkAccess: "Disabled",
            networkRuleSet: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
            allowSharedKeyAccess: false, defaultToOAuthAuthentication: true,
            allowBlobPublicAccess: false, allowCrossTenantReplication: false, allowedCopyScope: "PrivateLink",
            minimumTlsVersion: "TLS1_2", enableHttpsTrafficOnly: true, isLocalUserEnabled: false, isSftpEnabled: false,
        });
    });

    test("encrypts with the platform key through the encryption identity, with infrastructure encryption", () => {
        const identity = run.ofType("azure-native:managedidentity:UserAssignedIdentity")
            .find(i => i.inputs.resourceName === "id-hdh-prod-encryption")!;
        expect(account.inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [`${identity.name}-id`] });
        expect(account.inputs.encryption).toMatchObject({
            keySource: "Microsoft.Keyvault",
            keyVaultProperties: { keyName: "platform", keyVaultUri: "https://kv-hdh-prod.vault.azure.net/" },
            encryptionIdentity: { encryptionUserAssignedIdentity: `${identity.name}-id` },
            requireInfrastructureEncryption: true,
        });
        const grant = run.ofType("azure-native:authorization:RoleAssignment").find(r => r.name.endsWith("-encryption-platform"))!;
        expect(account.dependencies).toContain(grant.urn);
    });

    test("keeps soft-deleted blobs as long as curated keeps old versions, and containers (no versioning with HNS)", () => {
        expect(run.one("azure-native:storage:BlobServiceProperties").inputs).toMatchObject({
            isVersioningEnabled: false,
            deleteRetentionPolicy: { enabled: true, days: 90 },
            containerDeleteRetentionPolicy: { enabled: true, days: 30 },
        });
    });

    test("a container per zone and per project, none public, all protected", () => {
        const containers = run.ofType("azure-native:storage:BlobContainer");
        expect(containers.map(c => c.inputs.containerName).sort())
            .toEqual(["curated", "raw", ...PROJECTS.map(p => `project-${p}`)].sort());
        for (const c of containers) {
            expect(c.inputs.publicAccess).toBe("None");
            expect(c.protect).toBe(true);
        }
        expect(run.outputs.outputs.zoneBuckets).toEqual({ raw: "raw", curated: "curated" });
    });

    test("makes the raw zone immutable for its retention; no lifecycle rule on versions an HNS account has not", () => {
        const policy = run.one("azure-native:storage:BlobContainerImmutabilityPolicy");
        expect(policy.inputs).toMatchObject({ containerName: "raw", immutabilityPeriodSinceCreationInDays: 365,
            allowProtectedAppendWrites: false });
        expect(policy.protect).toBe(true);
        expect(run.ofType("azure-native:storage:ManagementPolicy")).toEqual([]);
    });

    test("encrypts each project's container under the project's own key, with no override", () => {
        for (const project of PROJECTS) {
            const scope = run.ofType("azure-native:storage:EncryptionScope")
                .find(s => s.inputs.encryptionScopeName === `project-${project}`)!;
            expect(scope.inputs).toMatchObject({ source: "Microsoft.KeyVault", requireInfrastructureEncryption: true,
                keyVaultProperties: { keyUri: `https://kv-hdh-prod.vault.azure.net/keys/project-${project}` } });
            const container = run.ofType("azure-native:storage:BlobContainer")
                .find(c => c.inputs.containerName === `project-${project}`)!;
            expect(container.inputs).toMatchObject({ defaultEncryptionScope: `project-${project}`,
                denyEncryptionScopeOverride: true });
        }
    });

    test("isolates projects: each identity gets data access to its own container and nothing else", () => {
        const dataGrants = roleAssignments(run).filter(a => a.role === ROLES.storageBlobDataContributor);
        expect(dataGrants).toHaveLength(PROJECTS.length);
        const account = run.one("azure-native:storage:StorageAccount");
        for (const project of PROJECTS) {
            const identity = run.ofType("azure-native:managedidentity:UserAssignedIdentity")
                .find(i => i.inputs.resourceName === `id-hdh-prod-${project}`)!;
            const container = run.ofType("azure-native:storage:BlobContainer")
                .find(c => c.inputs.containerName === `project-${project}`)!;
            const own = roleAssignments(run).filter(a => a.name.includes(`-${project}-`));
            // One grant on its container, one on its key: nothing on the account, the zones or other projects.
            expect(own.map(a => a.scope).sort()).toEqual([`${container.name}-id`,
                `${run.ofType("azure-native:keyvault:Key").find(k => k.inputs.keyName === `project-${project}`)!.name}-id`].sort());
            expect(own.every(a => a.principalId === own[0].principalId)).toBe(true);
            expect(dataGrants.filter(g => g.principalId === own[0].principalId)).toHaveLength(1);
            expect(identity.inputs.tags["research-project"]).toBe(project);
        }
        expect(roleAssignments(run).some(a => a.scope === `${account.name}-id`)).toBe(false);
    });

    test("hands workloads their container, identity and storage egress, with no secret", () => {
        const config = run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.namespace === "rp-oncoprev")!;
        expect(config.inputs.data).toMatchObject({ AZURE_STORAGE_ACCOUNT: "hdhprodlake",
            AZURE_STORAGE_CONTAINER: "project-oncoprev",
            AZURE_STORAGE_DFS_ENDPOINT: "https://hdhprodlake.dfs.core.windows.net/" });
        // Each service account names its own project's identity: four projects, four different client ids.
        const clientIds = run.ofType("kubernetes:core/v1:ServiceAccount").map(sa => {
            expect(sa.inputs.metadata.name).toBe("research-workloads");
            return sa.inputs.metadata.annotations["azure.workload.identity/client-id"];
        });
        expect(clientIds.every(id => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
        expect(new Set(clientIds).size).toBe(PROJECTS.length);
        expect(run.ofType("kubernetes:core/v1:Secret")).toHaveLength(0);
        const egress = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .find(p => p.inputs.metadata.name === "allow-warehouse-services" && p.inputs.metadata.namespace === "rp-oncoprev")!;
        expect(egress.inputs.spec.egress).toEqual([
            { to: [{ ipBlock: { cidr: "10.40.128.0/24" } }], ports: [{ protocol: "TCP", port: 443 }] },
            { to: [{ ipBlock: { cidr: "10.40.128.0/24" } }], ports: [{ protocol: "TCP", port: 443 }] },
            { to: [{ ipBlock: { cidr: "10.40.129.0/24" } }], ports: [{ protocol: "TCP", port: 5432 }] },
            // Workload identity: Entra ID's published ranges on 443; the firewall narrows them to its name.
            ...["20.20.32.0/19", "20.190.128.0/18", "20.231.128.0/19", "40.126.0.0/18"].map(cidr =>
                ({ to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port: 443 }] })),
        ]);
    });

    test("reaches blob and dfs through private endpoints registered in their private DNS zones", () => {
        const endpoints = run.ofType("azure-native:network:PrivateEndpoint")
            .filter(e => e.inputs.privateLinkServiceConnections[0].privateLinkServiceId === `${account.name}-id`);
        expect(endpoints.map(e => e.inputs.privateLinkServiceConnections[0].groupIds[0]).sort()).toEqual(["blob", "dfs"]);
        for (const e of endpoints) {
            const group = run.ofType("azure-native:network:PrivateDnsZoneGroup").find(g => g.name === `${e.name}-dns`)!;
            expect(group.inputs.privateDnsZoneConfigs[0].name).toBe(e.inputs.privateLinkServiceConnections[0].groupIds[0]);
        }
        expect(run.outputs.outputs.endpoints.storage).toEqual({ url: "https://hdhprodlake.blob.core.windows.net/", private: true });
    });
});
