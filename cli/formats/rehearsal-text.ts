// The rehearsal for a terminal: verdict first, then parity, differences, verdicts side by side and the runbook.

import type { Implementation, RehearsalFinding, RehearsalReport } from "../../migration/plan/model";

export function rehearsalText(r: RehearsalReport): string {
    const out: string[] = [verdictLine(r), ""];
    out.push(`parity (${r.from.stack} -> ${r.to.stack}): ${r.summary.capabilities} capabilities, ${r.summary.gaps} gaps, ` +
        `${r.summary.external} left to the provider`);
    const width = Math.max(...r.parity.map(p => p.capability.label.length));
    for (const row of r.parity) {
        const mark = row.gap ? "GAP " : row.target.coverage === "external" ? "EXT " : "ok  ";
        out.push(`  ${mark} ${row.capability.label.padEnd(width)}  ${impl(row.source)}  ->  ${impl(row.target)}`);
    }
    out.push("", `differences that matter: ${r.differences.length}`);
    for (const d of r.differences) {
        out.push(`  ${d.label} [${d.origin}]`, `      ${r.from.stack}: ${d.source}`, `      ${r.to.stack}: ${d.target}`,
            `      why: ${d.why}`);
    }
    const v = r.verdicts;
    out.push("", `policy verdicts: ${r.from.stack} ${count(v.source)}; ${r.to.stack} ${count(v.target)}`);
    out.push(`  resolved by the target (${v.resolved.length}):`, ...grouped(v.resolved, "-"));
    out.push(`  introduced by the target (${v.introduced.length}):`, ...grouped(v.introduced, "+"));
    out.push(`  on both (${v.kept.length}):`, ...grouped(v.kept, "="));
    out.push("", "copy routes (data mover):");
    for (const route of r.routes) {
        out.push(`  ${route.scope.padEnd(22)} ${route.source} -> ${route.target}  (key ${route.targetKey}, scope ${route.moverScope})`);
    }
    out.push("", `runbook (${r.runbook.length} steps):`);
    for (const s of r.runbook) {
        out.push(`  ${s.number}. [${s.phase}] ${s.title}`);
        for (const a of s.actions) out.push(`       - ${a}`);
        out.push(`       gate: ${s.gate}`, `       rollback: ${s.rollback}`);
    }
    for (const n of r.notes) out.push(`note: ${n}`);
    out.push("", verdictLine(r));
    return `${out.join("\n")}\n`;
}

export function verdictLine(r: RehearsalReport): string {
    const s = r.summary;
    return `${s.verdict === "ready" ? "READY" : "NOT READY"}: ${r.from.stack} -> ${r.to.stack}: ` +
        `${s.capabilities - s.gaps}/${s.capabilities} capabilities covered (${s.gaps} gaps, ${s.external} left to the provider), ` +
        `${s.differences} differences, target ${s.targetMandatory} mandatory findings, ` +
        `${s.resolved} resolved, ${s.introduced} introduced`;
}

function impl(i: Implementation): string {
    if (i.coverage === "missing") return "MISSING";
    const p = i.primary!;
    const more = i.resources.length > 1 ? ` +${i.resources.length - 1}` : "";
    return `${i.coverage === "external" ? "outside the program: " : ""}${p.type.slice(p.type.lastIndexOf(":") + 1)} ${p.name}${more}`;
}

function count(fs: readonly RehearsalFinding[]): string {
    const m = fs.filter(f => f.level === "mandatory" && !f.exempt).length;
    const a = fs.filter(f => f.level === "advisory" && !f.exempt).length;
    return `${m} mandatory, ${a} advisory, ${fs.filter(f => f.exempt).length} exempt`;
}

/** One line per policy and level, with where it applies and the first finding's message, shortened. */
function grouped(findings: readonly RehearsalFinding[], mark: string): string[] {
    const groups = new Map<string, RehearsalFinding[]>();
    for (const f of findings) {
        const key = `${f.exempt ? "exempt" : f.level} ${f.policy}`;
        groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const rank = (k: string) => (k.startsWith("mandatory") ? 0 : k.startsWith("advisory") ? 1 : 2);
    return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b)).flatMap(([key, fs]) => [
        `    ${mark} ${key} @ ${fs.map(f => f.identity).join(", ")}`,
        `        ${shorten(fs[0].message)}`,
    ]);
}

function shorten(message: string): string {
    const line = message.split("\n")[0];
    return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
