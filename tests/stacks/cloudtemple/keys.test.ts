import * as yaml from "js-yaml";
import { ProgramRun, runWarehouse } from "../../support/program";

// OpenBao on the delivered OpenShift cluster and the transit keys it holds, as the rehearsal stack deploys them.
describe("Cloud Temple keys: OpenBao held by the customer", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "cloudtemple-rehearsal" }); });

    const release = () => run.one("kubernetes:helm.sh/v3:Release");
    const server = () => release().inputs.values.server;
    const config = () => server().ha.raft.config as string;

    test("installs the pinned upstream OpenBao chart into the keys namespace, protected", () => {
        const r = release();
        expect(r.inputs).toMatchObject({
            chart: "openbao", version: "0.29.2", repositoryOpts: { repo: "https://openbao.github.io/openbao-helm" },
            namespace: "hdh-keys", createNamespace: false,
        });
        expect(r.protect).toBe(true);
        const namespace = run.ofType("kubernetes:core/v1:Namespace").find(n => n.inputs.metadata.name === "hdh-keys")!;
        expect(r.dependencies).toContain(namespace.urn);
    });

    test("runs three servers with integrated Raft storage, spread over the zones", () => {
        expect(server().ha).toMatchObject({ enabled: true, replicas: 3, raft: { enabled: true, setNodeId: true } });
        expect(config()).toMatch(/storage "raft" \{\n {2}path = "\/openbao\/data"/);
        expect(config().match(/retry_join \{/g)).toHaveLength(3);
        expect(server().topologySpreadConstraints[0]).toMatchObject({
            topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", maxSkew: 1,
        });
        expect(server().dataStorage).toMatchObject({ enabled: true, size: "10Gi" });
    });

    test("serves TLS only, with the certificate OpenShift's service CA issues for the service", () => {
        const values = release().inputs.values;
        expect(values.global).toEqual({ openshift: true, tlsDisable: false });
        // The client-facing Service alone asks for the certificate (the chart would copy values' annotations to four).
        expect(server().service.annotations).toBeUndefined();
        expect(run.one("kubernetes:core/v1:ServicePatch").inputs.metadata.annotations).toEqual({
            "service.beta.openshift.io/serving-cert-secret-name": "openbao-server-tls" });
        expect(server().extraVolumes).toEqual([{ type: "secret", name: "openbao-server-tls" }]);
        expect(config()).toContain('tls_cert_file   = "/openbao/userconfig/openbao-server-tls/tls.crt"');
        expect(config()).not.toMatch(/tls_disable/);
        // Raft peers verify each other against the same certificate and the service CA.
        expect(config()).toContain('leader_tls_servername = "openbao.hdh-keys.svc"');
        expect(config()).toContain('leader_ca_cert_file   = "/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt"');
    });

    test("records every request with declarative audit devices, one on a persistent volume", () => {
        expect(server().auditStorage).toMatchObject({ enabled: true, size: "50Gi" });
        expect(config()).toMatch(/audit "file" "volume" \{[\s\S]*file_path = "\/openbao\/audit\/audit.log"/);
        expect(config()).toMatch(/audit "file" "stdout"/);
    });

    test("is not exposed outside the cluster and runs under the restricted SCC", () => {
        const values = release().inputs.values;
        expect(server().route.enabled).toBe(false);
        expect(server().ingress.enabled).toBe(false);
        expect(values.ui.enabled).toBe(false);
        expect(values.injector.enabled).toBe(false);
        expect(server().service.type ?? "ClusterIP").toBe("ClusterIP");
        expect(server().statefulSet.securityContext).toEqual({
            pod: {},
            container: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true,
                seccompProfile: { type: "RuntimeDefault" } },
        });
        expect(config()).toContain("ui = false");
    });

    test("uses the Shamir seal by default: no seal stanza, no HSM secret", () => {
        expect(config()).not.toContain('seal "');
        expect(run.ofType("kubernetes:core/v1:Secret").filter(s => s.inputs.metadata.name === "openbao-hsm")).toEqual([]);
    });

    test("manages OpenBao with a token that is a secret, never plain text", () => {
        const provider = run.one("pulumi:providers:vault");
        expect(provider.secretInputs).toContain("token");
        // Provider configuration travels as strings.
        expect(provider.inputs).toMatchObject({
            address: "https://127.0.0.1:8200", tlsServerName: "openbao.hdh-keys.svc", skipTlsVerify: "false",
        });
        expect(provider.dependencies).toContain(release().urn);
    });

    test("holds one platform key and one key per project, non-exportable, rotated every 90 days, protected", () => {
        const keys = run.ofType("vault:transit/secretBackendKey:SecretBackendKey");
        expect(keys.map(k => k.inputs.name).sort()).toEqual(
            ["hdh-platform", "hdh-rp-covidlong", "hdh-rp-diabfr", "hdh-rp-oncoprev", "hdh-rp-pharmaco"]);
        for (const k of keys) {
            expect(k.inputs).toMatchObject({
                backend: "transit", type: "rsa-3072", exportable: false, allowPlaintextBackup: false,
                deletionAllowed: false, autoRotatePeriod: 90 * 86400,
            });
            expect(k.protect).toBe(true);
        }
        const mount = run.one("vault:index/mount:Mount");
        expect(mount.inputs).toMatchObject({ path: "transit", type: "transit" });
        expect(mount.protect).toBe(true);
    });

    test("lets a project's policy reach its own key and no other", () => {
        const policies = run.ofType("vault:index/policy:Policy").filter(p => p.inputs.name.startsWith("rp-"));
        expect(policies.map(p => p.inputs.name).sort()).toEqual(
            ["rp-covidlong", "rp-diabfr", "rp-oncoprev", "rp-pharmaco"]);
        const text = policies.find(p => p.inputs.name === "rp-oncoprev")!.inputs.policy as string;
        const paths = [...text.matchAll(/path "([^"]+)"/g)].map(m => m[1]);
        expect(paths.sort()).toEqual([
            "transit/datakey/plaintext/hdh-rp-oncoprev", "transit/datakey/wrapped/hdh-rp-oncoprev",
            "transit/decrypt/hdh-rp-oncoprev", "transit/encrypt/hdh-rp-oncoprev", "transit/keys/hdh-rp-oncoprev",
            "transit/rewrap/hdh-rp-oncoprev",
        ]);
        for (const other of ["covidlong", "pharmaco", "diabfr", "platform"]) expect(text).not.toContain(other);
        expect(text).not.toMatch(/\*|delete|sudo|create/);
    });

    test("binds each project's role to its own namespace and service account", () => {
        const roles = run.ofType("vault:kubernetes/authBackendRole:AuthBackendRole");
        const role = roles.find(r => r.inputs.roleName === "rp-diabfr")!;
        expect(role.inputs).toMatchObject({
            backend: "kubernetes", boundServiceAccountNames: ["research-workloads"],
            boundServiceAccountNamespaces: ["rp-diabfr"], tokenPolicies: ["rp-diabfr"], audience: "openbao",
        });
        expect(run.one("vault:index/authBackend:AuthBackend").inputs).toMatchObject({ type: "kubernetes", path: "kubernetes" });
        expect(run.one("vault:kubernetes/authBackendConfig:AuthBackendConfig").inputs.kubernetesHost)
            .toBe("https://kubernetes.default.svc:443");
    });

    test("tells each project's workloads where OpenBao and their key are, and opens only OpenBao's port", () => {
        const configMap = run.ofType("kubernetes:core/v1:ConfigMap").find(c => c.inputs.metadata.namespace === "rp-pharmaco")!;
        expect(configMap.inputs.data).toMatchObject({
            BAO_ADDR: "https://openbao.hdh-keys.svc:8200", BAO_AUTH_ROLE: "rp-pharmaco", TRANSIT_MOUNT: "transit",
            TRANSIT_KEY: "hdh-rp-pharmaco", BAO_CACERT_CONFIGMAP: "openshift-service-ca.crt",
        });
        const allow = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find(p =>
            p.inputs.metadata.namespace === "rp-pharmaco" && p.inputs.metadata.name === "allow-warehouse-services")!;
        expect(allow.inputs.spec.egress).toContainEqual({
            to: [{ ipBlock: { cidr: "10.128.0.0/14" } }], ports: [{ protocol: "TCP", port: 8200 }] });
    });

    test("exports the key ids as transit paths and the key endpoint as private", () => {
        expect(run.outputs.outputs.platformKeyId).toBe("transit/keys/hdh-platform");
        expect(run.outputs.outputs.projects.oncoprev.keyId).toBe("transit/keys/hdh-rp-oncoprev");
        expect(run.outputs.outputs.endpoints.keys).toEqual({ url: "https://openbao.hdh-keys.svc:8200", private: true });
        expect(run.outputs.outputs.encryption).toBe("envelope");
    });

    test("renders chart values that survive a YAML round trip unchanged (what Helm receives)", () => {
        const values = release().inputs.values;
        expect(yaml.load(yaml.dump(values))).toEqual(values);
    });
});
