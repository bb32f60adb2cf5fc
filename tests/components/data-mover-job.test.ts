import { parseWarehouseSpec } from "../../components/model";
import { runProgram, ProgramRun } from "../support/program";
import { FAKE_CONFIG, FAKE_PROGRAM } from "../support/neutral";

// The data mover as the warehouse declares it on the target cluster, under Pulumi's mocks with the fake target.
const MIGRATION = {
    source: { accountUrl: "https://hdhprodlake.blob.core.windows.net", cidrs: ["10.10.4.0/24"] },
    containers: { projects: { beta: "legacy-beta" } },
    image: "registry.example.fr/hdw/data-mover@sha256:" + "a".repeat(64),
    shards: 12,
    parallelism: 4,
    bandwidthMbps: 8000,
};

describe("the data mover Job", () => {
    let run: ProgramRun;
    let job: any;
    beforeAll(async () => {
        run = await runProgram(FAKE_PROGRAM, { ...FAKE_CONFIG, "warehouse:migration": JSON.stringify(MIGRATION) }, "dev", false);
        job = run.one("kubernetes:batch/v1:Job").inputs;
    });

    test("is an indexed Job: one shard per completion, a bounded number of pods, retries per shard", () => {
        expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 12, parallelism: 4, backoffLimitPerIndex: 3 });
        expect(job.spec.template.spec.restartPolicy).toBe("Never");
        // A bad plan fails the whole Job at once instead of burning every shard's retries.
        expect(job.spec.podFailurePolicy.rules).toContainEqual({ action: "FailJob", onExitCodes: { operator: "In", values: [2] } });
        const env = Object.fromEntries(job.spec.template.spec.initContainers[0].env.map((e: any) => [e.name, e.value]));
        expect(env).toMatchObject({ SHARD_COUNT: "12", MOVER_PLAN: "/etc/data-mover/plan.json" });
    });

    test("moves then verifies in each pod, with the pinned image", () => {
        const pod = job.spec.template.spec;
        expect(pod.initContainers.map((c: any) => [c.name, c.args])).toEqual([["move", ["move"]]]);
        expect(pod.containers.map((c: any) => [c.name, c.args])).toEqual([["verify", ["verify"]]]);
        for (const c of [...pod.initContainers, ...pod.containers]) expect(c.image).toBe(MIGRATION.image);
    });

    test("runs rootless, read-only, without privilege escalation, under the runtime's seccomp profile", () => {
        const pod = job.spec.template.spec;
        // The fake target is vanilla Kubernetes: the image's user, whose group owns the mounted secret files.
        expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" },
            runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 });
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const c of [...pod.initContainers, ...pod.containers]) {
            expect(c.securityContext).toEqual({
                runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false,
                capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
            });
            expect(c.resources).toEqual({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } });
        }
        const ns = run.ofType("kubernetes:core/v1:Namespace").find(n => n.inputs.metadata.name === "data-migration")!;
        expect(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    });

    test("mounts credentials from Kubernetes secrets, never from the plan or the environment", () => {
        const secrets = run.ofType("kubernetes:core/v1:Secret").filter(s => s.inputs.metadata.namespace === "data-migration");
        expect(secrets.map(s => s.inputs.metadata.name).sort()).toEqual(["data-mover-alpha-credentials", "data-mover-beta-credentials"]);
        for (const s of secrets) expect(s.secretInputs).toContain("stringData");
        expect(secrets[0].inputs.stringData).toEqual({ S3_SECRET: "secret-alpha" });
        const pod = job.spec.template.spec;
        const volumes = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
        expect(volumes.source.secret.secretName).toBe("data-mover-source");
        expect(volumes["access-platform"].projected.sources).toEqual([{ secret: { name: "data-mover-platform-access" } }]);
        expect(volumes["access-beta"].projected.sources).toEqual([
            { configMap: { name: "data-mover-beta-settings" } }, { secret: { name: "data-mover-beta-credentials" } },
        ]);
        const mounts = pod.initContainers[0].volumeMounts.map((m: any) => `${m.name}:${m.mountPath}:${m.readOnly ?? false}`);
        expect(mounts).toEqual(expect.arrayContaining([
            "source:/var/run/health-data/source:true", "access-alpha:/var/run/health-data/access/alpha:true",
            "access-platform:/var/run/health-data/access/platform:true", "manifests:/var/lib/data-mover:false", "tmp:/tmp:false",
        ]));
        const plan = run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.name === "data-mover-plan")!.inputs.data["plan.json"];
        expect(plan).not.toMatch(/secret-alpha/);
        expect(JSON.stringify(pod.initContainers[0].env)).not.toMatch(/secret/i);
    });

    test("routes zones to the zone buckets under the platform key and each project to its own bucket and key", () => {
        const plan = JSON.parse(run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.name === "data-mover-plan")!.inputs.data["plan.json"]);
        expect(plan.routes).toEqual([
            { container: "raw", bucket: "raw", keyId: "key-platform", scope: "platform", sourceEncryption: "service-side" },
            { container: "curated", bucket: "curated", keyId: "key-platform", scope: "platform", sourceEncryption: "service-side" },
            { container: "project-alpha", bucket: "bucket-alpha", keyId: "key-alpha", scope: "alpha", sourceEncryption: "service-side" },
            { container: "legacy-beta", bucket: "bucket-beta", keyId: "key-beta", scope: "beta", sourceEncryption: "service-side" },
        ]);
        expect(plan.source).toEqual({ accountUrl: "https://hdhprodlake.blob.core.windows.net", credentialsDir: "/var/run/health-data/source" });
        // 8000 Mbit/s shared by 4 running pods: 250 MB/s each.
        expect(plan.maxBytesPerSecond).toBe(250_000_000);
    });

    test("opens egress only to DNS, the source endpoint and the target services; no ingress", () => {
        const policy = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find(p => p.inputs.metadata.namespace === "data-migration")!;
        expect(policy.inputs.spec.ingress).toEqual([]);
        const [dns, ...rest] = policy.inputs.spec.egress;
        expect(dns.to).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }]);
        const cidrs = rest.flatMap((e: any) => (e.to ?? []).map((t: any) => t.ipBlock.cidr));
        expect(cidrs).toEqual(["10.10.4.0/24", "10.40.128.0/24", "10.40.129.0/24", "10.40.128.0/24", "10.40.129.0/24"]);
    });

    test("is deployed with the target cluster's provider, under the warehouse", () => {
        const mover = run.one("health-data:kubernetes:DataMoverJob");
        expect(mover.parent).toBe(run.one("health-data:warehouse:HealthDataWarehouse").urn);
        expect(run.one("kubernetes:batch/v1:Job").provider).toMatch(/compute-k8s/);
    });

    test("is not declared without a migration section", async () => {
        const plain = await runProgram(FAKE_PROGRAM, { ...FAKE_CONFIG }, "dev", false);
        expect(plain.ofType("kubernetes:batch/v1:Job")).toEqual([]);
        expect(plain.ofType("health-data:kubernetes:DataMoverJob")).toEqual([]);
    });
});

