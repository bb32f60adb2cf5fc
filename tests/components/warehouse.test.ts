import { runProgram } from "../support/program";
import { FAKE_CONFIG, FAKE_PROGRAM } from "../support/neutral";

// The composition and the portable layer, on a target with no cloud behind it.
describe("HealthDataWarehouse on any target", () => {
    let run: Awaited<ReturnType<typeof runProgram>>;
    beforeAll(async () => { run = await runProgram(FAKE_PROGRAM, { ...FAKE_CONFIG }, "dev", false); });

    test("composes the five building blocks under the warehouse component", () => {
        const warehouse = run.one("health-data:warehouse:HealthDataWarehouse");
        for (const block of ["Network", "Keys", "Compute", "Storage", "Catalog"]) {
            expect(run.one(`test:fake:${block}`).parent).toBe(warehouse.urn);
        }
    });

    test("gives every research project a namespace that denies ingress and egress by default", () => {
        const namespaces = run.ofType("kubernetes:core/v1:Namespace").map(n => n.inputs.metadata.name);
        expect(namespaces.sort()).toEqual(["rp-alpha", "rp-beta"]);
        const denies = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .filter(p => p.inputs.metadata.name === "default-deny");
        expect(denies.map(p => p.inputs.metadata.namespace).sort()).toEqual(["rp-alpha", "rp-beta"]);
        for (const p of denies) {
            expect(p.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        }
    });

    test("opens egress only to DNS and the project's own services", () => {
        const allow = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .find(p => p.inputs.metadata.name === "allow-warehouse-services" && p.inputs.metadata.namespace === "rp-alpha")!;
        expect(allow.inputs.spec.egress.map((e: any) => e.to[0].ipBlock.cidr)).toEqual(["10.40.128.0/24", "10.40.129.0/24"]);
        const dns = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .find(p => p.inputs.metadata.name === "allow-dns" && p.inputs.metadata.namespace === "rp-alpha")!;
        expect(dns.inputs.spec.egress[0].to[0].namespaceSelector.matchLabels).toEqual({ "kubernetes.io/metadata.name": "kube-system" });
    });

    test("forbids load balancers and node ports in research spaces", () => {
        for (const quota of run.ofType("kubernetes:core/v1:ResourceQuota")) {
            expect(quota.inputs.spec.hard["services.loadbalancers"]).toBe("0");
            expect(quota.inputs.spec.hard["services.nodeports"]).toBe("0");
        }
    });

    test("delivers credentials as a secret and binds only the project's groups", () => {
        const secret = run.ofType("kubernetes:core/v1:Secret").find(s => s.inputs.metadata.namespace === "rp-beta")!;
        expect(secret.secretInputs).toContain("stringData");
        const binding = run.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
            .find(b => b.inputs.metadata.namespace === "rp-beta")!;
        expect(binding.inputs.subjects.map((s: any) => s.name)).toEqual(["beta-a", "beta-b"]);
    });

    test("labels every namespace with the warehouse identity and data classification", () => {
        const ns = run.ofType("kubernetes:core/v1:Namespace")[0];
        expect(ns.inputs.metadata.labels).toMatchObject({
            "health-data.fr/owner": "plateforme-donnees",
            "health-data.fr/cost-centre": "cc-4200",
            "health-data.fr/data-classification": "health-pseudonymised",
            "pod-security.kubernetes.io/enforce": "restricted",
        });
    });

    test("exports the neutral outputs", () => {
        expect(run.outputs.outputs).toMatchObject({
            target: "fake", region: "fake-1", jurisdiction: "FR", encryption: "envelope",
            zoneBuckets: { raw: "raw", curated: "curated" },
            projects: { alpha: { bucket: "bucket-alpha", keyId: "key-alpha", namespace: "rp-alpha" } },
            privateEndpoints: ["https://kms.fake", "postgres://db.fake"],
        });
    });
});

// Research projects are declared one at a time, so that the runtime registers each before the next is declared:
// at 500 projects, declaring them all in one pass kept 2.4 GB of pending registrations alive (docs/benchmark.md).
describe("HealthDataWarehouse adds research projects one at a time", () => {
    const projects = (ids: string[]) => JSON.stringify(ids.map(id => ({
        id, dataOwner: "dpo@example.fr", retentionDays: 365, allowedGroups: [`${id}-team`],
    })));

    test("registers everything of a project (its key, then its workspace) before the next project's key", async () => {
        const run = await runProgram(FAKE_PROGRAM, { ...FAKE_CONFIG, "warehouse:projects": projects(["p1", "p2", "p3"]) },
            "dev", false);
        const order = run.resources.map(r => r.type === "test:fake:ProjectKey" ? `key ${r.name.split("-").pop()}`
            : r.type === "kubernetes:core/v1:Namespace" ? `namespace ${r.inputs.metadata.name.slice(3)}` : undefined)
            .filter(Boolean);
        expect(order).toEqual(["key p1", "namespace p1", "key p2", "namespace p2", "key p3", "namespace p3"]);
        expect(Object.keys(run.outputs.outputs.projects)).toEqual(["p1", "p2", "p3"]);
    });

    test("lets the runtime register a project's resources before it declares the next project", async () => {
        const run = await runProgram(FAKE_PROGRAM, { ...FAKE_CONFIG, "warehouse:projects": projects(["p1", "p2", "p3"]) },
            "dev", false);
        expect(run.ofType("test:fake:ProjectKey").map(k => k.inputs.previousRegistered)).toEqual([null, true, true]);
    });

    test("a project that cannot be added fails the program with the block's own error", async () => {
        await expect(runProgram(FAKE_PROGRAM, {
            ...FAKE_CONFIG, "warehouse:projects": projects(["p1", "p2"]), "test:failOnProject": "p2",
        }, "dev", false)).rejects.toThrow("no key service for project p2");
    });
});
