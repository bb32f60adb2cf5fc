import { ProgramRun, runWarehouse } from "../../support/program";
import { PROJECTS, STACK, T, idOf, inNamespace } from "./helpers";

describe("OVH keys: OKMS in the region, AES keys per project, credentials that reach one key", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: STACK }); });

    const keyOf = (project: string) => run.one(T.serviceKey, `-${project}`);
    const okmsUrn = () => `urn:v1:eu:resource:okms:${idOf(run.one(T.okms))}`;

    test("orders a protected OKMS in the KMS spelling of the region, from the French subsidiary", () => {
        const kms = run.one(T.okms);
        expect(kms.inputs).toEqual({ region: "eu-west-par", ovhSubsidiary: "FR", displayName: "hdh-rehearsal-kms" });
        expect(kms.protect).toBe(true);
    });

    test("creates one platform key and one key per project: AES-256, usable only inside OKMS, protected", () => {
        const keys = run.ofType(T.serviceKey);
        expect(keys.map(k => k.inputs.name).sort())
            .toEqual(["platform", ...PROJECTS].map(p => `hdh-rehearsal-${p}`).sort());
        for (const key of keys) {
            expect(key.inputs).toMatchObject({ okmsId: idOf(run.one(T.okms)), type: "oct", size: 256 });
            expect(key.inputs.operations).toEqual(["encrypt", "decrypt"]);
            expect(key.protect).toBe(true);
        }
    });

    test("gives each project an IAM policy that names its own key and no other", () => {
        const policies = run.ofType(T.iamPolicy);
        expect(policies).toHaveLength(PROJECTS.length);
        for (const project of PROJECTS) {
            const policy = run.one(T.iamPolicy, `-${project}-policy`);
            const identity = run.one(T.serviceAccount, `-${project}-identity`);
            expect(policy.inputs.resources).toEqual([`${okmsUrn()}/serviceKey/${idOf(keyOf(project))}`]);
            expect(policy.inputs.identities).toEqual([`urn:v1:eu:identity:credential:xx1111-ovh/oauth2-EU.${identity.name}`]);
            expect(policy.inputs.allows).toEqual([
                "okms:apikms:serviceKey/dataKey/create",
                "okms:apikms:serviceKey/dataKey/decrypt",
                "okms:apikms:serviceKey/get",
            ]);
            for (const other of PROJECTS.filter(p => p !== project)) {
                expect(JSON.stringify(policy.inputs)).not.toContain(idOf(keyOf(other)));
            }
        }
    });

    test("issues each project a credential for its identity alone, valid no longer than the rotation period", () => {
        for (const project of PROJECTS) {
            const credential = run.one(T.credential, `-${project}-credential`);
            const identity = run.one(T.serviceAccount, `-${project}-identity`);
            expect(credential.inputs.identityUrns).toEqual([`urn:v1:eu:identity:credential:xx1111-ovh/oauth2-EU.${identity.name}`]);
            expect(credential.inputs.validity).toBe(90);
            expect(credential.dependencies).toContain(run.one(T.iamPolicy, `-${project}-policy`).urn);
        }
    });

    test("hands a project's workloads its key id, the KMS endpoint and its certificate as a secret", () => {
        for (const project of PROJECTS) {
            const settings = inNamespace(run, "kubernetes:core/v1:ConfigMap", project).inputs.data;
            expect(settings).toMatchObject({
                KMS_ENDPOINT: "https://eu-west-par.okms.ovh.net", KMS_KEY_ID: idOf(keyOf(project)), KMS_SCHEME: "envelope",
            });
            const secret = inNamespace(run, "kubernetes:core/v1:Secret", project);
            expect(secret.secretInputs).toContain("stringData");
            expect(secret.inputs.stringData.KMS_CLIENT_CERTIFICATE).toContain(`-${project}-credential`);
            expect(secret.inputs.stringData.KMS_CLIENT_KEY).toContain("PRIVATE KEY");
        }
    });

    test("opens egress from research pods to the configured OKMS block on 443", () => {
        const allow = inNamespace(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "oncoprev", "allow-warehouse-services");
        expect(allow.inputs.spec.egress).toContainEqual({
            to: [{ ipBlock: { cidr: "203.0.113.0/24" } }], ports: [{ protocol: "TCP", port: 443 }],
        });
    });

    test("reports envelope encryption and the OKMS endpoint in the neutral outputs", () => {
        expect(run.outputs.outputs.encryption).toBe("envelope");
        expect(run.outputs.outputs.endpoints.keys).toEqual({ url: "https://eu-west-par.okms.ovh.net", private: false });
        expect(run.outputs.outputs.projects.pharmaco.keyId).toBe(idOf(keyOf("pharmaco")));
        expect(run.outputs.outputs.platformKeyId).toBe(idOf(run.one(T.serviceKey, "-platform")));
    });
});
