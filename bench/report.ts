// The benchmark's results: their JSON shape, the goals of issue 8 judged against them, and the table as text (the
// terminal) and as Markdown (docs/benchmark.md).

import * as path from "path";
import type { Machine } from "./machine";
import type { Series, ToolRun } from "./suite";

export interface Row {
    readonly target: string;
    readonly stack: string;
    /** The projects the stack ran with: the requested count, or the target's maximum when it supports fewer. */
    readonly projects: number;
    /** The counts asked for that this row answers (several when they are all above the target's maximum). */
    readonly requested: number[];
    readonly cap?: number;
    readonly plan: Series;
    readonly check: Series;
}

export interface Goal {
    readonly goal: string;
    /** null when the run did not measure what the goal needs. */
    readonly met: boolean | null;
    readonly detail: string;
}

export interface BenchResults {
    date: string;
    machine: Machine;
    settings: { projects: number[]; targets: string[]; runs: number; largeRuns: number; largeFrom: number };
    rows: Row[];
    combined?: { projects: number; stacks: { stack: string; projects: number }[]; series: Series };
    typecheck?: ToolRun;
    tests?: ToolRun;
    goals: Goal[];
}

export const GOALS = {
    combinedMs: 15_000,
    peakMb: 1536,
    policyShare: 0.5,
};

const s = (ms: number) => (ms / 1000).toFixed(1);
const ok = (row: Row) => !row.plan.error && !row.check.error;
/** What the policy pack adds to a plan: the check's median wall time over the plan's. */
export const policyShare = (row: Row) => (row.check.medianWallMs - row.plan.medianWallMs) / row.plan.medianWallMs;
export const msPerResource = (series: Series) => series.medianWallMs / series.resources;
/** What each resource added between two sizes costs: the slope of wall time against resources. */
export const marginalMs = (a: Series, b: Series) => (b.medianWallMs - a.medianWallMs) / (b.resources - a.resources);

export function evaluateGoals(r: BenchResults): Goal[] {
    const goals: Goal[] = [];
    const measured = r.rows.filter(ok);

    const c = r.combined;
    if (c && !c.series.error) {
        const all3 = c.stacks.length === 3;
        const capped = c.stacks.filter(x => x.projects < c.projects).map(x => `${x.stack} at its maximum of ${x.projects}`);
        goals.push({
            goal: `all three stacks at 100 projects checked in one run in under ${GOALS.combinedMs / 1000} s`,
            met: all3 && c.projects === 100 ? c.series.medianWallMs < GOALS.combinedMs : null,
            detail: `${s(c.series.medianWallMs)} s for ${c.series.resources} resources (${c.stacks.map(x => x.stack).join(", ")}` +
                `${capped.length ? `; ${capped.join(", ")}` : ""})`,
        });
    } else {
        goals.push({ goal: "all three stacks at 100 projects checked in one run in under 15 s", met: null,
                     detail: c?.series.error ?? "not measured (--combined 0)" });
    }

    const targets = [...new Set(measured.map(x => x.target))];
    const linear = targets.map(t => {
        const rows = measured.filter(x => x.target === t).sort((a, b) => a.projects - b.projects);
        if (rows.length < 2) return undefined;
        const small = rows[0], large = rows[rows.length - 1];
        const ratio = msPerResource(large.check) / msPerResource(small.check);
        // The average per resource includes the fixed start-up; the cost of each added resource between the last
        // two sizes shows a super-linear trend that the average would hide.
        const marginal = rows.length >= 3 ? marginalMs(rows[rows.length - 2].check, large.check) : undefined;
        const before = rows.length >= 3 ? marginalMs(small.check, rows[rows.length - 2].check) : undefined;
        return { t, ratio, text: `${t}: ${msPerResource(large.check).toFixed(2)} ms/resource at ${large.projects} ` +
            `vs ${msPerResource(small.check).toFixed(2)} at ${small.projects} (x${ratio.toFixed(2)})` +
            (marginal !== undefined && before !== undefined
                ? `, each added resource ${marginal.toFixed(2)} ms from ${rows[rows.length - 2].projects} to ` +
                  `${large.projects} vs ${before.toFixed(2)} ms from ${small.projects}` : "") };
    }).filter((x): x is NonNullable<typeof x> => !!x);
    goals.push({
        goal: "time per resource at the largest size no worse than at the smallest (linear growth)",
        met: linear.length ? linear.every(x => x.ratio <= 1) : null,
        detail: linear.map(x => x.text).join("; ") || "needs two sizes per target",
    });

    const peaks = [...measured.flatMap(x => [
        { what: `plan ${x.stack} at ${x.projects}`, mb: x.plan.peakRssMb },
        { what: `check ${x.stack} at ${x.projects}`, mb: x.check.peakRssMb },
    ]), ...(c && !c.series.error ? [{ what: `check of ${c.stacks.length} stacks at ${c.projects}`, mb: c.series.peakRssMb }] : [])];
    const worst = peaks.sort((a, b) => b.mb - a.mb)[0];
    goals.push({
        goal: `peak memory of the whole process tree under ${(GOALS.peakMb / 1024).toFixed(1)} GB`,
        met: worst ? worst.mb < GOALS.peakMb : null,
        detail: worst ? `highest: ${worst.mb.toFixed(0)} MB (${worst.what})` : "nothing measured",
    });

    const shares = measured.map(x => ({ x, share: policyShare(x) }));
    const over = shares.filter(({ share }) => share >= GOALS.policyShare);
    const highest = [...shares].sort((a, b) => b.share - a.share)[0];
    goals.push({
        goal: "policy evaluation adds less than half of the plan time",
        met: shares.length ? over.length === 0 : null,
        detail: highest
            ? (over.length ? `over: ${over.map(({ x, share }) => `${x.stack} at ${x.projects} +${(share * 100).toFixed(0)}%`).join(", ")}`
                : `highest: +${(highest.share * 100).toFixed(0)}% (${highest.x.stack} at ${highest.x.projects})`)
            : "nothing measured",
    });
    return goals;
}

