// The pull-request comment at national scale: a report of three stacks at 500 research projects stays under the
// comment budget (GitHub refuses more than 65,536 characters), mandatory findings first, and the whole report is
// written beside it for the CI artifact.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeReports } from "../../cli/handlers/check";
import { COMMENT_BUDGET, renderMarkdown } from "../../cli/formats/markdown";
import type { CheckReport, ReportFinding, StackReport } from "../../cli/report/model";
import { summarize } from "../../cli/report/model";

const PROJECTS = 500;

/** A finding as the pack reports them; the message shapes are the project's (per resource and per project). */
function finding(stack: string, type: string, name: string, policy: string, level: "mandatory" | "advisory", message: string,
                 exempt = false): ReportFinding {
    return {
        policy, level, message, exempt, urn: `urn:pulumi:${stack}::health-data-warehouse::${type}::${name}`,
        pack: "health-data-sovereignty@0.1.0", description: `Checks ${policy}.`, remediation: `Fix ${policy}.`, component: null,
        source: { file: `stacks/${stack.split("-")[0]}/storage.ts`, line: 40 + (name.length % 50), column: 9 },
        ...(exempt ? { exemption: { id: "cnil-emc2-2023", expires: "2026-12-21", reference: "CNIL authorisation", active: true } } : {}),
    };
}

/** Three stacks at 500 projects, each project with the findings the real stacks raise per project, and worse. */
function generatedReport(): CheckReport {
    const stacks: StackReport[] = ["azure-prod", "ovh-rehearsal", "cloudtemple-rehearsal"].map(stack => {
        const findings: ReportFinding[] = [];
        for (let i = 1; i <= PROJECTS; i++) {
            const id = `rp${String(i).padStart(4, "0")}`;
            findings.push(finding(stack, "ovh:CloudProject/storage:Storage", `hdh-storage-${id}`, "customer-managed-encryption", "advisory",
                "[platform gap] OVHcloud Object Storage has no KMS-backed server-side encryption; the customer-held key is applied by envelope encryption in the workloads."));
            findings.push(finding(stack, "ovh:Okms/serviceKey:ServiceKey", `hdh-keys-${id}`, "key-rotation", "advisory",
                "[platform gap] OVHcloud KMS exposes no rotation policy for service keys; rotate by creating a new key version."));
            // One message per project (the namespace is named in it): the worst case for grouping.
            findings.push(finding(stack, "kubernetes:core/v1:Namespace", `rp-${id}`, "project-namespace-isolation", "mandatory",
                `Namespace rp-${id} (project ${id}) has no default-deny NetworkPolicy for ingress and egress (empty podSelector, both policy types, no rules).`));
            if (stack === "azure-prod") {
                findings.push(finding(stack, "azure-native:keyvault:Key", `hdh-keys-${id}`, "key-custody", "advisory",
                    "[exempt: waiver until 2026-12-21; id cnil-emc2-2023; ref CNIL authorisation] Keys are held by Microsoft. (reason: CNIL)", true));
            }
        }
        return {
            stack, program: "/repo", project: "health-data-warehouse", stackFile: `stacks/Pulumi.${stack}.yaml`,
            resources: [], findings, remediations: [], notes: [], policyConfig: null, timings: { planMs: 1, evaluationMs: 1 },
        };
    });
    return {
        stacks, summary: summarize(stacks, []), expiring: [], judgedOn: "2026-12-01", expiryWindowDays: 30,
        pack: { name: "health-data-sovereignty", version: "0.1.0", dir: "/repo/policies", policies: [] },
    };
}

describe("the Markdown comment at 500 research projects", () => {
    const report = generatedReport();

    test("stays under the comment budget, mandatory findings first, and says where the rest is", () => {
        const full = renderMarkdown(report, { budget: Infinity });
        const comment = renderMarkdown(report, { fullReport: "policy-check.full.md" });
        expect(full.text.length).toBeGreaterThan(COMMENT_BUDGET); // the test is not a formality
        expect(comment.truncated).toBe(true);
        expect(comment.text.length).toBeLessThan(60_000);
        // The mandatory findings come first and fill the comment; what does not fit is counted, not dropped silently.
        expect(comment.text).toMatch(/#### Mandatory findings \(1500\)\n\n\*\*`project-namespace-isolation`\*\* \(mandatory, 1500\)/);
        expect(comment.text).toMatch(/Namespace rp-rp0001 \(project rp0001\)/);
        expect(comment.text).toMatch(/… and \d+ more messages of `project-namespace-isolation` \(\d+ findings\) in the full report/);
        expect(comment.text).toMatch(/\*\*\d+ more findings are not shown here\*\*: the full report is `policy-check\.full\.md`/);
        // The summary table is complete whatever is cut.
        expect(comment.text).toMatch(/\| `azure-prod` \| 0 \| 500 \| 1000 \| 500 \|/);
    });

    test("each shared message is printed once, its resources counted past the list's limit", () => {
        const advisoryOnly = { ...report, stacks: report.stacks.map(s => ({ ...s, findings: s.findings.filter(f => f.level === "advisory") })) };
        const comment = renderMarkdown(advisoryOnly);
        expect(comment.text.length).toBeLessThan(60_000);
        expect(comment.text.match(/has no KMS-backed server-side encryption/g)).toHaveLength(1);
        expect(comment.text).toMatch(/… and \d+ more/);
    });

    test("the whole report goes beside the comment, for the CI artifact", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "md-budget-"));
        let err = "";
        const code = writeReports(report, { reports: [{ format: "markdown", output: path.join(dir, "policy-check.md") }] },
            { cwd: dir, env: {}, out: () => undefined, err: t => { err += t; } });
        expect(code).toBe(1);
        const comment = fs.readFileSync(path.join(dir, "policy-check.md"), "utf8");
        const full = fs.readFileSync(path.join(dir, "policy-check.full.md"), "utf8");
        expect(comment.length).toBeLessThan(60_000);
        expect(full.length).toBeGreaterThan(comment.length);
        expect(full).toMatch(/rp0500/);
        expect(err).toMatch(/full markdown: .*policy-check\.full\.md/);
    });

    test("a report that fits is written whole, with nothing beside it", () => {
        const small = { ...report, stacks: report.stacks.map(s => ({ ...s, findings: s.findings.slice(0, 8) })) };
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "md-small-"));
        writeReports(small, { reports: [{ format: "markdown", output: path.join(dir, "c.md") }] },
            { cwd: dir, env: {}, out: () => undefined, err: () => undefined });
        expect(fs.readdirSync(dir)).toEqual(["c.md"]);
        expect(renderMarkdown(small).truncated).toBe(false);
    });
});
