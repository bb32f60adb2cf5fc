// The declared rules' pure parts and their data: the evaluator (paths, defaults by API version, conditions), the
// address arithmetic of firewall and security rules, key URIs and pod templates; and the declarations themselves
// (every type is one the installed SDKs declare, every policy exists, every data-holding type of the catalogue
// with a public-access, local-auth or customer-key switch is covered).

import { DECLARED_CHECKS, FIREWALL_CHECKS, KEY_CONSUMERS, PRIVATE_LINK_TYPES, PROPERTY_CHECKS } from "../../policies/checks";
import { PropertyCheck } from "../../policies/checks/model";
import { catalog, fieldsOf, typeInfo } from "../../policies/catalog/resource-types";
import { POLICY_METADATA } from "../../policies/metadata";
import { openness, rangeOpenness } from "../../policies/rules/addresses";
import { declaredPredicates, indexChecks, judge, tlsVersion, valuesAt } from "../../policies/rules/declared";
import { parseKeyUri } from "../../policies/rules/key-lifetime";
import { podTemplateOf, restrictedProblems } from "../../policies/rules/pod-security";
import { apiVersionOf, resourceTypeOf } from "../../policies/rules/types";

describe("addresses", () => {
    test.each(["*", "Internet", "Any", "0.0.0.0/0", "0.0.0.0", "::/0", "32.0.0.0/4", "0.0.0.0/1"])("%s is open", v => {
        expect(openness(v).open).toBe(true);
    });
    test.each(["10.0.0.0/8", "198.51.100.0/24", "203.0.113.7", "VirtualNetwork", "AzureLoadBalancer", "172.16.0.0/12", "2001:db8::/48", ""])("%s is closed", v => {
        expect(openness(v).open).toBe(false);
    });
    test("0.0.0.0 is every Azure tenant where the service says so, the internet elsewhere", () => {
        expect(openness("0.0.0.0", true)).toMatchObject({ open: true, what: "azure" });
        expect(openness("0.0.0.0", false)).toMatchObject({ open: true, what: "internet" });
    });
    test("ranges", () => {
        expect(rangeOpenness("0.0.0.0", "255.255.255.255")).toMatchObject({ open: true, what: "internet" });
        expect(rangeOpenness("0.0.0.0", "0.0.0.0", true)).toMatchObject({ open: true, what: "azure" });
        expect(rangeOpenness("0.0.0.0", "0.0.0.0", false).open).toBe(false);
        expect(rangeOpenness("1.0.0.0", "126.255.255.255").open).toBe(true);
        expect(rangeOpenness("10.0.0.0", "10.255.255.255").open).toBe(false);
        expect(rangeOpenness("198.51.100.10", "198.51.100.20").open).toBe(false);
        expect(rangeOpenness("255.255.255.255", "0.0.0.0").open).toBe(false);
        expect(rangeOpenness("not-an-ip", "255.255.255.255").open).toBe(false);
    });
});

describe("the evaluator", () => {
    test("TLS versions in every spelling", () => {
        expect(["TLS1_2", "1.2", "Tls12", "TLSv1.2", "tls1.2", "TLS12"].map(tlsVersion)).toEqual([1.2, 1.2, 1.2, 1.2, 1.2, 1.2]);
        expect(["TLS1_0", "Tls", "1.1", "None", "TLSEnforcementDisabled"].map(tlsVersion)).toEqual([1, 1, 1.1, 0, undefined]);
    });
    test("paths: plain keys, lists, absent steps", () => {
        const props = { a: { b: [{ c: 1 }, { c: 2 }, {}] } };
        expect(valuesAt(props, "a.b[*].c").map(f => [f.at, f.value])).toEqual([["a.b[0].c", 1], ["a.b[1].c", 2], ["a.b[2].c", undefined]]);
        expect(valuesAt(props, "x.y")).toEqual([{ at: "x.y", value: undefined, element: props }]);
        expect(valuesAt({}, "x[*].y")).toEqual([]);
    });
    test("an absent property is judged by the default of the API version the program chose", () => {
        const check = DECLARED_CHECKS.find(c => c.id === "storage-anonymous-blob-access")!;
        expect(judge(check, {}, "azure-native:storage:StorageAccount")).toEqual([]);
        expect(judge(check, {}, "azure-native:storage/v20230101:StorageAccount")).toEqual([]);
        expect(judge(check, {}, "azure-native:storage/v20220901:StorageAccount")).toHaveLength(1);
        expect(judge(check, { allowBlobPublicAccess: true }, "azure-native:storage:StorageAccount")[0].message)
            .toMatch(/`allowBlobPublicAccess` is true\): set `allowBlobPublicAccess` to false/);
    });
    test("conditions: `unless` makes a check moot, `onlyIf` limits it, `skipElements` leaves list items out", () => {
        const pg = DECLARED_CHECKS.find(c => c.id === "postgresql-flexible-public-network")!;
        expect(judge(pg, { network: { delegatedSubnetResourceId: "/subnets/db" } })).toEqual([]);
        expect(judge(pg, { network: {} })).toHaveLength(1);
        const disks = DECLARED_CHECKS.find(c => c.id === "vm-data-disk-customer-key")!;
        expect(judge(disks, { storageProfile: { dataDisks: [{ createOption: "Attach" }, { createOption: "Empty" }] } })
            .map(f => f.message)).toEqual([expect.stringMatching(/dataDisks\[1\]/)]);
    });
    test("a declaration id is unique, and a policy's checks are all resource or all stack checks", () => {
        const check = DECLARED_CHECKS[0];
        expect(() => indexChecks([check, check])).toThrow(/declared twice/);
        const linked: PropertyCheck = { ...check, id: "x", companions: [{ type: "azure-native:sql:EncryptionProtector" }] };
        expect(() => declaredPredicates(indexChecks([check, linked]))).toThrow(/mixes checks/);
    });
    test("versioned and renamed tokens resolve to the declared one", () => {
        expect(resourceTypeOf("azure-native:containerservice/v20240101:ManagedCluster")).toBe("azure-native:containerservice:ManagedCluster");
        expect(resourceTypeOf("azure-native:documentdb:DatabaseAccount")).toBe("azure-native:cosmosdb:DatabaseAccount");
        expect(resourceTypeOf("azure-native:cache:Redis")).toBe("azure-native:redis:Redis");
        expect(apiVersionOf("azure-native:storage/v20250102preview:StorageAccount")).toBe("2025-01-02-preview");
        expect(apiVersionOf("azure-native:storage:StorageAccount")).toBeUndefined();
    });
});

