// Issue 14, the data-mover Job as the migration will run it on the targets: DNS, OpenBao, certificates, file modes,
// strict schemas, and the rehearsal stacks that plan it. Each test failed on the code before its fix.

import { ProgramRun, runWarehouse } from "../support/program";

const MIGRATION = {
    source: { accountUrl: "https://hdhprodlake.blob.core.windows.net", cidrs: ["10.10.4.0/24"] },
    image: "registry.example.fr/hdw/data-mover@sha256:" + "a".repeat(64),
    shards: 8,
    bandwidthMbps: 4000,
};
// Before defect 21 was fixed no stack set a migration: the same section is given here, so that these tests judge
// the Job and not the stack file.
const withMigration = (stack: string) => runWarehouse({ stack, config: { "warehouse:migration": MIGRATION } });

const job = (run: ProgramRun) => run.one("kubernetes:batch/v1:Job").inputs;
const moverPolicy = (run: ProgramRun) => run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    .find(p => p.inputs.metadata.namespace === "data-migration")!.inputs.spec;

describe("the data mover on Cloud Temple (OpenShift)", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await withMigration("cloudtemple-rehearsal"); });

    test("defect 15: DNS egress goes to OpenShift's DNS pods on 5353 (policies match after service translation)", () => {
        const dns = moverPolicy(run).egress.find((e: any) => e.ports?.some((p: any) => p.port === 5353));
        expect(dns).toBeDefined();
        expect(dns.to).toEqual([{
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "openshift-dns" } },
            podSelector: { matchLabels: { "dns.operator.openshift.io/daemonset-dns": "default" } },
        }]);
        expect(moverPolicy(run).egress.some((e: any) => e.ports?.some((p: any) => p.port === 53))).toBe(false);
    });

    test("defect 16: OpenBao's NetworkPolicy admits the data-migration namespace on 8200", () => {
        const ingress = run.one("kubernetes:helm.sh/v3:Release").inputs.values.server.networkPolicy.ingress;
        expect(ingress).toContainEqual({
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "data-migration" } },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "data-mover" } } }],
            ports: [{ port: 8200, protocol: "TCP" }],
        });
    });

    test("defect 17: the mover logs in with roles of its own, bound to data-migration/data-mover, wrapping only", () => {
        const roles = run.ofType("vault:kubernetes/authBackendRole:AuthBackendRole")
            .filter(r => r.inputs.boundServiceAccountNamespaces.includes("data-migration"));
        expect(roles.map(r => r.inputs.roleName).sort()).toEqual(
            ["data-mover-covidlong", "data-mover-diabfr", "data-mover-oncoprev", "data-mover-pharmaco", "data-mover-platform"]);
        for (const r of roles) expect(r.inputs.boundServiceAccountNames).toEqual(["data-mover"]);
        const policy = run.ofType("vault:index/policy:Policy").find(p => p.inputs.name === "data-mover-oncoprev")!.inputs.policy;
        expect(policy).toContain('path "transit/encrypt/hdh-rp-oncoprev"');
        expect(policy).toContain('path "transit/decrypt/hdh-rp-oncoprev"');
        expect(policy).not.toMatch(/datakey|rewrap|keys\/|covidlong/);
        const settings = run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.name === "data-mover-oncoprev-settings")!;
        expect(settings.inputs.data.BAO_AUTH_ROLE).toBe("data-mover-oncoprev");
    });

    test("defect 18: the service CA bundle is projected where the mover reads BAO_CACERT, as a PEM file", () => {
        const volume = job(run).spec.template.spec.volumes.find((v: any) => v.name === "access-oncoprev");
        expect(volume.projected.sources).toContainEqual(
            { configMap: { name: "openshift-service-ca.crt", items: [{ key: "service-ca.crt", path: "BAO_CACERT" }] } });
    });

    test("defect 19 (OpenShift side): no fixed UID or fsGroup, which the restricted SCC would refuse", () => {
        const security = job(run).spec.template.spec.securityContext;
        expect(security.fsGroup).toBeUndefined();
        expect(security.runAsUser).toBeUndefined();
    });

    test("defect 20: every pod-failure condition states its status", () => {
        for (const rule of job(run).spec.podFailurePolicy.rules) {
            for (const c of rule.onPodConditions ?? []) expect(c.status).toBe("True");
        }
    });
});

describe("the data mover on OVHcloud (vanilla Kubernetes)", () => {
    test("defect 19: the pod's fsGroup is the image's group, so the root-owned secret files are readable to it", async () => {
        const pod = job(await withMigration("ovh-rehearsal")).spec.template.spec;
        expect(pod.securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 });
        for (const v of pod.volumes) {
            const mode = v.secret?.defaultMode ?? v.projected?.defaultMode;
            if (mode !== undefined) expect(mode & 0o040).toBe(0o040);
        }
    });
});

describe("defect 21: the rehearsal stacks plan the mover as the migration will run it", () => {
    test.each(["ovh-rehearsal", "cloudtemple-rehearsal"])("%s renders the data-mover Job", async stack => {
        const run = await runWarehouse({ stack });
        expect(run.ofType("kubernetes:batch/v1:Job")).toHaveLength(1);
    });
});
