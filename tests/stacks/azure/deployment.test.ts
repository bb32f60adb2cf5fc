// Issue 14, Azure: what a real `pulumi up` would hit and mocks do not see. Each test names the defect it guards;
// each failed on the code before the fix.

import { ProgramRun, runWarehouse } from "../../support/program";

const POD_CIDR = "100.64.0.0/16";
const NODE_CIDR = "10.40.0.0/17";
const ENDPOINTS = "10.40.128.0/24";
const DATABASE = "10.40.129.0/24";

const prefixes = (rule: any, side: "source" | "destination"): string[] =>
    rule[`${side}AddressPrefixes`] ?? (rule[`${side}AddressPrefix`] !== undefined ? [rule[`${side}AddressPrefix`]] : []);
const ports = (rule: any): string[] => rule.destinationPortRanges ?? [rule.destinationPortRange];

/** The first rule (by priority) of one direction that matches a packet; NSGs decide on the first match. */
function decide(nsg: any, direction: "Inbound" | "Outbound", from: string, to: string, port: string, protocol = "Tcp"): string {
    const rules = nsg.inputs.securityRules.filter((r: any) => r.direction === direction)
        .sort((a: any, b: any) => a.priority - b.priority);
    const match = rules.find((r: any) => (prefixes(r, "source").includes(from) || prefixes(r, "source").includes("*")) &&
        (prefixes(r, "destination").includes(to) || prefixes(r, "destination").includes("*")) &&
        (ports(r).includes(port) || ports(r).includes("*")) && (r.protocol === "*" || r.protocol === protocol));
    return match ? `${match.access}:${match.name}` : "none";
}

describe("Azure deployment defects (issue 14)", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "azure-prod" }); });
    const nsg = (suffix: string) => run.one("azure-native:network:NetworkSecurityGroup", `-nsg-${suffix}`);

    test("defect 1: the cluster NSG lets overlay pods and nodes talk on every port and protocol, both ways", () => {
        const cluster = nsg("cluster");
        for (const direction of ["Inbound", "Outbound"] as const) {
            expect(decide(cluster, direction, POD_CIDR, POD_CIDR, "53", "Udp")).toMatch(/^Allow:/);
            expect(decide(cluster, direction, POD_CIDR, POD_CIDR, "8080")).toMatch(/^Allow:/);
            expect(decide(cluster, direction, NODE_CIDR, POD_CIDR, "10250")).toMatch(/^Allow:/);
            expect(decide(cluster, direction, NODE_CIDR, NODE_CIDR, "4789", "Udp")).toMatch(/^Allow:/);
        }
    });

    test("defect 1: the API server subnet reaches webhooks on pod addresses", () => {
        expect(decide(nsg("apiserver"), "Outbound", "10.40.131.0/28", POD_CIDR, "9443")).toMatch(/^Allow:/);
        expect(decide(nsg("cluster"), "Inbound", "10.40.131.0/28", POD_CIDR, "9443")).toMatch(/^Allow:/);
    });

    test("defect 2: research namespaces may reach the identity provider (HTTPS to its published ranges), the firewall names it", () => {
        const policies = run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .filter(p => p.inputs.metadata.namespace === "rp-oncoprev");
        // login.microsoftonline.com's published IPv4 ranges (Microsoft 365 endpoint set 56).
        for (const cidr of ["20.20.32.0/19", "20.190.128.0/18", "20.231.128.0/19", "40.126.0.0/18"]) {
            const opens = policies.some(p => (p.inputs.spec.egress ?? []).some((e: any) =>
                (e.to ?? []).some((t: any) => t.ipBlock?.cidr === cidr) && (e.ports ?? []).some((p: any) => p.port === 443)));
            expect({ cidr, opens }).toEqual({ cidr, opens: true });
        }
        const rules = run.one("azure-native:network:FirewallPolicyRuleCollectionGroup").inputs.ruleCollections
            .flatMap((c: any) => c.rules);
        expect(rules.some((r: any) => (r.targetFqdns ?? []).includes("login.microsoftonline.com") &&
            r.sourceAddresses.includes(NODE_CIDR))).toBe(true);
    });

    test("defect 3: the database reaches the key vault's private endpoint, both NSGs agree", () => {
        expect(decide(nsg("database"), "Outbound", DATABASE, ENDPOINTS, "443")).toMatch(/^Allow:/);
        expect(decide(nsg("endpoints"), "Inbound", DATABASE, ENDPOINTS, "443")).toMatch(/^Allow:/);
    });

    test("defect 4: no blob versioning on the hierarchical-namespace account; soft delete and immutability instead", () => {
        const account = run.one("azure-native:storage:StorageAccount").inputs;
        const service = run.one("azure-native:storage:BlobServiceProperties").inputs;
        expect(account.isHnsEnabled).toBe(true);
        expect(service.isVersioningEnabled).not.toBe(true);
        expect(service.deleteRetentionPolicy).toMatchObject({ enabled: true });
        expect(service.deleteRetentionPolicy.days).toBeGreaterThanOrEqual(90);
        const lifecycle = run.ofType("azure-native:storage:ManagementPolicy");
        for (const p of lifecycle) for (const r of p.inputs.policy.rules) expect(r.definition.actions.version).toBeUndefined();
        expect(run.ofType("azure-native:storage:BlobContainerImmutabilityPolicy")).toHaveLength(1);
    });

    test("defect 5: PostgreSQL follows the key's versions; the KMS key's versions never expire under it", () => {
        const server = run.one("azure-native:dbforpostgresql:Server").inputs;
        expect(server.dataEncryption.primaryKeyURI).not.toMatch(/\/keys\/[^/]+\/[0-9a-f]+$/);
        const cluster = run.one("azure-native:containerservice:ManagedCluster").inputs;
        const keyName = String(cluster.securityProfile.azureKeyVaultKms.keyId).split("/keys/")[1].split("/")[0];
        const key = run.ofType("azure-native:keyvault:Key").find(k => k.inputs.keyName === keyName)!;
        expect(key.inputs.properties.rotationPolicy.attributes?.expiryTime).toBeUndefined();
        expect(key.inputs.properties.rotationPolicy.lifetimeActions)
            .toContainEqual(expect.objectContaining({ action: { type: "rotate" } }));
    });

    test("defect 6: the PostgreSQL Entra administrator is of principalType `group`, the API's spelling", () => {
        expect(run.one("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra").inputs.principalType).toBe("group");
    });

    test("defect 7: no research group holds `edit`; a Cilium cluster-wide policy holds projects apart", () => {
        const bindings = run.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
        expect(bindings.filter(b => ["edit", "admin", "cluster-admin"].includes(b.inputs.roleRef.name))).toEqual([]);
        const ccnp = run.ofType("kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy");
        expect(ccnp.map(p => p.inputs.spec.endpointSelector.matchLabels["k8s:io.kubernetes.pod.namespace"]).sort())
            .toEqual(["rp-covidlong", "rp-diabfr", "rp-oncoprev", "rp-pharmaco"]);
        for (const p of ccnp) {
            expect(p.inputs.spec.egressDeny).toHaveLength(1);
            expect(p.inputs.spec.ingressDeny).toHaveLength(1);
        }
    });
});
