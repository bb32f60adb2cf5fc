// Whole-program rules through analyzeStack: project namespaces walled off, per-project keys and buckets, every
// bucket covered by a key, private endpoints and a restricted cluster API.

import { AnalyzerResource, PolicyPack } from "../../engine/policy/analyzer";
import { AZ, CT, OVH } from "./fixtures";
import { UNKNOWN, failures, provider, resource, startPack } from "./support";

let pack: PolicyPack;
beforeAll(async () => { pack = await startPack(); });
afterAll(async () => { await pack?.stop(); });

const LABEL = "health-data.fr/research-project";
function workspace(id: string, opts: { deny?: boolean; quota?: boolean } = {}): AnalyzerResource[] {
    const ns = `rp-${id}`;
    const out = [resource("kubernetes:core/v1:Namespace", `${id}-namespace`, { metadata: { name: ns,
        labels: { [LABEL]: id, "pod-security.kubernetes.io/enforce": "restricted" } } })];
    if (opts.deny !== false) {
        out.push(resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${id}-default-deny`, { metadata: { name: "default-deny", namespace: ns },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } }));
    }
    if (opts.quota !== false) {
        out.push(resource("kubernetes:core/v1:ResourceQuota", `${id}-quota`, { metadata: { name: "q", namespace: ns },
            spec: { hard: { "services.loadbalancers": "0", "services.nodeports": "0" } } }));
    }
    return out;
}
const minio = provider("minio", "s3", CT.minioProvider);
const bao = provider("vault", "bao", CT.vaultProvider);
const ctProject = (id: string) => [
    resource("minio:index/s3Bucket:S3Bucket", `bucket-${id}`, { ...CT.bucket, bucket: `hdh-${id}` }, { provider: minio }),
    resource("vault:transit/secretBackendKey:SecretBackendKey", `key-${id}`, { ...CT.transitKey, name: `project-${id}` }, { provider: bao }),
];
const zones = [resource("minio:index/s3Bucket:S3Bucket", "bucket-raw", { ...CT.bucket, bucket: "hdh-raw" }, { provider: minio }),
    resource("vault:transit/secretBackendKey:SecretBackendKey", "key-platform", CT.transitKey, { provider: bao })];

test("a Cloud Temple-like program with walled-off projects, own keys and own buckets passes", async () => {
    const diags = await pack.analyzeStack([...workspace("alpha"), ...workspace("beta"), ...ctProject("alpha"), ...ctProject("beta"), ...zones]);
    expect(failures(diags)).toEqual([]);
});

test("a project namespace without default-deny or without its quota fails", async () => {
    const diags = await pack.analyzeStack([...workspace("alpha", { deny: false, quota: false }), ...ctProject("alpha"), ...zones]);
    expect(failures(diags, "project-namespace-isolation")).toHaveLength(1);
    expect(failures(diags, "project-namespace-policies")).toHaveLength(1);
});

test("a project without its own key or bucket fails, and a bucket without any covering key fails", async () => {
    const diags = await pack.analyzeStack([...workspace("alpha"), ...workspace("beta"), ...ctProject("alpha"), zones[0]]);
    expect(failures(diags, "project-key-and-storage").join("\n")).toMatch(/beta has no key[\s\S]*beta has no storage/);
    expect(failures(diags, "storage-covered-by-key")[0]).toMatch(/no platform key exists for the shared zones/);
});

test("Azure: a container in a CMK account passes; data services need private endpoints; the AKS API must be private", async () => {
    const account = resource("azure-native:storage:StorageAccount", "acct", AZ.account);
    const container = resource("azure-native:storage:BlobContainer", "raw", { containerName: "raw" }, { dependencies: [account.urn] });
    const pe = resource("azure-native:network:PrivateEndpoint", "acct-pe", {}, { dependencies: [account.urn] });
    const aks = resource("azure-native:containerservice:ManagedCluster", "aks", { location: "francecentral", apiServerAccessProfile: { enablePrivateCluster: false } });
    let diags = await pack.analyzeStack([account, container, pe, aks]);
    expect(failures(diags, "storage-covered-by-key")).toEqual([]);
    expect(failures(diags, "private-endpoints")).toEqual([]);
    expect(failures(diags, "cluster-api-restricted")).toHaveLength(1);
    diags = await pack.analyzeStack([{ ...account, properties: { ...AZ.account, encryption: { keySource: "Microsoft.Storage" } } }, container]);
    expect(failures(diags, "storage-covered-by-key")).toHaveLength(1);
    expect(failures(diags, "private-endpoints")).toHaveLength(1);
});

test("OVH: the cluster API must be restricted with KubeIpRestrictions to admin CIDRs", async () => {
    const kube = resource("ovh:CloudProject/kube:Kube", "kube", OVH.kube);
    const restrict = (ips: string[]) => resource("ovh:CloudProject/kubeIpRestrictions:KubeIpRestrictions", "kube-ips", { ips, kubeId: "k" }, { dependencies: [kube.urn] });
    expect(failures(await pack.analyzeStack([kube, restrict(["192.0.2.0/28"])]), "cluster-api-restricted")).toEqual([]);
    expect(failures(await pack.analyzeStack([kube, restrict(["0.0.0.0/0"])]), "cluster-api-restricted")).toHaveLength(1);
    expect(failures(await pack.analyzeStack([kube]), "cluster-api-restricted")).toHaveLength(1);
});

describe("RBAC that lets a project undo its own isolation (issue 17)", () => {
    const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";
    const writer = resource(`${RBAC}:Role`, "netpol-writer", { metadata: { name: "researcher", namespace: "rp-alpha" },
        rules: [{ apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["patch"] }] });
    test("during a preview, a role and a namespace taken from other resources' outputs are found through the binding's dependencies", async () => {
        const [ns] = workspace("alpha");
        const binding = resource(`${RBAC}:RoleBinding`, "researchers", { metadata: { name: "researchers", namespace: UNKNOWN },
            roleRef: { kind: "Role", name: UNKNOWN }, subjects: [{ kind: "Group", name: "grp-alpha" }] },
        { propertyDependencies: { metadata: [ns.urn], roleRef: [writer.urn] } });
        expect(failures(await pack.analyzeStack([...workspace("alpha"), writer, binding]), "project-namespace-isolation"))
            .toEqual([expect.stringMatching(/Group grp-alpha of project alpha patch networking\.k8s\.io\/networkpolicies through Role/)]);
    });
    test("malformed subjects and rules grant nothing and stop nothing", async () => {
        const odd = resource(`${RBAC}:Role`, "odd", { metadata: { name: "odd", namespace: "rp-alpha" }, rules: { verbs: "*" } });
        const oddVerbs = resource(`${RBAC}:Role`, "odd-verbs", { metadata: { name: "odd-verbs", namespace: "rp-alpha" },
            rules: [{ apiGroups: "*", resources: ["networkpolicies"], verbs: "create" }, null, 7] });
        const bindings = ["odd", "odd-verbs"].map(role => resource(`${RBAC}:RoleBinding`, `b-${role}`, { metadata: { name: role, namespace: "rp-alpha" },
            roleRef: { kind: "Role", name: role }, subjects: [{ kind: "Group", name: "grp-alpha" }] }));
        const stringSubjects = resource(`${RBAC}:RoleBinding`, "b-strings", { metadata: { name: "s", namespace: "rp-alpha" },
            roleRef: { kind: "Role", name: "researcher" }, subjects: "grp-alpha" });
        expect(failures(await pack.analyzeStack([...workspace("alpha"), writer, odd, oddVerbs, ...bindings, stringSubjects]),
            "project-namespace-isolation")).toEqual([]);
    });
    test("a ClusterRoleBinding to every authenticated user is one finding, naming the projects it reaches", async () => {
        const binding = resource(`${RBAC}:ClusterRoleBinding`, "everyone-edits", { metadata: { name: "everyone-edits" },
            roleRef: { kind: "ClusterRole", name: "edit" }, subjects: [{ kind: "Group", name: "system:authenticated" }] });
        const projects = ["a1", "a2", "a3", "a4", "a5"].flatMap(id => workspace(id));
        expect(failures(await pack.analyzeStack([...projects, binding]), "project-namespace-isolation"))
            .toEqual([expect.stringMatching(/project a1, a2, a3 and 2 more .*networkpolicies/)]);
    });
});
