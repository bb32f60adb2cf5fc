// `check`: plan and judge the stacks, optionally against a base commit, and write the report.

import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import type { Io } from "../commands/command";
import type { ProgramSelection } from "../commands/common";
import { resolveBase, withBase } from "../base";
import { CheckRun, CheckSelection, checkState, checkTargets, packPool } from "../../engine/run";
import { listStacks, loadProject } from "../../engine/program/project";
import { resolveTargets } from "../../engine/program/targets";
import { EXIT, verdictExitCode } from "../errors";
import { PACKAGE_ROOT } from "../paths";

/** The CLI's version: the package's. */
const TOOL_VERSION = (require("../../package.json") as { version: string }).version;
import { ExternalError } from "../../engine/errors";
import { checkJson } from "../formats/check-json";
import { checkText, verdictLine } from "../formats/check-text";
import { checkJunit } from "../formats/junit";
import { COMMENT_BUDGET, renderMarkdown } from "../formats/markdown";
import { checkSarif } from "../formats/sarif";
import { stackReport } from "../report/build";
import { compareWithBase } from "../report/compare";
import { DEFAULT_EXPIRY_WINDOW_DAYS, expiringExemptions, utcDay } from "../report/expiry";
import type { CheckReport } from "../report/model";
import { summarize } from "../report/model";
import { ProgressLine, progressLine } from "../report/progress";

export type CheckFormat = "text" | "json" | "sarif" | "junit" | "markdown";

export interface CheckOptions extends ProgramSelection {
    readonly policyPack: string;
    readonly policyConfig?: string;
    /** Reports to write from this one run: each to its file, or (at most one) to stdout. */
    readonly reports: readonly { readonly format: CheckFormat; readonly output?: string }[];
    readonly base?: string;
    /** Judge a deployed stack from its exported state instead of the code. */
    readonly state?: { readonly file: string; readonly compareWithProgram: boolean };
    /** Announce active exemptions that end within this many days (default 30). */
    readonly warnExpiryWithinDays?: number;
    /** Exit 1 when an active exemption ends within this many days. */
    readonly failOnExpiryWithinDays?: number;
}

/** What a report is judged against besides the run: the day, and the exemption windows. */
export interface ReportOptions {
    /** The clock (injectable for tests). */
    readonly now?: Date;
    readonly warnExpiryWithinDays?: number;
    readonly failOnExpiryWithinDays?: number;
}

export async function runCheck(options: CheckOptions, io: Io): Promise<number> {
    // On a terminal, a long check shows how far it is; piped and CI output stay as they are.
    const progress = io.interactive ? progressLine(io.err) : undefined;
    try {
        return await check(options, io, progress);
    } finally {
        progress?.stop();
    }
}

async function check(options: CheckOptions, io: Io, progress?: ProgressLine): Promise<number> {
    const selection: CheckSelection = { ...options, env: io.env, onProgress: progress?.update };
    const reportOptions: ReportOptions = { ...options, now: io.now?.() };
    if (options.state) {
        const run = await checkState({ ...selection, stateFile: options.state.file, compareWithProgram: options.state.compareWithProgram });
        progress?.stop();
        return writeReports(toReport(run, reportOptions), options, io);
    }
    if (options.base) resolveBase(options.base, options.programDir);
    const targets = resolveTargets(selection.programDir, selection.stacks, selection.config);
    // One pool for the run and, when the pack is the same, for the base's run too.
    const packs = packPool(options.policyPack, targets.length, io.env);
    let report: CheckReport;
    try {
        report = toReport(await checkTargets(selection, targets, packs), reportOptions);
        if (options.base) {
            const ref = options.base;
            const baseReport = await withBase(ref, options.programDir, options.policyPack, async base => {
                // Stacks that do not exist in the base have nothing to compare with: all their findings are new.
                const known = listStacks(loadProject(base.programDir));
                const wanted = targets.map(t => t.stack).filter(s => known.includes(s) || known.length === 0);
                const baseTargets = resolveTargets(base.programDir, wanted, selection.config);
                const run = await checkTargets({ ...selection, programDir: base.programDir, policyPack: base.packDir },
                    baseTargets, base.packChanged ? undefined : packs);
                return { report: toReport(run, reportOptions), commit: base.commit };
            }).catch(err => {
                if (err instanceof ExternalError) throw new ExternalError(`base ${ref}: ${err.message}`);
                throw err;
            });
            report = { ...report, base: compareWithBase(report, baseReport.report, ref, baseReport.commit) };
        }
    } finally {
        await packs.stop();
    }
    progress?.stop();
    return writeReports(report, options, io);
}

