// What the benchmark measures, one function each: a stack's offline plan and check at N research projects, the
// check of several stacks in one CLI run, the type check and the test suite. Every figure comes from running the
// real command in a child process (see measure.ts), never from calling the engine in the benchmark's own process,
// whose warm caches a user's run would not have.

import * as fs from "fs";
import * as path from "path";
import { Measurement, measure, median } from "./measure";

const CLI = path.join("cli", "bin", "warehouse-check.js");

export type Mode = "plan" | "check";

export interface RunRecord extends Omit<Measurement, "stderr"> {
    /** What the CLI itself reports for the stacks it ran (program and evaluation times), summed over stacks. */
    readonly reportedPlanMs?: number;
    readonly reportedEvaluationMs?: number;
}

export interface Series {
    readonly resources: number;
    readonly runs: readonly RunRecord[];
    readonly medianWallMs: number;
    readonly medianCpuMs: number;
    /** Median CPU time by process role (the CLI, the policy pack, the programs summed): where the CPU goes. */
    readonly medianCpuByRole: Readonly<Record<string, number>>;
    readonly peakRssMb: number;
    /** Set when the command failed (exit 2): the CLI's one-line error. */
    readonly error?: string;
}

function summarise(runs: RunRecord[], resources: number, error?: string): Series {
    return {
        resources,
        runs,
        medianWallMs: median(runs.map(r => r.wallMs)),
        medianCpuMs: median(runs.map(r => r.cpuMs)),
        medianCpuByRole: medianByRole(runs),
        peakRssMb: Math.max(...runs.map(r => r.peakRssMb)),
        error,
    };
}

/** The programs of several stacks count as one role: "programs". */
export function medianByRole(runs: readonly { readonly cpuByRole: Readonly<Record<string, number>> }[]):
        Record<string, number> {
    const perRun = runs.map(run => {
        const sums: Record<string, number> = {};
        for (const [role, ms] of Object.entries(run.cpuByRole)) {
            const key = role.startsWith("program") ? "programs" : role;
            sums[key] = (sums[key] ?? 0) + ms;
        }
        return sums;
    });
    const roles = [...new Set(perRun.flatMap(Object.keys))].sort();
    return Object.fromEntries(roles.map(role => [role, median(perRun.map(r => r[role] ?? 0))]));
}

function record(m: Measurement, report?: any): RunRecord {
    const { stderr: _stderr, ...rest } = m;
    const stacks: any[] = report?.stacks ?? [];
    const sum = (f: (s: any) => number | undefined) => {
        const values = stacks.map(f).filter((v): v is number => typeof v === "number");
        return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
    };
    return {
        ...rest,
        reportedPlanMs: sum(s => s.timings?.planMs ?? s.timings?.totalMs),
        reportedEvaluationMs: sum(s => s.timings?.evaluationMs),
    };
}

function lastErrorLine(stderr: string): string {
    const lines = stderr.split("\n").map(l => l.trim()).filter(Boolean);
    return lines.find(l => l.includes("error:")) ?? lines[lines.length - 1] ?? "no error output";
}

export interface CliRunOptions {
    readonly repo: string;
    readonly programDir: string;
    readonly stacks: readonly string[];
    readonly runs: number;
    readonly scratch: string;
    /** The Node binary that runs the CLI (and so its programs and pack); the running one by default. */
    readonly node?: string;
    /** Called after each run, for progress output. */
    readonly onRun?: (mode: Mode, run: RunRecord) => void;
}

/**
 * Runs `plan` or `check` of the given stacks `runs` times and reads each run's JSON report for the resource count.
 * A run that exits 2 (bad input: e.g. more projects than a target supports) stops the series with its error.
 */
export async function cliSeries(mode: Mode, options: CliRunOptions): Promise<Series> {
    const runs: RunRecord[] = [];
    let resources = 0;
    for (let i = 0; i < options.runs; i++) {
        const report = path.join(options.scratch, `${mode}-${i}.json`);
        fs.rmSync(report, { force: true });
        const stackArgs = options.stacks.flatMap(s => ["--stack", s]);
        const args = mode === "plan"
            ? [CLI, "plan", "--program", options.programDir, ...stackArgs, "--format", "json"]
            : [CLI, "check", "--program", options.programDir, ...stackArgs, "--format", "json", "--output", report];
        const m = await measure({
            command: options.node ?? process.execPath,
            args,
            cwd: options.repo,
            stdoutFile: mode === "plan" ? report : undefined,
        });
        if (m.exitCode === 2 || !fs.existsSync(report) || fs.statSync(report).size === 0) {
            runs.push(record(m));
            return summarise(runs, 0, lastErrorLine(m.stderr));
        }
        const parsed = JSON.parse(fs.readFileSync(report, "utf8"));
        resources = mode === "plan"
            ? parsed.stacks.reduce((n: number, s: any) => n + s.resources.length, 0)
            : parsed.summary.resources;
        const run = record(m, parsed);
        runs.push(run);
        options.onRun?.(mode, run);
    }
    return summarise(runs, resources);
}

export interface ToolRun {
    readonly wallMs: number;
    readonly cpuMs: number;
    readonly peakRssMb: number;
    readonly exitCode: number;
    readonly loadBefore: number;
    readonly loadAfter: number;
    /** What the tool said about its outcome (errors found, tests passed and failed). */
    readonly outcome: string;
}

/** `tsc --noEmit -p tsconfig.json`, as `npm run typecheck` runs it. */
export async function typecheck(repo: string): Promise<ToolRun> {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [repo] });
    const m = await measure({ command: process.execPath, args: [tsc, "--noEmit", "-p", "tsconfig.json"], cwd: repo,
                              stdoutFile: undefined });
    const { stderr: _stderr, ...rest } = m;
    return { ...rest, outcome: m.exitCode === 0 ? "no type errors" : `tsc exited ${m.exitCode} (type errors)` };
}

/** The whole jest suite, as `npm test` runs it after the type check (the data-move rehearsal included). */
export async function testSuite(repo: string, scratch: string): Promise<ToolRun> {
    const jest = require.resolve("jest/bin/jest", { paths: [repo] });
    const results = path.join(scratch, "jest.json");
    const m = await measure({ command: process.execPath, args: [jest, "--json", "--outputFile", results], cwd: repo });
    const { stderr: _stderr, ...rest } = m;
    let outcome = `jest exited ${m.exitCode}`;
    if (fs.existsSync(results)) {
        const r = JSON.parse(fs.readFileSync(results, "utf8"));
        outcome = `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped ` +
            `(${r.numTotalTestSuites} suites)`;
        const failed = (r.testResults ?? []).filter((t: any) => t.status === "failed")
            .map((t: any) => path.relative(repo, t.name));
        if (failed.length) outcome += `; failing: ${failed.join(", ")}`;
    }
    return { ...rest, outcome };
}