interface Cell { target: string; projects: string; resources: string; plan: string; check: string; policy: string;
                 perResource: string; cpu: string; peak: string; runs: string; load: string }

const HEADERS: Cell = {
    target: "stack", projects: "projects", resources: "resources", plan: "plan s", check: "check s",
    policy: "policy +", perResource: "ms/resource", cpu: "check CPU s", peak: "peak MB", runs: "runs", load: "load",
};

function cells(r: BenchResults): Cell[] {
    const rows: Cell[] = r.rows.map(x => {
        const refused = x.requested.filter(n => n > x.projects);
        const projects = refused.length ? `${x.projects} (max; ${refused.join(", ")} refused)` : String(x.projects);
        if (!ok(x)) {
            return { target: x.stack, projects, resources: "-", plan: "-", check: "-", policy: "-", perResource: "-",
                     cpu: "-", peak: "-", runs: "-", load: `failed: ${x.plan.error ?? x.check.error}` };
        }
        const loads = [...x.plan.runs, ...x.check.runs].map(run => run.loadBefore);
        return {
            target: x.stack,
            projects,
            resources: String(x.check.resources),
            plan: s(x.plan.medianWallMs),
            check: s(x.check.medianWallMs),
            policy: `${(policyShare(x) * 100).toFixed(0)}%`,
            perResource: msPerResource(x.check).toFixed(2),
            cpu: s(x.check.medianCpuMs),
            peak: Math.max(x.plan.peakRssMb, x.check.peakRssMb).toFixed(0),
            runs: String(x.check.runs.length),
            load: `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
        };
    });
    const c = r.combined;
    if (c) {
        const loads = c.series.runs.map(run => run.loadBefore);
        rows.push({
            target: `all ${c.stacks.length} in one run`,
            projects: c.stacks.map(x => x.projects).join("/"),
            resources: c.series.error ? "-" : String(c.series.resources),
            plan: "",
            check: c.series.error ? "failed" : s(c.series.medianWallMs),
            policy: "",
            perResource: c.series.error ? "" : msPerResource(c.series).toFixed(2),
            cpu: c.series.error ? "" : s(c.series.medianCpuMs),
            peak: c.series.error ? "" : c.series.peakRssMb.toFixed(0),
            runs: String(c.series.runs.length),
            load: loads.length ? `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}` : "",
        });
    }
    return rows;
}

function tools(r: BenchResults): string[] {
    const line = (name: string, t?: ToolRun) => t
        ? `${name}: ${s(t.wallMs)} s wall, ${s(t.cpuMs)} s CPU, ${t.peakRssMb.toFixed(0)} MB peak, load ` +
          `${t.loadBefore.toFixed(1)} (${t.outcome})`
        : `${name}: not measured`;
    return [line("type check (tsc --noEmit -p tsconfig.json)", r.typecheck), line("test suite (jest)", r.tests)];
}

/** Where each check's CPU went: the programs, the policy pack, the CLI (driving both, and writing the report). */
function cpuLines(r: BenchResults): string[] {
    const roles = (series: Series) => Object.entries(series.medianCpuByRole ?? {})
        .sort((a, b) => b[1] - a[1]).map(([role, ms]) => `${role} ${s(ms)}`).join(", ");
    const lines = r.rows.filter(ok).map(x => `check ${x.stack} at ${x.projects}: ${roles(x.check)}`);
    if (r.combined && !r.combined.series.error) {
        lines.push(`check of ${r.combined.stacks.length} stacks at ${r.combined.projects}: ${roles(r.combined.series)}`);
    }
    return lines.map(line => `CPU s by process, ${line}`);
}

function machineLine(r: BenchResults): string {
    const m = r.machine;
    return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; commit ${m.commit}; ${r.date}`;
}

const verdict = (g: Goal) => (g.met === null ? "not measured" : g.met ? "met" : "NOT MET");

export function renderText(r: BenchResults): string {
    const all = [HEADERS, ...cells(r)];
    const keys = Object.keys(HEADERS) as (keyof Cell)[];
    const width = Object.fromEntries(keys.map(k => [k, Math.max(...all.map(c => c[k].length))])) as Record<keyof Cell, number>;
    const line = (c: Cell) => keys.map(k => (k === "target" || k === "projects" || k === "load"
        ? c[k].padEnd(width[k]) : c[k].padStart(width[k]))).join("  ").trimEnd();
    return [
        machineLine(r),
        "",
        line(HEADERS),
        ...cells(r).map(line),
        "",
        ...tools(r),
        ...cpuLines(r),
        "",
        ...r.goals.map(g => `${verdict(g).padEnd(12)} ${g.goal}: ${g.detail}`),
        "",
    ].join("\n");
}

export function renderMarkdown(r: BenchResults): string {
    const keys = Object.keys(HEADERS) as (keyof Cell)[];
    const row = (c: Cell) => `| ${keys.map(k => c[k]).join(" | ")} |`;
    const right = new Set<keyof Cell>(["resources", "plan", "check", "policy", "perResource", "cpu", "peak", "runs"]);
    return [
        `Machine: ${machineLine(r)}. Runs per measurement: ${r.settings.runs} (${r.settings.largeRuns} from ` +
        `${r.settings.largeFrom} projects); times are medians, memory the highest of the runs.`,
        "",
        row(HEADERS),
        `|${keys.map(k => (right.has(k) ? "---:" : "---")).join("|")}|`,
        ...cells(r).map(row),
        "",
        ...[...tools(r), ...cpuLines(r)].map(t => `- ${t}`),
        "",
        "| goal | verdict | measured |",
        "|---|---|---|",
        ...r.goals.map(g => `| ${g.goal} | ${verdict(g)} | ${g.detail} |`),
    ].join("\n");
}

/**
 * Where a run's results go by default: `.bench/` at the repository root, which git ignores. A local run is a
 * measurement of one machine on one day, not a source file; the documented record is the table in README.md and
 * docs/benchmark.md (`--update-doc` rewrites the latter).
 */
export const DEFAULT_RESULTS = path.join(".bench", "results.json");

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

/** Replaces the generated section of docs/benchmark.md (between its two markers) with a new table. */
export function replaceDocTable(doc: string, markdown: string): string {
    const from = doc.indexOf(START), to = doc.indexOf(END);
    if (from < 0 || to < from) throw new Error(`docs/benchmark.md has no ${START} ... ${END} section to replace`);
    return `${doc.slice(0, from + START.length)}\n${markdown}\n${doc.slice(to)}`;
}
