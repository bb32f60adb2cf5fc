// The check report as a pull-request comment: the verdict, a table per stack and the exemptions about to expire
// first; then what the change introduces and fixes (with --base); then the mandatory findings, grouped by policy and
// message with the resources and their source lines; advisory and exempt findings folded. A comment has a size
// limit (GitHub refuses more than 65,536 characters), so the comment is kept under a budget: resource lists are
// shortened first, then whole groups left out, and the comment says where the full report is.

import { daysLeftText } from "../report/expiry";
import { GroupedFindings, PolicyGroup, ShownPath, groupFindings, groupStackFindings, shortUrn } from "../report/groups";
import type { CheckFailure, CheckReport, ReportFinding } from "../report/model";
import { verdictLine } from "./check-text";

/** Lets a CI job find and update its own previous comment. */
export const COMMENT_MARKER = "<!-- warehouse-check -->";

/** Characters a comment may take: under GitHub's 65,536, with room for what CI appends. */
export const COMMENT_BUDGET = 60_000;

export interface MarkdownOptions {
    /** Characters at most; Infinity for the full report. */
    readonly budget?: number;
    /** Where the full report is (named in the comment when it had to be shortened). */
    readonly fullReport?: string;
    /** The directory the check ran from: source lines are shown relative to it. */
    readonly shown?: ShownPath;
}

export interface RenderedMarkdown {
    readonly text: string;
    /** Whether anything was shortened or left out to fit the budget. */
    readonly truncated: boolean;
}

export function checkMarkdown(report: CheckReport, options: MarkdownOptions = {}): string {
    return renderMarkdown(report, options).text;
}

/** Shortest resource lists tried, in order, before whole groups are left out. */
const MEMBER_LIMITS = [Infinity, 25, 10, 5, 3, 1];

export function renderMarkdown(report: CheckReport, options: MarkdownOptions = {}): RenderedMarkdown {
    const budget = options.budget ?? COMMENT_BUDGET;
    const groups = groupFindings(report.stacks, options.shown);
    const head = header(report);
    for (const limit of MEMBER_LIMITS) {
        const blocks = body(report, groups, limit, options.shown);
        const full = [...head, ...blocks.map(b => b.text)].join("\n");
        if (full.length + 1 <= budget) return { text: `${full}\n`, truncated: limit !== Infinity };
    }
    // Even with one resource per message it does not fit: keep blocks in order while they fit (the last one cut
    // message by message), then say what is left.
    const blocks = body(report, groups, 1, options.shown, options.budget);
    const out = [...head];
    let size = out.join("\n").length;
    const reserve = 400;
    let left = 0;
    for (const b of blocks) {
        const room = budget - reserve - size - 1;
        if (left === 0 && b.text.length <= room) {
            out.push(b.text);
            size += b.text.length + 1;
        } else if (left === 0 && b.cut && room > 200) {
            const cut = b.cut(room);
            out.push(cut.text);
            size += cut.text.length + 1;
            left += b.findings - cut.findings;
        } else {
            left += b.findings;
        }
    }
    out.push("", `**${left} more findings are not shown here**: ${fullReportHint(options.fullReport)}`);
    return { text: `${out.join("\n")}\n`, truncated: true };
}

function fullReportHint(file?: string): string {
    return file ? `the full report is \`${file}\` (in the CI artifacts).` :
        "write the report with `--format markdown --output FILE` to keep the full report beside the comment.";
}

function header(report: CheckReport): string[] {
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
    for (const e of report.expiring) {
        out.push("", `> [!${e.blocking ? "CAUTION" : "WARNING"}]`,
            `> **Exemption \`${e.id}\` of \`${e.stack}\` expires on ${e.expires}, ${daysLeftText(e.daysLeft)}**: ` +
            `${e.findings} finding${e.findings === 1 ? "" : "s"} (${e.policies.map(p => `\`${p}\``).join(", ")}) ` +
            `turn mandatory that day. Ref: ${inline(e.reference)}.` +
            (e.declaredAt ? ` Declared at \`${e.declaredAt.file}:${e.declaredAt.line}\`.` : ""));
    }
    return out;
}

interface Block {
    readonly text: string;
    /** Findings the block shows (0 for titles). */
    readonly findings: number;
    /** The block cut to at most `chars` characters, message by message, and the findings it still shows. */
    readonly cut?: (chars: number) => { readonly text: string; readonly findings: number };
}

