// The check report for a terminal and a CI log: the summary first (verdict, one line per stack, exemptions about
// to expire), then what the change introduces and fixes (with --base), then the findings grouped by level, policy
// and message, each message once with the resources it concerns and the line that declared each; exempt findings
// collapsed per exemption; remediations and fidelity notes; and the verdict line again, last, for `tail`.

import * as path from "path";
import { expiryAnnouncement } from "../report/expiry";
import { GroupedFindings, PolicyGroup, ShownPath, groupFindings, groupStackFindings, shortUrn } from "../report/groups";
import type { CheckReport, StackReport, Summary } from "../report/model";

export function checkText(report: CheckReport, shown?: ShownPath): string {
    const programs = new Map(report.stacks.map(st => [st.stack, st.program]));
    const out: string[] = [verdictLine(report.summary, report.stacks.length), ...summaryTable(report)];
    for (const e of report.expiring) out.push(`${e.blocking ? "FAIL" : "WARNING"}: ${expiryAnnouncement(e)}` +
        (e.declaredAt ? ` [${e.declaredAt.file}:${e.declaredAt.line}]` : ""));
    if (report.base) {
        const b = report.base;
        out.push("", `against ${b.ref} (${b.commit.slice(0, 12)}): ${b.introduced.length} introduced, ${b.fixed.length} fixed`);
        for (const g of [...groupStackFindings(b.introduced.filter(f => f.level === "mandatory" && !f.exempt), "mandatory", programs, shown),
                         ...groupStackFindings(b.introduced.filter(f => f.level === "advisory" || f.exempt), "advisory", programs, shown)]) {
            out.push(...policyLines(g, "  + "));
        }
        for (const g of [...groupStackFindings(b.fixed.filter(f => f.level === "mandatory" && !f.exempt), "mandatory", programs, shown),
                         ...groupStackFindings(b.fixed.filter(f => f.level === "advisory" || f.exempt), "advisory", programs, shown)]) {
            out.push(...policyLines(g, "  - ", false));
        }
    }
    out.push(...findingLines(groupFindings(report.stacks, shown)));
    for (const stack of report.stacks) out.push(...stackDetails(stack));
    out.push("", verdictLine(report.summary, report.stacks.length));
    return `${out.join("\n")}\n`;
}

export function verdictLine(s: Summary, stacks: number): string {
    const verdict = s.mandatory > 0 ? "FAIL" : "PASS";
    const expiring = s.expiring > 0 ? `; ${s.expiring} exemption${s.expiring === 1 ? "" : "s"} expiring soon` : "";
    return `${verdict}: ${stacks} stack${stacks === 1 ? "" : "s"}, ${s.resources} resources: ` +
        `${s.mandatory} mandatory, ${s.advisory} advisory, ${s.exempt} exempt${expiring}`;
}

function summaryTable(report: CheckReport): string[] {
    const width = Math.max(5, ...report.stacks.map(s => s.stack.length));
    return report.stacks.map(st => {
        const n = (p: (f: StackReport["findings"][number]) => boolean) => st.findings.filter(p).length;
        return `  ${st.stack.padEnd(width)}  ${String(st.resources.length).padStart(5)} resources  ` +
            `${String(n(f => !f.exempt && f.level === "mandatory")).padStart(4)} mandatory  ` +
            `${String(n(f => !f.exempt && f.level === "advisory")).padStart(4)} advisory  ` +
            `${String(n(f => f.exempt)).padStart(4)} exempt  policy config: ${shownPath(st.program, st.policyConfig) ?? "pack defaults"}`;
    });
}

/** A path as a reader of the report recognises it: relative to the program directory when inside it. */
function shownPath(programDir: string, file: string | null): string | null {
    if (!file) return null;
    const relative = path.relative(programDir, file);
    return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}

function findingLines(groups: GroupedFindings): string[] {
    const out: string[] = [];
    const section = (title: string, list: readonly PolicyGroup[]) => {
        if (list.length === 0) return;
        const count = list.reduce((n, g) => n + g.count, 0);
        out.push("", `${title} (${count} finding${count === 1 ? "" : "s"}, ${list.length} polic${list.length === 1 ? "y" : "ies"})`);
        for (const g of list) out.push(...policyLines(g, "  "));
    };
    section("MANDATORY", groups.mandatory);
    section("ADVISORY", groups.advisory);
    if (groups.exempt.length > 0) {
        const count = groups.exempt.reduce((n, g) => n + g.count, 0);
        out.push("", `EXEMPT (${count} finding${count === 1 ? "" : "s"} under ${groups.exempt.length} exemption${groups.exempt.length === 1 ? "" : "s"})`);
        for (const e of groups.exempt) {
            out.push(`  ${e.id}: ${e.count} finding${e.count === 1 ? "" : "s"} on ${e.stacks.join(", ")}, until ${e.expires}` +
                `${e.category ? ` (${e.category})` : ""}; ref ${e.reference}`);
            out.push(`    ${e.policies.map(p => `${p.policy} ${p.count}`).join(", ")}`);
            if (e.reason) out.push(`    reason: ${e.reason}`);
        }
    }
    return out;
}

/** A policy's findings: the policy and its fix once, each message once, the resources under it. */
function policyLines(g: PolicyGroup, indent: string, withFix = true): string[] {
    const out = [`${indent}${g.policy} [${g.level}] (${g.count})`];
    const inner = " ".repeat(indent.length + 2);
    if (withFix && g.remediation) out.push(`${inner}fix: ${g.remediation.replace(/\n/g, " ")}`);
    for (const m of g.messages) {
        const [first, ...rest] = m.message.split("\n");
        out.push(`${inner}- ${first}`, ...rest.map(l => `${inner}  ${l}`));
        for (const member of m.members) {
            const at = member.at;
            out.push(`${inner}    ${member.stack}  ${member.resource}${at ? `  ${at}` : ""}`);
        }
    }
    return out;
}

/** Per stack, what is not a finding: remediations the pack applied and where the offline run differs. */
function stackDetails(stack: StackReport): string[] {
    if (stack.remediations.length === 0 && stack.notes.length === 0 && !stack.state) return [];
    const names = new Map(stack.resources.map(r => [r.urn, `${r.type} ${r.name}`]));
    const out = ["", `stack ${stack.stack}:`];
    if (stack.state) out.push(`  judged from its deployed state: ${stack.state.file}`);
    const drift = stack.state?.drift;
    if (drift) {
        const total = drift.onlyInCode.length + drift.onlyInState.length + drift.changed.length;
        out.push(`  code and deployed state: ${total === 0 ? "no difference" : `${total} difference${total === 1 ? "" : "s"}`}` +
            (drift.notCompared > 0 ? ` (${drift.notCompared} unknown or secret inputs not compared)` : ""));
        for (const urn of drift.onlyInCode) out.push(`    + ${shortUrn(urn)}  (in the code, not deployed: the next update creates it)`);
        for (const urn of drift.onlyInState) out.push(`    - ${shortUrn(urn)}  (deployed, not in the code: the next update deletes it)`);
        for (const c of drift.changed) out.push(`    ~ ${shortUrn(c.urn)}  (${c.keys.join(", ")} differ)`);
    }
    for (const r of stack.remediations) {
        const changes = Object.entries(r.changes).map(([k, [a, b]]) => `${k}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
        out.push(`  remediated${r.policy ? ` by ${r.policy}` : ""}: ${names.get(r.urn) ?? r.urn}: ${changes.join(", ")}`);
    }
    for (const n of stack.notes) out.push(`  note: ${n}`);
    return out;
}
