// Issue 14, OVHcloud: ordering and key operations a real `pulumi up` depends on. Each failed before its fix.

import { ProgramRun, runWarehouse } from "../../support/program";

describe("OVHcloud deployment defects (issue 14)", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "ovh-rehearsal" }); });

    test("defect 8: the cluster and every node pool wait for the gateway (multi-zone MKS needs it; nodes egress through it)", () => {
        const gateway = run.one("ovh:index/cloudGateway:CloudGateway");
        expect(run.one("ovh:CloudProject/kube:Kube").dependencies).toContain(gateway.urn);
        const pools = run.ofType("ovh:CloudProject/kubeNodePool:KubeNodePool");
        expect(pools.length).toBeGreaterThan(0);
        for (const pool of pools) expect(pool.dependencies).toContain(gateway.urn);
    });

    test("defect 9: OKMS keys get one pair of operations, the one their callers use (encrypt/decrypt)", () => {
        const keys = run.ofType("ovh:Okms/serviceKey:ServiceKey");
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) expect([...key.inputs.operations].sort()).toEqual(["decrypt", "encrypt"]);
    });

    test("defect 7: no research group holds `edit`; a cluster-level policy holds projects apart", () => {
        const bindings = run.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
        expect(bindings.filter(b => ["edit", "admin", "cluster-admin"].includes(b.inputs.roleRef.name))).toEqual([]);
        const global = run.ofType("kubernetes:crd.projectcalico.org/v1:GlobalNetworkPolicy");
        expect(global.map(p => p.inputs.spec.selector).sort()).toEqual([
            "projectcalico.org/namespace == 'rp-covidlong'", "projectcalico.org/namespace == 'rp-diabfr'",
            "projectcalico.org/namespace == 'rp-oncoprev'", "projectcalico.org/namespace == 'rp-pharmaco'"]);
        for (const p of global) expect(p.inputs.spec.egress[0].action).toBe("Deny");
    });
});
