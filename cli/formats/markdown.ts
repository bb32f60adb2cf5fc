// The check report as a pull-request comment: the verdict and a table first, the details folded.

import type { CheckFailure, CheckReport, ReportFinding } from "../report/model";
import { verdictLine } from "./check-text";

/** Lets a CI job find and update its own previous comment. */
export const COMMENT_MARKER = "<!-- warehouse-check -->";

export function checkMarkdown(report: CheckReport): string {
    const s = report.summary;
    const out = [
        COMMENT_MARKER,
        `### Offline policy check: ${s.mandatory > 0 ? "❌ fails" : "✅ passes"}`,
        "",
        `${verdictLine(s, report.stacks.length)} (policy pack ${report.pack.name}@${report.pack.version})`,
        "",
        "| stack | resources | mandatory | advisory | exempt |",
        "|---|---:|---:|---:|---:|",
    ];
    for (const st of report.stacks) {
        const n = (p: (f: ReportFinding) => boolean) => st.findings.filter(p).length;
        out.push(`| \`${st.stack}\` | ${st.resources.length} | ${n(f => !f.exempt && f.level === "mandatory")} | ` +
            `${n(f => !f.exempt && f.level === "advisory")} | ${n(f => f.exempt)} |`);
    }
    if (report.base) {
        const b = report.base;
        out.push("", `**Against \`${b.ref}\`**: ${b.introduced.length} introduced, ${b.fixed.length} fixed.`);
        for (const f of b.introduced) out.push(`- ➕ \`${f.stack}\` **${f.level}** \`${f.policy}\` on \`${f.urn}\`: ${cell(f.message)}`);
        for (const f of b.fixed) out.push(`- ➖ \`${f.stack}\` ${f.level} \`${f.policy}\` on \`${f.urn}\``);
    }
    for (const st of report.stacks) {
        if (st.findings.length === 0) continue;
        const ranked = [...st.findings].sort((a, b) => rank(a) - rank(b));
        out.push("", `<details><summary><code>${st.stack}</code>: ${st.findings.length} findings</summary>`, "",
            "| level | policy | resource | finding | fix |", "|---|---|---|---|---|");
        for (const f of ranked) {
            out.push(`| ${f.exempt ? "exempt" : f.level} | \`${f.policy}\` | \`${f.urn.split("::").slice(2).join("::")}\` | ` +
                `${cell(f.message)} | ${cell(f.exempt ? "" : f.remediation ?? "")} |`);
        }
        out.push("", "</details>");
    }
    return `${out.join("\n")}\n`;
}

/** A run that reached no verdict: the comment says so, with the cause, rather than going stale or missing. */
export function checkMarkdownFailure(failure: CheckFailure): string {
    return [
        COMMENT_MARKER,
        "### Offline policy check: ⚠️ could not run",
        "",
        `No verdict: ${failure.kind === "internal" ? "the tool failed (a bug; the job log has the stack trace)" : "the check stopped on its input"}.`,
        "",
        "```",
        failure.message,
        "```",
        "",
    ].join("\n");
}

function rank(f: ReportFinding): number {
    return f.exempt ? 2 : f.level === "mandatory" ? 0 : 1;
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}
