import { ProgramRun, runWarehouse } from "../../support/program";

// The delivered OpenShift cluster taken over from its kubeconfig, and egress locked down with OpenShift's objects.
describe("Cloud Temple network and compute: the OpenShift cluster, egress denied by default", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "cloudtemple-rehearsal" }); });

    const anp = (id: string) => run.ofType("kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy")
        .find(p => p.inputs.metadata.name === `hdh-rp-${id}`)!;

    test("drives the cluster through one provider whose kubeconfig is a secret", () => {
        const provider = run.one("pulumi:providers:kubernetes");
        expect(provider.secretInputs).toContain("kubeconfig");
        const kubernetesObjects = run.resources.filter(r => r.custom && r.type.startsWith("kubernetes:"));
        expect(kubernetesObjects.length).toBeGreaterThan(30);
        for (const r of kubernetesObjects) expect(r.provider.startsWith(provider.urn)).toBe(true);
    });

    test("creates protected platform namespaces for OpenBao and the catalogue, restricted and labelled", () => {
        for (const name of ["hdh-keys", "hdh-catalog"]) {
            const ns = run.ofType("kubernetes:core/v1:Namespace").find(n => n.inputs.metadata.name === name)!;
            expect(ns.protect).toBe(true);
            expect(ns.inputs.metadata.labels).toMatchObject({
                "pod-security.kubernetes.io/enforce": "restricted",
                "health-data.fr/owner": "plateforme-donnees",
                "health-data.fr/data-classification": "health-pseudonymised",
            });
        }
    });

    test("gives each research namespace an AdminNetworkPolicy of its own priority", () => {
        const policies = run.ofType("kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy");
        expect(policies).toHaveLength(4);
        const priorities = policies.map(p => p.inputs.spec.priority);
        expect(new Set(priorities).size).toBe(4);
        for (const p of priorities) {
            // OVN-Kubernetes implements priorities 0 to 99 only.
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(99);
        }
        expect(anp("oncoprev").inputs.spec.subject).toEqual(
            { namespaces: { matchLabels: { "kubernetes.io/metadata.name": "rp-oncoprev" } } });
    });

    test("allows DNS, OpenBao, the catalogue and object storage, passes its own namespace, denies the rest", () => {
        const egress = anp("pharmaco").inputs.spec.egress;
        expect(egress.map((r: any) => `${r.action}:${r.name}`)).toEqual([
            "Allow:allow-cluster-dns", "Allow:allow-openbao", "Allow:allow-catalog", "Allow:allow-object-storage",
            "Pass:pass-own-namespace", "Deny:deny-everything-else",
        ]);
        expect(egress[0].to[0].pods).toEqual({
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "openshift-dns" } },
            podSelector: { matchLabels: { "dns.operator.openshift.io/daemonset-dns": "default" } },
        });
        expect(egress[0].ports).toEqual([
            { portNumber: { protocol: "UDP", port: 5353 } }, { portNumber: { protocol: "TCP", port: 5353 } }]);
        expect(egress[1].to[0].pods.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("hdh-keys");
        expect(egress[1].ports).toEqual([{ portNumber: { protocol: "TCP", port: 8200 } }]);
        expect(egress[2].to[0].pods.podSelector.matchLabels).toEqual({ "cnpg.io/cluster": "catalog" });
        expect(egress[3]).toMatchObject({ to: [{ networks: ["198.51.100.32/28"] }],
            ports: [{ portNumber: { protocol: "TCP", port: 443 } }] });
        expect(egress[4].to).toEqual([{ namespaces: { matchLabels: { "kubernetes.io/metadata.name": "rp-pharmaco" } } }]);
        expect(egress[5].to).toEqual([{ namespaces: {} }, { networks: ["0.0.0.0/0"] }]);
        const ingress = anp("pharmaco").inputs.spec.ingress;
        expect(ingress.map((r: any) => r.action)).toEqual(["Pass", "Deny"]);
    });

    test("confines the platform namespaces' traffic out of the cluster with EgressFirewalls", () => {
        const firewalls = run.ofType("kubernetes:k8s.ovn.org/v1:EgressFirewall");
        expect(firewalls.map(f => `${f.inputs.metadata.namespace}/${f.inputs.metadata.name}`).sort())
            .toEqual(["hdh-catalog/default", "hdh-keys/default"]);
        const keys = firewalls.find(f => f.inputs.metadata.namespace === "hdh-keys")!.inputs.spec.egress;
        expect(keys).toEqual([
            { type: "Allow", to: { cidrSelector: "10.60.0.0/28" } },
            { type: "Deny", to: { cidrSelector: "0.0.0.0/0" } },
        ]);
        const catalog = firewalls.find(f => f.inputs.metadata.namespace === "hdh-catalog")!.inputs.spec.egress;
        expect(catalog).toContainEqual({ type: "Allow", to: { cidrSelector: "198.51.100.32/28" },
            ports: [{ protocol: "TCP", port: 443 }] });
        expect(catalog[catalog.length - 1]).toEqual({ type: "Deny", to: { cidrSelector: "0.0.0.0/0" } });
    });

    test("refuses Routes and Ingresses in research namespaces at admission", () => {
        const policy = run.one("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy");
        expect(policy.inputs.spec.matchConstraints.namespaceSelector).toEqual(
            { matchExpressions: [{ key: "health-data.fr/research-project", operator: "Exists" }] });
        expect(policy.inputs.spec.matchConstraints.resourceRules.map((r: any) => `${r.apiGroups[0]}/${r.resources[0]}`))
            .toEqual(["route.openshift.io/routes", "networking.k8s.io/ingresses"]);
        expect(policy.inputs.spec.validations[0].expression).toBe("false");
        const binding = run.one("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding");
        expect(binding.inputs.spec).toEqual({ policyName: "hdh-research-no-exposure", validationActions: ["Deny"] });
    });

    test("points the portable layer's DNS rule at OpenShift's DNS pods on 5353", () => {
        const dns = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .find(p => p.inputs.metadata.name === "allow-dns" && p.inputs.metadata.namespace === "rp-diabfr")!;
        expect(dns.inputs.spec.egress[0].to[0]).toEqual({
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "openshift-dns" } },
            podSelector: { matchLabels: { "dns.operator.openshift.io/daemonset-dns": "default" } },
        });
        expect(dns.inputs.spec.egress[0].ports).toEqual([{ protocol: "UDP", port: 5353 }, { protocol: "TCP", port: 5353 }]);
    });

    test("exports the cluster as ordered from Cloud Temple, its API restricted", () => {
        expect(run.outputs.outputs).toMatchObject({
            target: "cloudtemple", region: "FR1", clusterName: "hdh-rehearsal", clusterApiAccess: "restricted",
            endpoints: { clusterApi: {
                url: "https://api.hdh-rehearsal.openshift.fr1.example-tenant.cloud-temple.com:6443", private: false } },
        });
    });
});
