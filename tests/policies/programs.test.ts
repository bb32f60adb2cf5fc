// The pack on programs other teams write, through the command line (`check --program`), with this repository's
// policy pack: the region from the provider's configuration, Azure display names, API versions pinned the azure-native
// 2.x way, private DNS under azure-native 2.x's network module, and providers the pack has no catalogue for.

import { cli, program } from "../cli/support";

interface Finding { policy: string; level: string; urn: string; message: string }

async function check(name: string, ...extra: string[]): Promise<{ code: number; findings: Finding[] }> {
    const run = await cli(["check", "--program", program(name), "--format", "json", ...extra]);
    const report = JSON.parse(run.stdout);
    return { code: run.code, findings: report.stacks.flatMap((s: { findings: Finding[] }) => s.findings) };
}

const named = (findings: Finding[], policy: string, level = "mandatory") =>
    findings.filter(f => f.policy === policy && f.level === level).map(f => f.urn.split("::").pop()).sort();

describe("a program that takes its region from the provider (issue 19, points 1 and 3)", () => {
    test('in "France Central" (the display name, in the stack config) no resource draws a residency finding', async () => {
        const { findings } = await check("azure-region-from-config");
        expect(named(findings, "allowed-regions")).toEqual([]);
        expect(named(findings, "replicas-in-jurisdiction")).toEqual([]);
        expect(named(findings, "allowed-regions", "advisory")).toEqual([]);
    }, 180000);
    test("the same program in westus fails residency on every resource that takes the provider's region", async () => {
        const { code, findings } = await check("azure-region-from-config", "--config", "azure-native:location=westus");
        expect(code).toBe(1);
        // The SQL server names its region itself ("France Central"); everything else follows the provider.
        expect(named(findings, "allowed-regions")).toEqual(["analytics", "events", "lake", "reporting-db"]);
        for (const f of findings.filter(x => x.policy === "allowed-regions")) expect(f.message).toMatch(/"westus" \(US\)/);
    }, 180000);
});

describe("a program on azure-native 2.x with pinned API versions (issue 19, points 2 and 4)", () => {
    test("versioned types draw the findings of their unversioned type; private DNS stays global", async () => {
        const { findings } = await check("azure-pinned-api-versions");
        expect(named(findings, "allowed-regions")).toEqual(["exports", "jobs"]); // westus from the provider
        expect(named(findings, "provider-jurisdiction")).toEqual(["exports", "jobs"]);
        expect(findings.filter(f => f.urn.endsWith("::blob-zone") || f.urn.endsWith("::blob-zone-link"))
            .filter(f => f.policy === "allowed-regions")).toEqual([]);
    }, 180000);
});

describe("a program across providers the pack has no catalogue for (issue 19, point 10)", () => {
    test("its AWS bucket and Cloud SQL instance fail closed; random values, keys, namespaces and components do not", async () => {
        const { code, findings } = await check("mixed-providers");
        expect(code).toBe(1);
        expect(named(findings, "allowed-regions")).toEqual(["exports-bucket", "exports-sql"]);
        expect(findings.filter(f => f.level === "mandatory").map(f => f.policy)).toEqual(["allowed-regions", "allowed-regions"]);
        for (const f of findings) expect(f.message).not.toMatch(/policies\/|\.ts\b|research notes/);
    }, 180000);
});
