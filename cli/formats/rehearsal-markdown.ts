// The rehearsal as Markdown, for a pull request or the migration file: verdict, tables, then the runbook.

import type { Implementation, RehearsalFinding, RehearsalReport } from "../../migration/plan/model";
import { verdictLine } from "./rehearsal-text";

export function rehearsalMarkdown(r: RehearsalReport): string {
    const out = [
        `### Migration rehearsal \`${r.from.stack}\` -> \`${r.to.stack}\`: ${r.summary.verdict === "ready" ? "✅ ready" : "❌ not ready"}`,
        "", verdictLine(r), "",
        "#### Parity", "", "| capability | " + `\`${r.from.stack}\` | \`${r.to.stack}\` | status |`, "|---|---|---|---|",
        ...r.parity.map(p => `| ${p.capability.label} | ${impl(p.source)} | ${impl(p.target)} | ` +
            `${p.gap ? "**gap**" : p.target.coverage === "external" ? "outside the program: verify by hand" : "ok"} |`),
        "", "#### Differences that matter", "",
        "| what | " + `\`${r.from.stack}\` | \`${r.to.stack}\` | why it matters |`, "|---|---|---|---|",
        ...r.differences.map(d => `| ${d.label} | ${cell(d.source)} | ${cell(d.target)} | ${cell(d.why)} |`),
        "", "#### Policy verdicts", "",
        `Resolved by the target: ${r.verdicts.resolved.length}; introduced: ${r.verdicts.introduced.length}; on both: ${r.verdicts.kept.length}.`,
        "", "| change | level | policy | where | finding |", "|---|---|---|---|---|",
        ...r.verdicts.resolved.map(f => row("➖ resolved", f)),
        ...r.verdicts.introduced.map(f => row("➕ introduced", f)),
        ...r.verdicts.kept.map(f => row("= on both", f)),
        "", "#### Copy routes", "", "| scope | source | target | target key | mover scope |", "|---|---|---|---|---|",
        ...r.routes.map(x => `| ${x.scope} | \`${x.source}\` | \`${x.target}\` | \`${x.targetKey}\` | ${x.moverScope} |`),
        "", "#### Runbook", "",
    ];
    for (const s of r.runbook) {
        out.push(`${s.number}. **${s.title}** (${s.phase})`);
        for (const a of s.actions) out.push(`   - ${a}`);
        out.push(`   - *gate*: ${s.gate}`, `   - *rollback*: ${s.rollback}`);
    }
    if (r.notes.length) out.push("", ...r.notes.map(n => `> ${n}`));
    return `${out.join("\n")}\n`;
}

function impl(i: Implementation): string {
    if (i.coverage === "missing") return "—";
    return `\`${i.primary!.type}\` ${i.primary!.name}${i.resources.length > 1 ? ` (+${i.resources.length - 1})` : ""}`;
}

function row(change: string, f: RehearsalFinding): string {
    return `| ${change} | ${f.exempt ? "exempt" : f.level} | \`${f.policy}\` | ${f.identity} | ${cell(f.message.split("\n")[0])} |`;
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}
