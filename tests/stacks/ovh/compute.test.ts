import { ProgramRun, runWarehouse } from "../../support/program";
import { STACK, T, idOf } from "./helpers";

describe("OVH compute: MKS in the private network, restricted API, OIDC, pools over three zones", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: STACK }); });

    test("creates a protected standard-plan cluster in the Paris 3-AZ region at the neutral Kubernetes version", () => {
        const kube = run.one(T.kube);
        expect(kube.inputs).toMatchObject({
            region: "EU-WEST-PAR", version: "1.32", plan: "standard", name: "hdh-rehearsal",
            serviceName: "5c2e9a0d4b7f41e38a6d2f1c0b9e7d53",
        });
        expect(kube.protect).toBe(true);
    });

    test("puts the nodes in the cluster subnet and routes their egress through the private network's gateway", () => {
        const kube = run.one(T.kube);
        const clusterSubnet = run.ofType(T.subnet).find(s => s.inputs.name === "hdh-rehearsal-cluster")!;
        expect(kube.inputs.privateNetworkId).toBe(idOf(run.one(T.network)));
        expect(kube.inputs.nodesSubnetId).toBe(idOf(clusterSubnet));
        expect(kube.inputs.privateNetworkConfiguration).toEqual({
            defaultVrackGateway: "", privateNetworkRoutingAsDefault: true,
        });
    });

    test("restricts the public API to the admin CIDRs only", () => {
        const restrictions = run.one(T.ipRestrictions);
        expect(restrictions.inputs.ips).toEqual(["192.0.2.0/28"]);
        expect(restrictions.inputs.kubeId).toBe(idOf(run.one(T.kube)));
    });

    test("authenticates users with the configured OIDC issuer, binding groups by their plain names", () => {
        const oidc = run.one(T.oidc);
        expect(oidc.inputs).toMatchObject({
            kubeId: idOf(run.one(T.kube)),
            issuerUrl: "https://sso.health-data-hub.fr/realms/warehouse",
            clientId: "hdh-warehouse-kubernetes",
            oidcUsernameClaim: "email",
            oidcUsernamePrefix: "oidc:",
            oidcGroupsClaims: ["groups"],
        });
        expect(oidc.inputs.oidcGroupsPrefix).toBeUndefined();
    });

    test("spreads each neutral pool over eu-west-par-a/b/c, one MKS pool per zone, with the neutral totals", () => {
        const pools = run.ofType(T.nodePool).map(p => p.inputs);
        const byRole = (role: string) => pools.filter(p => p.name.startsWith(role));
        const total = (list: any[], field: string) => list.reduce((sum, p) => sum + p[field], 0);

        const system = byRole("system");
        expect(system.map(p => p.availabilityZones)).toEqual([["eu-west-par-a"], ["eu-west-par-b"], ["eu-west-par-c"]]);
        expect(system.every(p => p.flavorName === "b3-8")).toBe(true);
        expect([total(system, "desiredNodes"), total(system, "minNodes"), total(system, "maxNodes")]).toEqual([3, 3, 5]);

        const analytics = byRole("analytics");
        expect(analytics.map(p => p.name)).toEqual(["analytics-a", "analytics-b", "analytics-c"]);
        expect(analytics.every(p => p.flavorName === "b3-32")).toBe(true);
        expect([total(analytics, "desiredNodes"), total(analytics, "minNodes"), total(analytics, "maxNodes")])
            .toEqual([3, 3, 12]);
        for (const p of pools) {
            expect(p.minNodes).toBeGreaterThanOrEqual(1);
            expect(p.desiredNodes).toBeGreaterThanOrEqual(p.minNodes);
            expect(p.maxNodes).toBeGreaterThanOrEqual(p.desiredNodes);
            expect(p.autoscale).toBe(p.minNodes < p.maxNodes);
            expect(p.kubeId).toBe(idOf(run.one(T.kube)));
        }
    });

    test("labels the nodes with the warehouse identity and their pool", () => {
        for (const pool of run.ofType(T.nodePool)) {
            expect(pool.inputs.template.metadata.labels).toMatchObject({
                "health-data.fr/warehouse": "hdh",
                "health-data.fr/owner": "plateforme-donnees",
                "health-data.fr/cost-centre": "cc-4200",
                "health-data.fr/node-pool": pool.inputs.name.split("-")[0],
            });
        }
    });

    test("deploys the research workspaces with a provider built from the cluster's kubeconfig, kept secret", () => {
        const provider = run.one("pulumi:providers:kubernetes");
        expect(provider.secretInputs).toContain("kubeconfig");
        expect(provider.inputs.kubeconfig).toContain("kind: Config");
        expect(provider.dependencies).toEqual(expect.arrayContaining([run.one(T.ipRestrictions).urn, run.one(T.oidc).urn]));
        for (const ns of run.ofType("kubernetes:core/v1:Namespace")) {
            expect(ns.provider.startsWith(provider.urn)).toBe(true);
        }
    });

    test("lets research pods reach MKS's cluster DNS and nothing else by default", () => {
        const dns = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .filter(p => p.inputs.metadata.name === "allow-dns");
        expect(dns).toHaveLength(4);
        for (const policy of dns) {
            expect(policy.inputs.spec.egress[0].to[0]).toEqual({
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            });
        }
        expect(run.outputs.outputs.clusterApiAccess).toBe("restricted");
    });
});