describe("the migration settings", () => {
    const parse = (migration: unknown) => parseWarehouseSpec({
        target: "fake", name: "hdh", environment: "dev", owner: "o", costCentre: "cc", network: { adminCidrs: ["192.0.2.0/28"] },
        projects: [{ id: "alpha", dataOwner: "dpo@example.fr", retentionDays: 30, allowedGroups: ["g"] }], migration,
    }, { targets: ["fake"], reservedKeys: [] });

    test("defaults shards, concurrency, containers and secret names", () => {
        expect(parse({ ...MIGRATION, containers: undefined, shards: undefined, parallelism: undefined }).migration).toMatchObject({
            shards: 16, concurrency: 8, containers: { raw: "raw", curated: "curated", projects: {} },
            platformAccessSecret: "data-mover-platform-access", source: { credentialsSecret: "data-mover-source", encryption: "service-side" },
        });
    });

    test.each([
        ["more pods than shards", { ...MIGRATION, parallelism: 20 }, "warehouse:migration.parallelism = 20: at most migration.shards (12)"],
        ["a moving tag", { ...MIGRATION, image: "registry.example.fr/hdw/data-mover:latest" }, "warehouse:migration.image"],
        ["an image without registry or pin", { ...MIGRATION, image: "data-mover" }, "warehouse:migration.image = \"data-mover\": an image from a registry"],
        ["a container for an unknown project", { ...MIGRATION, containers: { projects: { gamma: "c-gamma" } } }, "warehouse:migration.containers.projects.gamma = \"c-gamma\": a container for a declared research project (alpha)"],
        ["a source that is not an Azure blob endpoint", { ...MIGRATION, source: { ...MIGRATION.source, accountUrl: "https://example.com" } }, "warehouse:migration.source.accountUrl"],
        ["client-side sources without their key settings", { ...MIGRATION, source: { ...MIGRATION.source, encryption: "client-side-v2" } }, "warehouse:migration.source.keysSecret = (not set): required when"],
        ["no bandwidth", { ...MIGRATION, bandwidthMbps: 0 }, "warehouse:migration.bandwidthMbps = 0: at least 1 Mbit/s"],
        ["a misspelt setting", { ...MIGRATION, shard: 3 }, "warehouse:migration.shard = 3: unknown setting"],
    ])("refuses %s, naming the key, the value and what is allowed", (_case, migration, message) => {
        expect(() => parse(migration)).toThrow(message);
    });
});
