// Issue 14, Cloud Temple: what OpenShift, OpenBao and CloudNativePG would refuse or break at `pulumi up`. Each test
// failed on the code before its fix.

import { ProgramRun, runWarehouse, stackConfig } from "../../support/program";

const SERVING_CERT = "service.beta.openshift.io/serving-cert-secret-name";

describe("Cloud Temple deployment defects (issue 14)", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "cloudtemple-rehearsal" }); });
    const values = () => run.one("kubernetes:helm.sh/v3:Release").inputs.values;

    test("defect 10: only the client-facing Service asks the service CA for OpenBao's certificate", () => {
        // The chart copies server.service.annotations onto the main, active, standby and headless Services.
        const service = values().server.service;
        expect(service.annotations?.[SERVING_CERT]).toBeUndefined();
        for (const part of ["active", "standby", "headless"]) expect(service[part]?.annotations?.[SERVING_CERT]).toBeUndefined();
        const patches = run.ofType("kubernetes:core/v1:ServicePatch");
        expect(patches.map(p => [p.inputs.metadata.namespace, p.inputs.metadata.name, p.inputs.metadata.annotations[SERVING_CERT]]))
            .toEqual([["hdh-keys", "openbao", "openbao-server-tls"]]);
        expect(patches[0].dependencies).toContain(run.one("kubernetes:helm.sh/v3:Release").urn);
    });

    test("defect 12: the catalogue namespace denies by default and admits PostgreSQL clients from research namespaces only", () => {
        const policies = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(p => p.inputs.metadata.namespace === "hdh-catalog");
        const deny = policies.find(p => p.inputs.metadata.name === "default-deny")!;
        expect(deny.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        const clients = policies.find(p => p.inputs.metadata.name === "allow-catalog-clients")!;
        expect(clients.inputs.spec.podSelector).toEqual({ matchLabels: { "cnpg.io/cluster": "catalog" } });
        expect(clients.inputs.spec.ingress).toContainEqual({
            from: [{ namespaceSelector: { matchExpressions: [{ key: "health-data.fr/research-project", operator: "Exists" }] } }],
            ports: [{ protocol: "TCP", port: 5432 }] });
    });

    test("defect 13: the catalogue keeps CloudNativePG's TLS 1.3 minimum", () => {
        const cluster = run.ofType("kubernetes:postgresql.cnpg.io/v1:Cluster")[0];
        expect(cluster.inputs.spec.postgresql.parameters.ssl_min_protocol_version).toBe("TLSv1.3");
    });

    test("defect 14: the backups' ObjectStore waits on a check that the Barman Cloud plugin and its CRD are installed", () => {
        const store = run.one("kubernetes:barmancloud.cnpg.io/v1:ObjectStore");
        expect(store.dependencies.some(u => /kubernetes:apiextensions\.k8s\.io\/v1:CustomResourceDefinition::/.test(u))).toBe(true);
        expect(store.dependencies.some(u => /kubernetes:apps\/v1:Deployment::/.test(u))).toBe(true);
    });
});

describe("Cloud Temple with the PKCS#11 seal (defect 11)", () => {
    const seal = {
        type: "pkcs11", library: "/usr/lib64/hsm/libvendor-pkcs11.so", tokenLabel: "hdh-openbao", keyLabel: "hdh-openbao-seal",
        image: { registry: "registry.hdh.example.fr", repository: "openbao/openbao-hsm-ubi", tag: "2.6.2" },
    };
    const settings = (extra: Record<string, unknown>) => {
        const s = JSON.parse(stackConfig("cloudtemple-rehearsal")["warehouse:cloudtemple"]);
        s.openbao.seal = { ...seal, ...extra };
        return { "warehouse:cloudtemple": s, "warehouse:cloudtempleHsmPin": "123456" };
    };

    test("defect 11: the HSM's address is configuration, and the keys namespace's EgressFirewall lets OpenBao reach it", async () => {
        const run = await runWarehouse({ stack: "cloudtemple-rehearsal",
            config: settings({ hsm: { cidrs: ["10.70.0.16/29"], port: 1792 } }), secrets: ["warehouse:cloudtempleHsmPin"] });
        const firewall = run.ofType("kubernetes:k8s.ovn.org/v1:EgressFirewall").find(f => f.inputs.metadata.namespace === "hdh-keys")!;
        const rules = firewall.inputs.spec.egress;
        const allow = rules.findIndex((r: any) => r.type === "Allow" && r.to.cidrSelector === "10.70.0.16/29" &&
            r.ports?.some((p: any) => p.port === 1792));
        expect(allow).toBeGreaterThanOrEqual(0);
        expect(allow).toBeLessThan(rules.findIndex((r: any) => r.type === "Deny"));
    });

    test("defect 11: a PKCS#11 seal without the HSM's address is refused before any resource, naming the key", async () => {
        await expect(runWarehouse({ stack: "cloudtemple-rehearsal", config: settings({}), secrets: ["warehouse:cloudtempleHsmPin"] }))
            .rejects.toThrow(/cloudtemple\.openbao\.seal\.hsm/);
    });
});
