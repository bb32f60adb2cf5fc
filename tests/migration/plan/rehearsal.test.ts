// The rehearsal's logic over plans built by hand: parity and gaps, differences, verdicts matched across clouds,
// the runbook, and the exit code. No engine: these run in milliseconds.

import { rehearsal } from "../../../migration/plan/report";
import { rehearsalExitCode } from "../../../cli/handlers/rehearse";
import { rehearsalJson } from "../../../cli/formats/rehearsal-json";
import { rehearsalMarkdown } from "../../../cli/formats/rehearsal-markdown";
import { rehearsalText } from "../../../cli/formats/rehearsal-text";
import { NotAWarehouse } from "../../../migration/plan/inventory";
import { PROJECTS, findingOn, fixturePlan } from "./fixtures";

const source = fixturePlan({ stack: "cloud-a-prod", cloud: "clouda", encryption: "customer-managed-key", rawLockDays: 365 });
const complete = fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", encryption: "envelope", rawLockDays: 365 });
const side = (plan: typeof source, findings: ReturnType<typeof findingOn>[] = []) => ({ plan, findings });

describe("parity", () => {
    it("covers every capability of the neutral model when the target declares them all", () => {
        const report = rehearsal(side(source), side(complete));
        expect(report.parity.map(r => r.capability.id)).toEqual([
            "network", "keys", "zone:raw", "zone:curated",
            ...PROJECTS.flatMap(p => [`project:${p}:storage`, `project:${p}:key`, `project:${p}:namespace`]),
            "pool:system", "pool:analytics", "catalog",
        ]);
        expect(report.parity.filter(r => r.gap)).toEqual([]);
        expect(report.summary.verdict).toBe("ready");
        expect(rehearsalExitCode(report)).toBe(0);
    });

    it("names what implements each capability on each side", () => {
        const report = rehearsal(side(source), side(complete));
        const row = (id: string) => report.parity.find(r => r.capability.id === id)!;
        expect(row("zone:raw").source.primary).toMatchObject({ type: "clouda:storage:Bucket", name: "hdh-storage-raw" });
        expect(row("zone:raw").target.primary).toMatchObject({ type: "cloudb:storage:Bucket", name: "hdh-storage-raw" });
        expect(row("project:beta:key").target.primary).toMatchObject({ type: "cloudb:kms:Key", name: "hdh-keys-beta" });
        expect(row("project:beta:namespace").target.primary).toMatchObject({ name: "hdh-beta-namespace" });
        expect(row("keys").target.primary).toMatchObject({ name: "hdh-keys-platform" });
        expect(row("pool:analytics").source.primary).toMatchObject({ name: "hdh-compute-analytics" });
        // A bucket of one project is not another project's: gamma's bucket is not counted for alpha.
        expect(row("project:alpha:storage").target.resources.map(r => r.name)).toEqual(["hdh-storage-rp-alpha"]);
    });

    it("reports a project the target forgot as a gap of its storage, key and namespace, and fails", () => {
        const missing = fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", forget: ["beta"] });
        const report = rehearsal(side(source), side(missing));
        expect(report.parity.filter(r => r.gap).map(r => r.capability.id))
            .toEqual(["project:beta:storage", "project:beta:key", "project:beta:namespace"]);
        expect(report.summary.gaps).toBe(3);
        expect(report.summary.verdict).toBe("not-ready");
        expect(rehearsalExitCode(report)).toBe(1);
        expect(rehearsalText(report)).toMatch(/GAP\s+research project beta: storage .* ->\s+MISSING/);
    });

    it("reports a project only the target has as a gap too (present on one side, missing on the other)", () => {
        const extra = fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", projects: [...PROJECTS, "delta"] });
        const report = rehearsal(side(source), side(extra));
        expect(report.parity.filter(r => r.gap).map(r => r.capability.id))
            .toEqual(["project:delta:storage", "project:delta:key", "project:delta:namespace"]);
    });

    it("reports a block the target leaves to its provider as outside the program, not as a gap", () => {
        const adopted = fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", externalCompute: true });
        const report = rehearsal(side(source), side(adopted));
        const pools = report.parity.filter(r => r.capability.kind === "pool");
        expect(pools.map(r => [r.target.coverage, r.gap])).toEqual([["external", false], ["external", false]]);
        expect(report.summary.external).toBe(2);
        expect(report.runbook[0].actions.join("\n")).toMatch(/confirm with the provider.*compute pool system/);
    });

    it("refuses a stack that is not the warehouse program", () => {
        const other = { ...complete, resources: complete.resources.filter(r => r.type === "pulumi:pulumi:Stack") };
        expect(() => rehearsal(side(source), side(other))).toThrow(NotAWarehouse);
    });
});

