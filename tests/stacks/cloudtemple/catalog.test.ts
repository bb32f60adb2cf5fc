import { ProgramRun, runWarehouse } from "../../support/program";

// The warehouse catalogue: PostgreSQL run by CloudNativePG on the cluster, backed up to Cloud Temple storage.
describe("Cloud Temple catalogue: CloudNativePG across the zones", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "cloudtemple-rehearsal" }); });

    const cluster = () => run.one("kubernetes:postgresql.cnpg.io/v1:Cluster");

    test("installs the operator through OLM, scoped to the catalogue namespace", () => {
        const group = run.one("kubernetes:operators.coreos.com/v1:OperatorGroup");
        expect(group.inputs.metadata.namespace).toBe("hdh-catalog");
        expect(group.inputs.spec).toEqual({ targetNamespaces: ["hdh-catalog"] });
        const subscription = run.one("kubernetes:operators.coreos.com/v1alpha1:Subscription");
        expect(subscription.inputs.spec).toEqual({
            name: "cloudnative-pg", channel: "stable-v1", source: "certified-operators",
            sourceNamespace: "openshift-marketplace", installPlanApproval: "Automatic",
        });
        expect(subscription.dependencies).toContain(group.urn);
    });

    test("runs three instances, one per availability zone, protected", () => {
        const c = cluster();
        expect(c.protect).toBe(true);
        expect(c.inputs.metadata).toMatchObject({ name: "catalog", namespace: "hdh-catalog" });
        expect(c.inputs.spec).toMatchObject({
            instances: 3,
            imageName: "ghcr.io/cloudnative-pg/postgresql:16",
            storage: { size: "64Gi" },
            affinity: { enablePodAntiAffinity: true, topologyKey: "topology.kubernetes.io/zone",
                podAntiAffinityType: "required" },
            bootstrap: { initdb: { database: "catalog", owner: "catalog", dataChecksums: true } },
        });
        expect(c.dependencies).toContain(run.one("kubernetes:operators.coreos.com/v1alpha1:Subscription").urn);
    });

    test("refuses connections without TLS", () => {
        expect(cluster().inputs.spec.postgresql.pg_hba).toEqual(
            ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject"]);
        expect(cluster().inputs.spec.postgresql.parameters.ssl_min_protocol_version).toBe("TLSv1.3");
    });

    test("archives WAL and nightly backups to a bucket only the backup account can write", () => {
        expect(cluster().inputs.spec.plugins).toEqual([{ name: "barman-cloud.cloudnative-pg.io", isWALArchiver: true,
            parameters: { barmanObjectName: "catalog-backups" } }]);
        const store = run.one("kubernetes:barmancloud.cnpg.io/v1:ObjectStore");
        expect(store.inputs.spec.configuration).toMatchObject({
            destinationPath: "s3://hdh-rehearsal-catalog-backups/",
            endpointURL: "https://hdh-rehearsal.s3.fr1.cloud-temple.com",
        });
        expect(store.inputs.spec.retentionPolicy).toBe("30d");
        const policy = JSON.parse(run.ofType("minio:index/s3BucketPolicy:S3BucketPolicy")
            .find(p => p.inputs.bucket === "hdh-rehearsal-catalog-backups")!.inputs.policy);
        expect(new Set(policy.Statement.flatMap((s: any) => s.Principal.AWS)))
            .toEqual(new Set(["urn:ecs:iam::hdh-rehearsal:user/hdh-catalog-backup"]));
        const credentials = run.ofType("kubernetes:core/v1:Secret").find(s => s.inputs.metadata.name === "catalog-backup-s3")!;
        expect(credentials.secretInputs).toContain("stringData");
        const schedule = run.one("kubernetes:postgresql.cnpg.io/v1:ScheduledBackup");
        expect(schedule.inputs.spec).toMatchObject({ method: "plugin", cluster: { name: "catalog" } });
    });

    test("gives each project a read-only login whose password is a secret", () => {
        const roles = cluster().inputs.spec.managed.roles;
        expect(roles.map((r: any) => r.name).sort()).toEqual(["rp_covidlong", "rp_diabfr", "rp_oncoprev", "rp_pharmaco"]);
        expect(roles[0]).toMatchObject({ login: true, inRoles: ["pg_read_all_data"], ensure: "present" });
        const roleSecret = run.ofType("kubernetes:core/v1:Secret").find(s => s.inputs.metadata.name === "catalog-oncoprev")!;
        expect(roleSecret.inputs.type).toBe("kubernetes.io/basic-auth");
        expect(roleSecret.secretInputs).toContain("stringData");
        const workload = run.ofType("kubernetes:core/v1:Secret").find(s =>
            s.inputs.metadata.namespace === "rp-oncoprev" && s.inputs.metadata.name === "warehouse-credentials")!;
        expect(workload.inputs.stringData).toMatchObject({
            CATALOG_USER: "rp_oncoprev", CATALOG_PASSWORD: "generated-password-0123456789" });
        const configMap = run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.namespace === "rp-oncoprev")!;
        expect(configMap.inputs.data).toMatchObject({
            CATALOG_HOST: "catalog-ro.hdh-catalog.svc", CATALOG_PORT: "5432", CATALOG_SSLMODE: "require" });
    });

    test("exports a private, in-cluster catalogue endpoint", () => {
        expect(run.outputs.outputs.endpoints.catalog).toEqual(
            { url: "postgresql://catalog-rw.hdh-catalog.svc:5432/catalog", private: true });
    });
});
