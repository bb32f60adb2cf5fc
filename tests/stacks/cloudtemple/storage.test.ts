import { ProgramRun, runWarehouse } from "../../support/program";

// Cloud Temple object storage (FR1) through its S3 API, as the rehearsal stack deploys it.
describe("Cloud Temple storage: versioned buckets per zone and per project", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "cloudtemple-rehearsal" }); });

    const bucket = (name: string) => run.ofType("minio:index/s3Bucket:S3Bucket").find(b => b.inputs.bucket === name)!;
    const policyOf = (name: string) => JSON.parse(run.ofType("minio:index/s3BucketPolicy:S3BucketPolicy")
        .find(p => p.inputs.bucket === name)!.inputs.policy);

    test("talks S3 to the storage namespace's endpoint over TLS with SigV4, the secret key kept secret", () => {
        const providers = run.ofType("pulumi:providers:minio");
        expect(providers.length).toBeGreaterThan(0);
        for (const p of providers) {
            expect(p.inputs).toMatchObject({
                minioServer: "hdh-rehearsal.s3.fr1.cloud-temple.com", minioSsl: "true", minioApiVersion: "v4",
                minioUser: "HDHPLATFORMEXAMPLE01",
            });
            expect(p.secretInputs).toContain("minioPassword");
        }
    });

    test("creates a bucket per data zone and per research project, all versioned and protected", () => {
        const names = run.ofType("minio:index/s3Bucket:S3Bucket").map(b => b.inputs.bucket).sort();
        expect(names).toEqual([
            "hdh-rehearsal-catalog-backups", "hdh-rehearsal-curated", "hdh-rehearsal-raw", "hdh-rehearsal-rp-covidlong",
            "hdh-rehearsal-rp-diabfr", "hdh-rehearsal-rp-oncoprev", "hdh-rehearsal-rp-pharmaco",
        ]);
        const versioned = run.ofType("minio:index/s3BucketVersioning:S3BucketVersioning");
        expect(versioned.map(v => v.inputs.bucket).sort()).toEqual(names);
        for (const v of versioned) {
            expect(v.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
            expect(v.protect).toBe(true);
        }
        for (const b of run.ofType("minio:index/s3Bucket:S3Bucket")) {
            expect(b.protect).toBe(true);
            expect(b.inputs).toMatchObject({ acl: "private", forceDestroy: false });
        }
    });

    test("creates the raw zone with S3 Object Lock, and only the raw zone", () => {
        expect(bucket("hdh-rehearsal-raw").inputs.objectLocking).toBe(true);
        expect(bucket("hdh-rehearsal-curated").inputs.objectLocking).toBe(false);
        expect(bucket("hdh-rehearsal-rp-oncoprev").inputs.objectLocking).toBe(false);
    });

    test("expires the curated zone's noncurrent versions after the configured days", () => {
        const lifecycle = run.one("minio:index/ilmPolicy:IlmPolicy");
        expect(lifecycle.inputs).toEqual({
            bucket: "hdh-rehearsal-curated",
            rules: [{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: 90 }],
        });
    });

    test("grants a project's storage account its own bucket, and nobody else anything", () => {
        const projects = ["oncoprev", "covidlong", "pharmaco", "diabfr"];
        for (const id of projects) {
            const policy = policyOf(`hdh-rehearsal-rp-${id}`);
            const principals = new Set(policy.Statement.flatMap((s: any) => s.Principal.AWS));
            const resources = new Set(policy.Statement.flatMap((s: any) => s.Resource));
            expect([...principals]).toEqual([`urn:ecs:iam::hdh-rehearsal:user/rp-${id}`]);
            expect([...resources].sort()).toEqual(
                [`arn:aws:s3:::hdh-rehearsal-rp-${id}`, `arn:aws:s3:::hdh-rehearsal-rp-${id}/*`]);
            for (const s of policy.Statement) {
                expect(s.Effect).toBe("Allow");
                expect(s.Action.join(" ")).not.toMatch(/\*|Policy|Versioning|DeleteObjectVersion|Lifecycle/);
            }
        }
        // The zone buckets belong to the platform account only: no policy opens them.
        expect(run.ofType("minio:index/s3BucketPolicy:S3BucketPolicy").map(p => p.inputs.bucket))
            .not.toEqual(expect.arrayContaining(["hdh-rehearsal-raw"]));
        expect(run.ofType("minio:index/s3BucketPolicy:S3BucketPolicy").map(p => p.inputs.bucket))
            .not.toEqual(expect.arrayContaining(["hdh-rehearsal-curated"]));
    });

    test("hands each project its bucket, its own credentials as a secret, and egress to the endpoint only", () => {
        const configMap = run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.namespace === "rp-covidlong")!;
        expect(configMap.inputs.data).toMatchObject({
            S3_ENDPOINT: "https://hdh-rehearsal.s3.fr1.cloud-temple.com", S3_BUCKET: "hdh-rehearsal-rp-covidlong",
            S3_FORCE_PATH_STYLE: "true",
        });
        const secret = run.ofType("kubernetes:core/v1:Secret").find(s =>
            s.inputs.metadata.namespace === "rp-covidlong" && s.inputs.metadata.name === "warehouse-credentials")!;
        expect(secret.secretInputs).toContain("stringData");
        expect(secret.inputs.stringData.S3_ACCESS_KEY_ID).toBe("RPCOVIDLONGEXAMPLE01");
        expect(secret.inputs.stringData.S3_SECRET_ACCESS_KEY)
            .toBe("offline-secret:warehouse:cloudtempleS3ProjectSecretCovidlong");
        const allow = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find(p =>
            p.inputs.metadata.namespace === "rp-covidlong" && p.inputs.metadata.name === "allow-warehouse-services")!;
        expect(allow.inputs.spec.egress).toContainEqual({
            to: [{ ipBlock: { cidr: "198.51.100.32/28" } }], ports: [{ protocol: "TCP", port: 443 }] });
    });

    test("exports the endpoint and bucket names as neutral outputs", () => {
        expect(run.outputs.outputs).toMatchObject({
            storageEndpoint: "https://hdh-rehearsal.s3.fr1.cloud-temple.com",
            zoneBuckets: { raw: "hdh-rehearsal-raw", curated: "hdh-rehearsal-curated" },
            projects: { diabfr: { bucket: "hdh-rehearsal-rp-diabfr", namespace: "rp-diabfr" } },
        });
        expect(run.outputs.outputs.endpoints.storage.private).toBe(false);
    });
});