describe("differences that matter", () => {
    it("states the encryption scheme, API access and retention lock differences with why they matter", () => {
        const target = fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", encryption: "envelope",
            apiAccess: "restricted", keySize: 4096 });
        const report = rehearsal(side(source), side(target));
        const diff = (id: string) => report.differences.find(d => d.id === id);
        expect(diff("encryption-scheme")).toMatchObject({ source: "customer-managed-key", target: "envelope", origin: "outputs" });
        expect(diff("encryption-scheme")!.why).toMatch(/re-encrypt/);
        expect(diff("cluster-api-access")).toMatchObject({ source: "private", target: "restricted" });
        expect(diff("zone:raw:immutability")).toMatchObject({ source: "object lock (compliance), 365 days", target: "none" });
        expect(diff("keys:type")).toMatchObject({ source: "RSA 3072", target: "RSA 4096", origin: "resources" });
        expect(diff("keys:recovery")).toBeUndefined(); // the same on both: not a difference
    });

    it("lists nothing when the two stacks are built alike (same cloud, same settings)", () => {
        const twin = fixturePlan({ stack: "cloud-a-dr", cloud: "clouda", encryption: "customer-managed-key", rawLockDays: 365 });
        const report = rehearsal(side(source), side(twin));
        expect(report.differences).toEqual([]);
    });
});

describe("policy verdicts side by side", () => {
    it("matches findings across clouds by policy and capability, whatever the URNs", () => {
        const from = side(source, [
            findingOn(source, "hdh-storage-rp-alpha", "storage-private"),
            findingOn(source, "hdh-keys-platform", "provider-jurisdiction"),
        ]);
        const to = side(complete, [
            findingOn(complete, "hdh-storage-rp-alpha", "storage-private"),
            findingOn(complete, "hdh-compute-cluster", "api-not-public", "advisory"),
        ]);
        const report = rehearsal(from, to);
        const show = (fs: readonly { policy: string; identity: string }[]) => fs.map(f => `${f.policy}@${f.identity}`);
        expect(show(report.verdicts.resolved)).toEqual(["provider-jurisdiction@keys"]);
        // The cluster serves no single capability: its findings are matched at the level of its block.
        expect(show(report.verdicts.introduced)).toEqual(["api-not-public@block:compute"]);
        expect(show(report.verdicts.kept)).toEqual(["storage-private@project:alpha:storage"]);
        // The target keeps a mandatory finding: not ready.
        expect(report.verdicts.targetMandatory).toBe(1);
        expect(rehearsalExitCode(report)).toBe(1);
    });

    it("matches what no single capability pins down by policy and building block", () => {
        // The source's finding is on a pool, the target's on the cluster: the same compute block, the same policy.
        const report = rehearsal(side(source, [findingOn(source, "hdh-compute-system", "api-not-public")]),
            side(complete, [findingOn(complete, "hdh-compute-cluster", "api-not-public")]));
        expect(report.verdicts.kept.map(f => [f.policy, f.identity, f.area])).toEqual([["api-not-public", "block:compute", "block:compute"]]);
        expect(report.verdicts.resolved).toEqual([]);
        expect(report.verdicts.introduced).toEqual([]);
        // One against several in a block (an account against its buckets) stays apart.
        const many = rehearsal(side(source, [findingOn(source, "hdh-storage-raw", "encrypted")]),
            side(complete, ["hdh-storage-rp-alpha", "hdh-storage-rp-beta"].map(n => findingOn(complete, n, "encrypted"))));
        expect(many.verdicts.kept).toEqual([]);
        expect(many.verdicts.introduced.map(f => f.identity)).toEqual(["project:alpha:storage", "project:beta:storage"]);
        // Across blocks, the same policy is a different finding.
        const apart = rehearsal(side(source, [findingOn(source, "hdh-storage-raw", "api-not-public")]),
            side(complete, [findingOn(complete, "hdh-compute-cluster", "api-not-public")]));
        expect(apart.verdicts.resolved).toHaveLength(1);
        expect(apart.verdicts.introduced).toHaveLength(1);
    });

    it("passes when the target's only findings are advisory or exempt", () => {
        const to = side(complete, [
            findingOn(complete, "hdh-compute-cluster", "api-not-public", "advisory"),
            { ...findingOn(complete, "hdh-storage-raw", "storage-private"), exempt: true, level: "advisory" as const },
        ]);
        const report = rehearsal(side(source), to);
        expect(report.summary).toMatchObject({ targetMandatory: 0, verdict: "ready" });
    });
});

