import { ProgramRun, runWarehouse } from "../../support/program";
import { bucketName, bucketPolicy } from "../../../stacks/ovh/storage";
import { PROJECTS, STACK, T, idOf, inNamespace } from "./helpers";

/** S3 bucket naming: 3 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit. */
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

describe("OVH storage: zone and project buckets, object lock, one S3 user per project", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: STACK }); });

    const bucket = (part: string) => run.one(T.bucket, `-${part}`);

    test("creates protected, versioned, AES-256 encrypted buckets in the storage spelling of the region", () => {
        const buckets = run.ofType(T.bucket);
        expect(buckets.map(b => b.inputs.name).sort()).toEqual(
            ["raw", "curated", ...PROJECTS.map(p => `rp-${p}`)].map(p => `hdh-rehearsal-${p}-xxxxxx`).sort());
        for (const b of buckets) {
            expect(b.inputs.name).toMatch(S3_BUCKET_NAME);
            expect(b.inputs).toMatchObject({
                regionName: "EU-WEST-PAR",
                encryption: { sseAlgorithm: "AES256" },
                versioning: { status: "enabled" },
                hideObjects: true,
            });
            expect(b.protect).toBe(true);
        }
    });

    test("locks the raw zone in compliance mode for its retention period, and only the raw zone", () => {
        expect(bucket("raw").inputs.objectLock).toEqual({
            status: "enabled", rule: { mode: "compliance", period: "P365D" },
        });
        for (const b of run.ofType(T.bucket).filter(b => !b.name.endsWith("-raw"))) {
            expect(b.inputs.objectLock).toBeUndefined();
        }
    });

    test("expires noncurrent versions of curated and project data after the neutral period, never raw data", () => {
        const rules = (part: string) => run.one(T.lifecycle, `-${part}-lifecycle`).inputs.rules;
        expect(rules("curated")).toContainEqual({
            id: "expire-noncurrent-versions", status: "enabled", noncurrentVersionExpiration: { noncurrentDays: 90 },
        });
        expect(rules("rp-oncoprev").map((r: any) => r.id)).toContain("expire-noncurrent-versions");
        expect(rules("raw").map((r: any) => r.id)).toEqual(["abort-incomplete-uploads"]);
        for (const lifecycle of run.ofType(T.lifecycle)) {
            expect(lifecycle.inputs.regionName).toBe("EU-WEST-PAR");
            expect(lifecycle.inputs.rules[0].abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 7 });
        }
    });

    test("tags every bucket with the warehouse labels, its zone and its project", () => {
        for (const b of run.ofType(T.bucket)) {
            expect(b.inputs.tags).toMatchObject({
                warehouse: "hdh", environment: "rehearsal", owner: "plateforme-donnees", "cost-centre": "cc-4200",
                "data-classification": "health-pseudonymised",
            });
        }
        expect(bucket("rp-covidlong").inputs.tags).toMatchObject({ "data-zone": "project", "research-project": "covidlong" });
        expect(bucket("raw").inputs.tags["data-zone"]).toBe("raw");
    });

    test("gives each project an S3 user whose policy names only its own bucket and the objects in it", () => {
        for (const project of PROJECTS) {
            const user = run.one(T.user, `-${project}-user`);
            expect(user.inputs.roleNames).toEqual(["objectstore_operator"]);
            const policy = run.one(T.s3Policy, `-${project}-policy`);
            expect(policy.inputs.userId).toBe(idOf(user));
            const document = JSON.parse(policy.inputs.policy);
            const own = `hdh-rehearsal-rp-${project}-xxxxxx`;
            const resources = document.Statement.flatMap((s: any) => s.Resource);
            expect(resources.sort()).toEqual([`arn:aws:s3:::${own}`, `arn:aws:s3:::${own}/*`]);
            expect(document.Statement.every((s: any) => s.Effect === "Allow")).toBe(true);
            for (const other of run.ofType(T.bucket).map(b => b.inputs.name).filter(n => n !== own)) {
                expect(policy.inputs.policy).not.toContain(other);
            }
        }
    });

    test("issues S3 keys only after the policy that narrows them is in place", () => {
        for (const project of PROJECTS) {
            const credential = run.one(T.s3Credential, `-${project}-credential`);
            expect(credential.inputs.userId).toBe(idOf(run.one(T.user, `-${project}-user`)));
            expect(credential.dependencies).toContain(run.one(T.s3Policy, `-${project}-policy`).urn);
        }
    });

    test("hands each project's workloads its own bucket, endpoint and keys, the keys as a secret", () => {
        for (const project of PROJECTS) {
            expect(inNamespace(run, "kubernetes:core/v1:ConfigMap", project).inputs.data).toMatchObject({
                S3_ENDPOINT: "https://s3.eu-west-par.io.cloud.ovh.net",
                S3_BUCKET: `hdh-rehearsal-rp-${project}-xxxxxx`,
                S3_REGION: "eu-west-par",
            });
            const secret = inNamespace(run, "kubernetes:core/v1:Secret", project);
            expect(secret.inputs.stringData).toMatchObject({
                S3_ACCESS_KEY_ID: `access-hdh-storage-${project}-credential`,
                S3_SECRET_ACCESS_KEY: `secret-hdh-storage-${project}-credential`,
            });
        }
        const allow = inNamespace(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "pharmaco", "allow-warehouse-services");
        expect(allow.inputs.spec.egress).toContainEqual({
            to: [{ ipBlock: { cidr: "198.51.100.0/24" } }], ports: [{ protocol: "TCP", port: 443 }],
        });
    });

    test("exports the zone and project buckets and the public S3 endpoint", () => {
        expect(run.outputs.outputs.zoneBuckets).toEqual({
            raw: "hdh-rehearsal-raw-xxxxxx", curated: "hdh-rehearsal-curated-xxxxxx",
        });
        expect(run.outputs.outputs.projects.oncoprev.bucket).toBe("hdh-rehearsal-rp-oncoprev-xxxxxx");
        expect(run.outputs.outputs.endpoints.storage).toEqual({ url: "https://s3.eu-west-par.io.cloud.ovh.net", private: false });
    });
});

describe("bucket names and policies", () => {
    test("the longest names the neutral model allows still fit S3's 63 characters", () => {
        const longest = bucketName("abcdefghij-preprod", "rp-abcdefghijkl", "a1b2c3");
        expect(longest).toMatch(S3_BUCKET_NAME);
        expect(longest.length).toBeLessThanOrEqual(63);
    });

    test("a policy names its bucket and the objects in it, nothing broader", () => {
        const doc = JSON.parse(bucketPolicy("hdh-prod-rp-alpha-a1b2c3"));
        expect(doc.Statement).toHaveLength(1);
        expect(doc.Statement[0].Resource).toEqual(["arn:aws:s3:::hdh-prod-rp-alpha-a1b2c3", "arn:aws:s3:::hdh-prod-rp-alpha-a1b2c3/*"]);
        expect(doc.Statement[0].Action).not.toContain("s3:*");
        expect(doc.Statement[0].Action).not.toContain("s3:DeleteObjectVersion");
    });
});
