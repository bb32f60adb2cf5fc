// Programs generated against an explicit API version (`pulumi package add azure-native <module> <version>`) or an
// earlier SDK register versioned or renamed type tokens, which the installed SDK cannot type-check: they reach the
// pack as the engine sends them, and are judged as the resource they are, with that API version's defaults.

import { PolicyPack } from "../../engine/policy/analyzer";
import { failures, resource, startPack } from "./support";

let pack: PolicyPack;
beforeAll(async () => { pack = await startPack(); });
afterAll(async () => { await pack?.stop(); });

const analyze = (type: string, props: Record<string, unknown>) => pack.analyze(resource(type, "r", props));

const CLUSTER = {
    location: "francecentral", dnsPrefix: "corpus", disableLocalAccounts: true, enableRBAC: true, aadProfile: { managed: true, enableAzureRBAC: true },
    networkProfile: { networkPlugin: "azure", networkPolicy: "calico" },
    agentPoolProfiles: [{ name: "system", mode: "System", vmSize: "Standard_D4ds_v5", count: 3, enableNodePublicIP: false, enableEncryptionAtHost: true }],
};

test("a versioned AKS cluster is hardened like the default one, inline pools included", async () => {
    const type = "azure-native:containerservice/v20240102preview:ManagedCluster";
    expect(failures(await analyze(type, CLUSTER), "cluster-hardening")).toEqual([]);
    expect(failures(await analyze(type, { ...CLUSTER, disableLocalAccounts: undefined }), "cluster-hardening")).toHaveLength(1);
    expect(failures(await analyze(type, { ...CLUSTER, agentPoolProfiles: [{ ...CLUSTER.agentPoolProfiles[0], enableNodePublicIP: true }] }), "cluster-hardening"))
        .toEqual([expect.stringMatching(/agentPoolProfiles\[0\]\.enableNodePublicIP/)]);
    expect(failures(await analyze("azure-native:containerservice/v20230401:AgentPool", { enableEncryptionAtHost: false }), "cluster-hardening")).toHaveLength(1);
});

test("a storage account's omitted anonymous access is judged by its API version's default", async () => {
    const account = { location: "francecentral", kind: "StorageV2", sku: { name: "Standard_ZRS" } };
    expect(failures(await analyze("azure-native:storage/v20220901:StorageAccount", account), "no-public-data-access"))
        .toContainEqual(expect.stringMatching(/allowBlobPublicAccess.*uses true/));
    expect(failures(await analyze("azure-native:storage/v20230101:StorageAccount", account), "no-public-data-access"))
        .not.toContainEqual(expect.stringMatching(/allowBlobPublicAccess/));
});

test("renamed 2.x tokens are judged as their 3.x resource", async () => {
    expect(failures(await analyze("azure-native:documentdb:DatabaseAccount", { publicNetworkAccess: "Enabled", locations: [{ locationName: "francecentral" }] }),
        "no-public-data-access")).toHaveLength(1);
    expect(failures(await analyze("azure-native:cache:Redis", { enableNonSslPort: true, publicNetworkAccess: "Disabled" }), "tls-minimum")).toHaveLength(1);
});

test("a versioned network security group and an older Kubernetes API group are judged too", async () => {
    const rule = { name: "ssh", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "*", destinationPortRange: "22" };
    const nsg = resource("azure-native:network/v20230201:NetworkSecurityGroup", "nsg", { securityRules: [rule] });
    expect(failures(await pack.analyzeStack([nsg]), "no-public-addresses")).toHaveLength(1);
    const pod = { containers: [{ name: "c", image: "i", securityContext: { privileged: true } }] };
    const deployment = resource("kubernetes:apps/v1beta2:Deployment", "d", { metadata: { namespace: "apps" }, spec: { template: { spec: pod } } });
    expect(failures(await pack.analyzeStack([deployment]), "pod-security")).toHaveLength(1);
});