function body(report: CheckReport, groups: GroupedFindings, limit: number, shown?: ShownPath, _budget?: number): Block[] {
    const blocks: Block[] = [];
    const programs = new Map(report.stacks.map(st => [st.stack, st.program]));
    const title = (text: string) => blocks.push({ text, findings: 0 });
    if (report.base) {
        const b = report.base;
        title(`\n#### What this change does, against \`${b.ref}\` (${b.commit.slice(0, 12)}): ` +
            `${b.introduced.length} introduced, ${b.fixed.length} fixed`);
        const introduced = [
            ...groupStackFindings(b.introduced.filter(f => !f.exempt && f.level === "mandatory"), "mandatory", programs, shown),
            ...groupStackFindings(b.introduced.filter(f => f.exempt || f.level === "advisory"), "advisory", programs, shown),
        ];
        for (const g of introduced) blocks.push({ text: policyBlock(g, limit, "➕ introduced"), findings: g.count });
        for (const g of [...groupStackFindings(b.fixed.filter(f => !f.exempt && f.level === "mandatory"), "mandatory", programs, shown),
                         ...groupStackFindings(b.fixed.filter(f => f.exempt || f.level === "advisory"), "advisory", programs, shown)]) {
            blocks.push({ text: policyBlock(g, limit, "➖ fixed", false), findings: g.count });
        }
    }
    if (groups.mandatory.length > 0) {
        title(`\n#### Mandatory findings (${sum(groups.mandatory)})`);
        for (const g of groups.mandatory) {
            blocks.push({ text: policyBlock(g, limit), findings: g.count, cut: chars => policyBlockCut(g, limit, chars) });
        }
    }
    if (groups.advisory.length > 0) {
        title(`\n<details><summary>Advisory findings (${sum(groups.advisory)})</summary>\n`);
        for (const g of groups.advisory) blocks.push({ text: policyBlock(g, limit), findings: g.count });
        title("\n</details>");
    }
    if (groups.exempt.length > 0) {
        const rows = groups.exempt.map(e => `| \`${e.id}\` | ${e.stacks.map(s => `\`${s}\``).join(", ")} | ${e.count} | ` +
            `${e.policies.map(p => `\`${p.policy}\` ${p.count}`).join(", ")} | ${e.expires} | ${cell(e.reference)} |`);
        blocks.push({
            text: [`\n<details><summary>Exempt findings (${sum(groups.exempt)}, under ${groups.exempt.length} ` +
                `exemption${groups.exempt.length === 1 ? "" : "s"})</summary>\n`,
                "| exemption | stacks | findings | policies | until | reference |", "|---|---|---:|---|---|---|",
                ...rows, "\n</details>"].join("\n"),
            findings: sum(groups.exempt),
        });
    }
    for (const st of report.stacks) {
        const drift = st.state?.drift;
        if (!drift) continue;
        const rows = [
            ...drift.onlyInCode.map(u => `| ➕ in the code, not deployed | \`${shortUrn(u)}\` |`),
            ...drift.onlyInState.map(u => `| ➖ deployed, not in the code | \`${shortUrn(u)}\` |`),
            ...drift.changed.map(c => `| ✏️ ${c.keys.map(k => `\`${k}\``).join(", ")} differ | \`${shortUrn(c.urn)}\` |`),
        ];
        blocks.push({
            text: [`\n#### Code and deployed state of \`${st.stack}\`: ${rows.length === 0 ? "no difference" : `${rows.length} differences`}` +
                (drift.notCompared > 0 ? ` (${drift.notCompared} unknown or secret inputs not compared)` : ""),
                ...(rows.length ? ["", "| difference | resource |", "|---|---|", ...rows] : [])].join("\n"),
            findings: rows.length,
        });
    }
    const notes = report.stacks.flatMap(st => st.notes.map(n => `- \`${st.stack}\`: ${inline(n)}`));
    if (notes.length > 0) title(["\n<details><summary>Notes on the offline run</summary>\n", ...notes, "\n</details>"].join("\n"));
    return blocks;
}

function policyBlock(g: PolicyGroup, limit: number, mark?: string, withFix = true): string {
    const { head, messages } = policyChunks(g, limit, mark, withFix);
    return [head, ...messages].join("\n");
}

/** A policy's title line, and one chunk per message (the message and its resources). */
function policyChunks(g: PolicyGroup, limit: number, mark?: string, withFix = true): { head: string; messages: string[] } {
    const head = `\n**${mark ? `${mark} ` : ""}\`${g.policy}\`** (${g.level}, ${g.count})` +
        (withFix && g.remediation ? `: ${inline(g.remediation)}` : "");
    const messages = g.messages.map(m => {
        const out = [`- ${inline(m.message)}`];
        for (const member of m.members.slice(0, limit)) {
            const at = member.at;
            out.push(`  - \`${member.stack}\` \`${member.resource}\`${at ? ` at \`${at}\`` : ""}`);
        }
        if (m.members.length > limit) out.push(`  - … and ${m.members.length - limit} more`);
        return out.join("\n");
    });
    return { head, messages };
}

/** A policy's block with as many of its messages as fit in `chars`, and a line saying how many are left out. */
function policyBlockCut(g: PolicyGroup, limit: number, chars: number): { text: string; findings: number } {
    const { head, messages } = policyChunks(g, limit);
    const out = [head];
    let size = head.length;
    let shown = 0;
    let kept = 0;
    for (const [i, text] of messages.entries()) {
        if (size + text.length + 1 + 160 > chars) break;
        out.push(text);
        size += text.length + 1;
        shown += g.messages[i].members.length;
        kept++;
    }
    const rest = g.messages.length - kept;
    if (rest > 0) out.push(`- … and ${rest} more messages of \`${g.policy}\` (${g.count - shown} findings) in the full report`);
    return { text: out.join("\n"), findings: shown };
}

function sum(groups: readonly { readonly count: number }[]): number {
    return groups.reduce((n, g) => n + g.count, 0);
}

/** Text from the pack on one line of Markdown: no HTML, no table breaks, line breaks kept. */
function inline(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|")
        .replace(/\r?\n/g, "<br>");
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

function cell(text: string): string {
    return inline(text);
}