test("key URIs: name and version", () => {
    expect(parseKeyUri("https://kv.vault.azure.net/keys/k1/0123456789abcdef0123456789abcdef")).toEqual({ name: "k1", version: "0123456789abcdef0123456789abcdef" });
    expect(parseKeyUri("https://kv.vault.azure.net/keys/k1")).toEqual({ name: "k1", version: undefined });
    expect(parseKeyUri("https://hsm.managedhsm.azure.net/keys/k1/")).toEqual({ name: "k1", version: undefined });
    expect(parseKeyUri("not a uri")).toBeUndefined();
});

test("pod templates: where each kind keeps its pod, and Windows pods' exemptions", () => {
    expect(podTemplateOf("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } } })!.base)
        .toBe("spec.jobTemplate.spec.template.spec");
    expect(podTemplateOf("kubernetes:core/v1:ConfigMap", {})).toBeUndefined();
    const windows = podTemplateOf("kubernetes:core/v1:Pod", { spec: { os: { name: "windows" }, securityContext: { runAsNonRoot: true },
        containers: [{ name: "w", image: "i" }] } })!;
    expect(restrictedProblems(windows)).toEqual([]);
    const linux = podTemplateOf("kubernetes:core/v1:Pod", { spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: "l", image: "i" }] } })!;
    expect(restrictedProblems(linux).map(p => p.field)).toEqual(["spec.containers[0].securityContext.allowPrivilegeEscalation",
        "spec.containers[0].securityContext.seccompProfile.type", "spec.containers[0].securityContext.capabilities.drop"]);
});

describe("the declarations", () => {
    const policies = new Set(POLICY_METADATA.map(m => m.name));
    test("every declared type is a type of the installed SDKs, named as the catalogue names it", () => {
        const types = new Set([...PROPERTY_CHECKS.flatMap(c => c.types), ...FIREWALL_CHECKS.flatMap(c => c.types),
            ...PRIVATE_LINK_TYPES.map(t => t.type), ...KEY_CONSUMERS.flatMap(c => c.types)]);
        expect([...types].filter(t => typeInfo(t)?.token !== t)).toEqual([]);
    });
    test("every declaration belongs to a policy of the table, has a source and a remediation value", () => {
        for (const c of PROPERTY_CHECKS) {
            expect({ id: c.id, known: policies.has(c.policy), fix: c.fix.length > 0 }).toEqual({ id: c.id, known: true, fix: true });
        }
        expect(DECLARED_CHECKS.filter(c => !c.source.azurePolicy?.length && !c.source.checkov?.length && !c.source.docs?.length).map(c => c.id)).toEqual([]);
    });
    test("every data-holding type with a public-access, local-auth or key-source switch is covered", () => {
        const covered = (policy: string, token: string) => PROPERTY_CHECKS.some(c => c.policy === policy && c.types.includes(token));
        const missing: string[] = [];
        for (const token of Object.keys(catalog().types)) {
            const info = typeInfo(token)!;
            if (!info.holdsData) continue;
            const has = (category: "exposure" | "auth" | "encryption", re: RegExp) => fieldsOf(info, category).some(f => re.test(f.path));
            if (has("exposure", /publicNetworkAccess$/) && !covered("no-public-data-access", token)) missing.push(`${token} public access`);
            if (has("auth", /disableLocalAuth$/) && !covered("no-shared-keys", token)) missing.push(`${token} local auth`);
            if (fieldsOf(info, "encryption").some(f => /keySource$/.test(f.path) && f.values?.some(v => /keyvault/i.test(v))) &&
                !covered("customer-managed-encryption", token)) missing.push(`${token} customer key`);
        }
        expect(missing).toEqual([]);
    });
});
