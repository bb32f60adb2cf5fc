// End to end, through the engine and the policy pack: the project's own stacks, and a target stack that forgets a
// research project. Slow (programs run as in a preview): two runs in all.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { checkStacks } from "../../../engine/run";
import { toReport } from "../../../cli/handlers/check";
import { DEFAULT_POLICY_PACK } from "../../../cli/paths";
import type { RehearsalReport } from "../../../migration/plan/model";
import { rehearsal } from "../../../migration/plan/report";
import { resolveTargets } from "../../../engine/program/targets";
import { specOf } from "../../../migration/plan/spec";
import { ROOT, cli } from "../../cli/support";

const SOURCE = "azure-prod";
const TARGETS = ["ovh-rehearsal", "cloudtemple-rehearsal"];

describe("rehearsal between the project's stacks", () => {
    const reports = new Map<string, RehearsalReport>();
    let projects: string[];

    beforeAll(async () => {
        const stacks = [SOURCE, ...TARGETS];
        // One run for the three stacks: programs in parallel, one pack process for all, as the command does for two.
        const run = await checkStacks({ programDir: ROOT, stacks, config: {}, env: process.env, policyPack: DEFAULT_POLICY_PACK });
        const checked = toReport(run);
        const targets = resolveTargets(ROOT, stacks, {});
        const side = (i: number) => ({ plan: run.stacks[i].plan, spec: specOf(targets[i].config), findings: checked.stacks[i].findings });
        projects = specOf(targets[0].config)!.projects.map(p => p.id);
        TARGETS.forEach((t, i) => reports.set(t, rehearsal(side(0), side(i + 1))));
    });

    it.each(TARGETS)(`${SOURCE} -> %s: every capability of the source is implemented on the target`, target => {
        const report = reports.get(target)!;
        expect(projects.length).toBeGreaterThan(0);
        expect(report.parity.map(r => r.capability.id)).toEqual(expect.arrayContaining(
            projects.flatMap(p => [`project:${p}:storage`, `project:${p}:key`, `project:${p}:namespace`])));
        expect(report.parity.filter(r => r.gap).map(r => r.capability.id)).toEqual([]);
        for (const row of report.parity) expect(row.source.coverage).toBe("declared");
    });

    it.each(TARGETS)(`${SOURCE} -> %s: the runbook copies every zone and project of the source`, target => {
        const report = reports.get(target)!;
        expect(report.routes.map(r => r.scope)).toEqual(["zone:raw", "zone:curated", ...projects.map(p => `project:${p}`)]);
        const titles = report.runbook.map(s => s.title).join("\n");
        for (const p of projects) expect(titles).toContain(`Copy and re-key project ${p}:`);
        expect(report.routes.every(r => r.source !== "MISSING" && r.target !== "MISSING")).toBe(true);
    });

    it("Azure -> OVHcloud copies the locked raw zone only after every project route's gate", () => {
        const titles = reports.get("ovh-rehearsal")!.runbook.map(s => s.title);
        const raw = titles.findIndex(t => t.startsWith("Copy and re-key zone raw"));
        for (const p of projects) expect(titles.findIndex(t => t.startsWith(`Copy and re-key project ${p}:`))).toBeLessThan(raw);
    });

    it("states the differences a reviewer must see between Azure and OVHcloud", () => {
        const ids = reports.get("ovh-rehearsal")!.differences;
        const diff = (id: string) => ids.find(d => d.id === id);
        expect(diff("encryption-scheme")).toMatchObject({ source: "customer-managed-key", target: "envelope" });
        expect(diff("cluster-api-access")?.source).toBe("private");
        expect(diff("cluster-api-access")?.target).toMatch(/^restricted to /);
        expect(diff("location")?.target).toMatch(/^ovh /);
    });

    it("compares the two stacks' findings: the target leaves the source's jurisdiction findings behind", () => {
        const v = reports.get("ovh-rehearsal")!.verdicts;
        expect(v.source.length).toBeGreaterThan(0);
        // Every finding is either resolved, introduced or on both, by policy and capability.
        const key = (f: { policy: string; identity: string }) => `${f.policy}@${f.identity}`;
        const targetKeys = new Set(v.target.map(key));
        for (const f of v.resolved) expect(targetKeys.has(key(f))).toBe(false);
        expect(v.resolved.some(f => f.policy === "provider-jurisdiction")).toBe(true);
    });
});

describe("a target stack that forgets a research project", () => {
    let dir: string;
    afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it("is reported as a gap, with exit status 1, in the format asked for", async () => {
        // A copy of the project whose OVH stack keeps every research project but the last.
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rehearse-missing-"));
        const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any;
        project.main = path.join(ROOT, "stacks", "index.ts");
        project.stackConfigDir = ".";
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump(project));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
        fs.copyFileSync(path.join(ROOT, "stacks", `Pulumi.${SOURCE}.yaml`), path.join(dir, `Pulumi.${SOURCE}.yaml`));
        const ovh = yaml.load(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.ovh-rehearsal.yaml"), "utf8")) as any;
        const all = project.config["warehouse:projects"].value as { id: string }[];
        const forgotten = all[all.length - 1].id;
        ovh.config["warehouse:projects"] = all.slice(0, -1);
        fs.writeFileSync(path.join(dir, "Pulumi.ovh-missing.yaml"), yaml.dump(ovh));

        const out = path.join(dir, "rehearsal.md");
        const run = await cli(["rehearse", "--program", dir, "--from", SOURCE, "--to", "ovh-missing",
            "--format", "markdown", "--output", out]);
        expect(run.stderr).toMatch(new RegExp(`^NOT READY: ${SOURCE} -> ovh-missing: .*\\(3 gaps`));
        expect(run.code).toBe(1);
        const md = fs.readFileSync(out, "utf8");
        for (const what of ["storage", "key", "namespace"]) {
            expect(md).toMatch(new RegExp(`\\| research project ${forgotten}: ${what} \\| .+ \\| — \\| \\*\\*gap\\*\\* \\|`));
        }
        expect(md).toMatch(new RegExp(`BLOCKED: the target does not implement project:${forgotten}`));
    });
});
