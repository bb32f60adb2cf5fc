import * as yaml from "js-yaml";
import { ProgramRun, runWarehouse } from "../../support/program";
import { ROLES } from "../../../stacks/azure/roles";
import { withCliLogin } from "../../../stacks/azure/kubeconfig";
import { roleAssignments } from "./helpers";

const PROJECTS = ["oncoprev", "covidlong", "pharmaco", "diabfr"];

describe("Azure compute (azure-prod)", () => {
    let run: ProgramRun;
    let cluster: any;
    beforeAll(async () => {
        run = await runWarehouse({ stack: "azure-prod" });
        cluster = run.one("azure-native:containerservice:ManagedCluster").inputs;
    });

    test("the API server is private, with no public FQDN, inside the VNet", () => {
        const apiSubnet = run.ofType("azure-native:network:Subnet").find(s => s.inputs.subnetName === "snet-apiserver")!;
        expect(cluster.apiServerAccessProfile).toMatchObject({
            enablePrivateCluster: true, enablePrivateClusterPublicFQDN: false,
            enableVnetIntegration: true, subnetId: `${apiSubnet.name}-id`,
        });
        expect(cluster.publicNetworkAccess).toBe("Disabled");
        expect(run.outputs.outputs.clusterApiAccess).toBe("private");
        expect(run.outputs.outputs.endpoints.clusterApi).toEqual({
            url: "https://hdh-prod-4f2a.privatelink.francecentral.azmk8s.io", private: true });
    });

    test("only Entra ID identities get in: managed AAD, Azure RBAC, the admin groups, local accounts disabled", () => {
        expect(cluster.aadProfile).toEqual({ managed: true, enableAzureRBAC: true,
            tenantID: "7c1d5f4e-2b8a-4c3d-9e6f-1a2b3c4d5e6f", adminGroupObjectIDs: ["4b9e2d71-8c3f-4a56-b1d0-9f7e6c5a4b32"] });
        expect(cluster.disableLocalAccounts).toBe(true);
    });

    test("disks are encrypted by a disk encryption set on the platform key, which follows rotation", () => {
        const des = run.one("azure-native:compute:DiskEncryptionSet");
        expect(des.inputs).toMatchObject({
            encryptionType: "EncryptionAtRestWithCustomerKey", rotationToLatestKeyVersionEnabled: true,
            activeKey: { keyUrl: "https://kv-hdh-prod.vault.azure.net/keys/platform/0a1b2c3d4e5f" },
        });
        expect(cluster.diskEncryptionSetID).toBe(`${des.name}-id`);
        // The identity must hold its key role before the set is created, or the set cannot reach the key.
        const grant = run.ofType("azure-native:authorization:RoleAssignment").find(r => r.name.endsWith("-encryption-platform"))!;
        expect(des.dependencies).toContain(grant.urn);
    });

    test("etcd secrets are encrypted by KMS with its own key (versions that never expire), through the private vault", () => {
        const vault = run.one("azure-native:keyvault:Vault");
        expect(cluster.securityProfile.azureKeyVaultKms).toEqual({ enabled: true,
            keyId: "https://kv-hdh-prod.vault.azure.net/keys/aks-kms/0a1b2c3d4e5f",
            keyVaultNetworkAccess: "Private", keyVaultResourceId: `${vault.name}-id` });
        const identity = run.ofType("azure-native:managedidentity:UserAssignedIdentity")
            .find(i => i.inputs.resourceName === "id-hdh-prod-aks")!;
        expect(cluster.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [`${identity.name}-id`] });
        const grants = roleAssignments(run).filter(a => a.name.includes("-cluster-"));
        expect(grants.map(g => g.role)).toEqual(expect.arrayContaining([ROLES.keyVaultCryptoUser, ROLES.networkContributor]));
    });

    test("every pool: encryption at host, no public IPs, in the cluster subnet, across the catalogue's zones", () => {
        const analytics = run.one("azure-native:containerservice:AgentPool").inputs;
        const system = cluster.agentPoolProfiles[0];
        for (const pool of [system, analytics]) {
            expect(pool).toMatchObject({ enableEncryptionAtHost: true, enableNodePublicIP: false,
                availabilityZones: ["1", "2", "3"], vnetSubnetID: expect.stringMatching(/subnet-cluster-id$/) });
        }
        expect(cluster.agentPoolProfiles).toHaveLength(1);
    });

    test("maps the neutral pools: sizes to VM sizes, counts and autoscaling bounds", () => {
        expect(cluster.agentPoolProfiles[0]).toMatchObject({ name: "system", mode: "System", vmSize: "Standard_D4ds_v5",
            count: 3, minCount: 3, maxCount: 5, enableAutoScaling: true, nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] });
        expect(run.one("azure-native:containerservice:AgentPool").inputs).toMatchObject({ agentPoolName: "analytics",
            mode: "User", vmSize: "Standard_E16ds_v5", count: 3, minCount: 3, maxCount: 12, enableAutoScaling: true });
    });

    test("enforces network policy with Cilium and leaves only through the firewall", () => {
        expect(cluster.networkProfile).toMatchObject({ networkPlugin: "azure", networkPluginMode: "overlay",
            networkDataplane: "cilium", networkPolicy: "cilium", outboundType: "userDefinedRouting",
            podCidr: "100.64.0.0/16", serviceCidr: "100.65.0.0/16" });
        // AKS checks the route table when the cluster is created: its identity must already hold the right.
        const routesGrant = run.ofType("azure-native:authorization:RoleAssignment").find(r => r.name.endsWith("-cluster-routes"))!;
        const routes = run.one("azure-native:network:RouteTable");
        expect(routesGrant.inputs.scope).toBe(`${routes.name}-id`);
        expect(run.one("azure-native:containerservice:ManagedCluster").dependencies).toContain(routesGrant.urn);
    });

    test("federates each project's identity with its namespace's workload service account", () => {
        expect(cluster.oidcIssuerProfile).toEqual({ enabled: true });
        expect(cluster.securityProfile.workloadIdentity).toEqual({ enabled: true });
        const credentials = run.ofType("azure-native:managedidentity:FederatedIdentityCredential");
        expect(credentials.map(c => c.inputs.subject).sort())
            .toEqual(PROJECTS.map(p => `system:serviceaccount:rp-${p}:research-workloads`).sort());
        for (const c of credentials) {
            expect(c.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
            expect(c.inputs.issuer).toMatch(/^https:\/\/francecentral\.oic\.prod-aks\.azure\.com\//);
        }
        const diabfr = credentials.find(c => c.inputs.subject.includes("rp-diabfr:"))!;
        expect(diabfr.inputs.resourceName).toBe("id-hdh-prod-diabfr");
    });

    test("deploys the workspaces through a provider built from the user kubeconfig, kept secret", () => {
        const provider = run.one("pulumi:providers:kubernetes");
        expect(provider.secretInputs).toContain("kubeconfig");
        const kubeconfig = yaml.load(provider.inputs.kubeconfig) as any;
        expect(kubeconfig.users[0].user.exec.args).toEqual(expect.arrayContaining(["--login", "azurecli"]));
        const namespace = run.ofType("kubernetes:core/v1:Namespace")[0];
        expect(namespace.provider).toContain(provider.urn);
        const policy = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .find(p => p.inputs.metadata.name === "allow-dns")!;
        expect(policy.inputs.spec.egress[0].to[0].podSelector.matchLabels).toEqual({ "k8s-app": "kube-dns" });
    });
});

describe("withCliLogin", () => {
    const exec = (args: string[]) => yaml.dump({ users: [{ name: "u", user: { exec: { command: "kubelogin", args } } }] });
    const argsOf = (text: string) => (yaml.load(text) as any).users[0].user.exec.args;

    test("replaces the interactive device-code login with the Azure CLI session", () => {
        const out = argsOf(withCliLogin(exec(["get-token", "--login", "devicecode", "--server-id", "S",
            "--client-id", "C", "--tenant-id", "T", "--environment", "AzurePublicCloud"])));
        expect(out).toEqual(["get-token", "--server-id", "S", "--tenant-id", "T", "--login", "azurecli"]);
    });

    test("leaves users that do not use kubelogin alone", () => {
        const text = yaml.dump({ users: [{ name: "u", user: { token: "abc" } }] });
        expect(yaml.load(withCliLogin(text))).toEqual(yaml.load(text));
    });
});