/** Writes each report asked for; returns the exit code of the verdict. */
export function writeReports(report: CheckReport, options: Pick<CheckOptions, "reports">, io: Io): number {
    const written: string[] = [];
    const write = (file: string, text: string) => {
        try {
            fs.writeFileSync(file, text);
        } catch (err) {
            throw new ExternalError(`--output ${file}: cannot be written (${(err as NodeJS.ErrnoException).code ?? err})`);
        }
    };
    for (const { format, output } of options.reports) {
        if (format === "markdown") {
            // The comment stays under its budget; when it had to be shortened, the whole report goes beside it.
            const full = output ? fullReportFile(output) : undefined;
            const comment = renderMarkdown(report, { budget: COMMENT_BUDGET, fullReport: full && path.basename(full), cwd: io.cwd });
            if (!output) {
                io.out(comment.text);
                continue;
            }
            write(output, comment.text);
            written.push(`markdown: ${output}`);
            if (comment.truncated && full) {
                write(full, renderMarkdown(report, { budget: Infinity, cwd: io.cwd }).text);
                written.push(`full markdown: ${full}`);
            }
            continue;
        }
        const rendered = render(report, format, io.cwd, io.env);
        if (!output) {
            io.out(rendered);
            continue;
        }
        write(output, rendered);
        written.push(`${format}: ${output}`);
    }
    if (written.length > 0) io.err(`${verdictLine(report.summary, report.stacks.length)} (${written.join(", ")})\n`);
    const expiryBlocks = report.expiring.some(e => e.blocking);
    return expiryBlocks ? EXIT.violations : verdictExitCode(report.summary);
}

/** `report.md` -> `report.full.md`: the unshortened Markdown, for the CI artifact. */
export function fullReportFile(output: string): string {
    return output.endsWith(".md") ? `${output.slice(0, -3)}.full.md` : `${output}.full.md`;
}

export function toReport(run: CheckRun, options: ReportOptions = {}): CheckReport {
    const policies = new Map(run.pack.policies.map(p => [p.name, p]));
    const stacks = run.stacks.map(s => ({
        ...stackReport(s.plan, s.evaluation, policies, s.policyConfig.file),
        ...(s.stateFile ? { state: { file: s.stateFile, ...(s.drift ? { drift: s.drift } : {}) } } : {}),
    }));
    const judgedOn = utcDay(options.now ?? new Date());
    const windowDays = options.warnExpiryWithinDays ?? DEFAULT_EXPIRY_WINDOW_DAYS;
    const expiring = expiringExemptions(stacks, run.stacks.map(s => s.policyConfig),
        { today: judgedOn, windowDays, failWithinDays: options.failOnExpiryWithinDays });
    return {
        stacks,
        summary: summarize(stacks, expiring),
        pack: { name: run.pack.name, version: run.pack.version, dir: run.pack.dir, policies: run.pack.policies },
        expiring,
        judgedOn,
        expiryWindowDays: Math.max(windowDays, options.failOnExpiryWithinDays ?? 0),
    };
}

/**
 * Where a reader of a SARIF log learns about the tool: the offline-check documentation at the commit that ran, on
 * the forge that ran CI (GitHub Actions, GitLab CI), else in this checkout.
 */
export function documentationUri(env: NodeJS.ProcessEnv, doc = "docs/offline-check.md"): string {
    if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY) {
        return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA || "HEAD"}/${doc}`;
    }
    if (env.CI_PROJECT_URL) return `${env.CI_PROJECT_URL}/-/blob/${env.CI_COMMIT_SHA || "HEAD"}/${doc}`;
    return pathToFileURL(path.join(PACKAGE_ROOT, doc)).href;
}

export function render(report: CheckReport, format: CheckFormat, cwd: string, env: NodeJS.ProcessEnv = {}): string {
    switch (format) {
        case "json": return checkJson(report);
        case "sarif": return checkSarif(report, cwd, {
            informationUri: documentationUri(env), rulesUri: documentationUri(env, "docs/policy-pack.md"), version: TOOL_VERSION,
        });
        case "junit": return checkJunit(report, cwd);
        case "markdown": return renderMarkdown(report, { cwd }).text;
        case "text": return checkText(report, cwd);
    }
}
