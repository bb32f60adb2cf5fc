// The check report for a terminal: per stack, findings grouped by component, mandatory first, each with what to
// do about it; then remediations, fidelity notes, the base comparison and one verdict line.

import type { CheckReport, ReportFinding, StackReport, Summary } from "../report/model";

const ORDER = (f: ReportFinding) => (f.exempt ? 2 : f.level === "mandatory" ? 0 : 1);
const LABEL = (f: ReportFinding) => (f.exempt ? "EXEMPT   " : f.level === "mandatory" ? "MANDATORY" : "ADVISORY ");

export function checkText(report: CheckReport): string {
    const out: string[] = [];
    for (const stack of report.stacks) out.push(...stackLines(stack), "");
    if (report.base) {
        const b = report.base;
        out.push(`against ${b.ref} (${b.commit.slice(0, 12)}): ${b.introduced.length} introduced, ${b.fixed.length} fixed`);
        for (const f of b.introduced) out.push(`  + ${f.stack}  ${f.level}  ${f.policy}  ${shortUrn(f.urn)}`);
        for (const f of b.fixed) out.push(`  - ${f.stack}  ${f.level}  ${f.policy}  ${shortUrn(f.urn)}`);
        out.push("");
    }
    out.push(verdictLine(report.summary, report.stacks.length));
    return `${out.join("\n")}\n`;
}

export function verdictLine(s: Summary, stacks: number): string {
    const verdict = s.mandatory > 0 ? "FAIL" : "PASS";
    return `${verdict}: ${stacks} stack${stacks === 1 ? "" : "s"}, ${s.resources} resources: ` +
        `${s.mandatory} mandatory, ${s.advisory} advisory, ${s.exempt} exempt`;
}

function stackLines(stack: StackReport): string[] {
    const lines = [`stack ${stack.stack} (${stack.project}, ${stack.resources.length} resources, ` +
        `policy config: ${stack.policyConfig ?? "pack defaults"})`];
    if (stack.findings.length === 0) lines.push("  no findings");
    const names = new Map(stack.resources.map(r => [r.urn, `${r.type} ${r.name}`]));
    const groups = new Map<string, ReportFinding[]>();
    for (const f of stack.findings) {
        const key = f.component ?? "";
        groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const ranked = [...groups.entries()].sort(([, a], [, b]) =>
        Math.min(...a.map(ORDER)) - Math.min(...b.map(ORDER)));
    for (const [component, findings] of ranked) {
        lines.push(`  ${component ? names.get(component) ?? component : "(stack)"}`);
        for (const f of [...findings].sort((a, b) => ORDER(a) - ORDER(b))) {
            lines.push(`    ${LABEL(f)}  ${f.policy}  ${names.get(f.urn) ?? shortUrn(f.urn)}`);
            for (const l of f.message.split("\n")) lines.push(`               ${l}`);
            if (f.remediation && !f.exempt) lines.push(`               fix: ${f.remediation.replace(/\n/g, " ")}`);
        }
    }
    for (const r of stack.remediations) {
        const changes = Object.entries(r.changes).map(([k, [a, b]]) => `${k}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
        lines.push(`  remediated${r.policy ? ` by ${r.policy}` : ""}: ${names.get(r.urn) ?? shortUrn(r.urn)}: ${changes.join(", ")}`);
    }
    for (const n of stack.notes) lines.push(`  note: ${n}`);
    return lines;
}

export function shortUrn(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? `${parts[2].split("$").pop()} ${parts[3]}` : urn;
}