describe("runbook", () => {
    const report = rehearsal(side(source), side(complete), { rollbackDays: 45 });

    it("has one copy step and one route per zone and per project of the source", () => {
        expect(report.routes.map(r => r.scope)).toEqual(["zone:raw", "zone:curated", ...PROJECTS.map(p => `project:${p}`)]);
        expect(report.routes[2]).toEqual({ scope: "project:alpha", moverScope: "alpha", source: "cloud-a-prod-rp-alpha",
            target: "cloud-b-rehearsal-rp-alpha", targetKey: "project-alpha" });
        expect(report.routes[0]).toMatchObject({ moverScope: "platform", targetKey: "platform" });
        const copies = report.runbook.filter(s => s.title.startsWith("Copy and re-key"));
        // The target locks its raw zone: raw is copied last, once every project route has passed its gate.
        expect(copies.map(s => s.title.split(":")[0])).toEqual(
            ["Copy and re-key zone curated", ...PROJECTS.map(p => `Copy and re-key project ${p}`), "Copy and re-key zone raw"]);
        for (const step of copies) expect(step.actions.join("\n")).toMatch(/data-mover move --plan/);
    });

    it("orders the migration and gives every step a gate and a rollback", () => {
        const titles = report.runbook.map(s => s.title);
        const at = (re: RegExp) => titles.findIndex(t => re.test(t));
        const order = [/^Stand up/, /policies/, /Rehearse the data move/, /Copy and re-key zone raw/, /Verify counts/,
            /Freeze writes/, /Final delta/, /Switch consumers/, /read-only for 45 days/, /Crypto-shred/];
        const positions = order.map(at);
        expect(positions.every(p => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        for (const s of report.runbook) {
            expect(s.gate.length).toBeGreaterThan(10);
            expect(s.rollback.length).toBeGreaterThan(10);
        }
        expect(report.runbook.map(s => s.number)).toEqual(report.runbook.map((_, i) => i + 1));
    });

    it("shreds every key of the source, after the rollback window", () => {
        const shred = report.runbook[report.runbook.length - 1];
        expect(shred.actions[0]).toBe("delete every key of the source: platform, project-alpha, project-beta, project-gamma");
        expect(shred.actions[1]).toMatch(/90 days after deletion/);
    });

    it("warns that a locked raw zone cannot be emptied on rollback", () => {
        const raw = report.runbook.find(s => s.title.startsWith("Copy and re-key zone raw"))!;
        expect(raw.rollback).toMatch(/cannot be deleted before its term/);
        const lockedTarget = rehearsal(side(fixturePlan({ stack: "cloud-a-prod", cloud: "clouda" })),
            side(fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", rawLockDays: 365 })));
        expect(lockedTarget.runbook.find(s => s.title.startsWith("Copy and re-key zone raw"))!.rollback)
            .toMatch(/cannot be deleted before its term/);
    });

    it("marks the copy of a project the target lacks as blocked", () => {
        const missing = rehearsal(side(source), side(fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", forget: ["gamma"] })));
        const gamma = missing.runbook.find(s => s.title.startsWith("Copy and re-key project gamma"))!;
        expect(gamma.actions[0]).toMatch(/^BLOCKED: the target does not implement project:gamma/);
        expect(missing.routes.find(r => r.scope === "project:gamma")).toMatchObject({ target: "MISSING", targetKey: "MISSING" });
    });
});

describe("formats", () => {
    const report = rehearsal(side(source), side(fixturePlan({ stack: "cloud-b-rehearsal", cloud: "cloudb", forget: ["beta"] })));

    it("JSON parses back to the report", () => {
        const doc = JSON.parse(rehearsalJson(report));
        expect(doc.schema).toBe("warehouse-rehearsal/1");
        expect(doc.summary).toEqual(report.summary);
        expect(doc.parity).toHaveLength(report.parity.length);
        expect(doc.runbook.map((s: any) => s.title)).toEqual(report.runbook.map(s => s.title));
    });

    it("text and Markdown lead with the verdict and list every section", () => {
        const text = rehearsalText(report);
        expect(text.split("\n")[0]).toMatch(/^NOT READY: cloud-a-prod -> cloud-b-rehearsal: 13\/16 capabilities covered \(3 gaps/);
        for (const section of ["parity", "differences that matter", "policy verdicts", "copy routes", "runbook"]) {
            expect(text).toContain(section);
        }
        const md = rehearsalMarkdown(report);
        expect(md).toMatch(/^### Migration rehearsal `cloud-a-prod` -> `cloud-b-rehearsal`: ❌ not ready/);
        expect(md).toContain("| research project beta: storage | `clouda:storage:Bucket` hdh-storage-rp-beta | — | **gap** |");
    });
});
