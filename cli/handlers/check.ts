// `check`: plan and judge the stacks (or a deployed stack's state), optionally against a base commit, and write the
// reports.

import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import type { Io } from "../commands/command";
import type { ProgramSelection } from "../commands/common";
import { resolveBase, withBase } from "../base";
import { CheckRun, CheckSelection, StackFailure, checkState, checkTargets, everyStack, packPool } from "../../engine/run";
import { listStacks, loadProject } from "../../engine/program/project";
import { resolveTargets } from "../../engine/program/targets";
import { EXIT, verdictExitCode } from "../errors";
import { ExternalError, oneLine } from "../../engine/errors";
import { checkJson, checkJsonFailure } from "../formats/check-json";
import { checkText, verdictLine } from "../formats/check-text";
import { checkJunit, checkJunitFailure } from "../formats/junit";
import { COMMENT_BUDGET, checkMarkdownFailure, renderMarkdown } from "../formats/markdown";
import { ArtifactPath, SarifOptions, checkSarif, checkSarifFailure } from "../formats/sarif";
import { PACKAGE_ROOT, PROGRAM_NAME } from "../paths";
import { stackReport } from "../report/build";
import { compareWithBase } from "../report/compare";
import { DEFAULT_EXPIRY_WINDOW_DAYS, expiringExemptions, utcDay } from "../report/expiry";
import type { CheckFailure, CheckReport } from "../report/model";
import { summarize } from "../report/model";
import { ProgressLine, progressLine } from "../report/progress";
import { pathInRepository } from "../report/repository";

/** The CLI's version: the package's. */
const TOOL_VERSION = (require("../../package.json") as { version: string }).version;

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
    for (const { output } of options.reports) if (output) checkWritable(output);
    // On a terminal, a long check shows how far it is; piped and CI output stay as they are.
    const progress = io.interactive ? progressLine(io.err) : undefined;
    let report: CheckReport;
    let failures: readonly StackFailure[];
    try {
        ({ report, failures } = await checkReport(options, io, progress));
    } catch (err) {
        progress?.stop();
        // A CI job parses what it asked for even when there is no verdict: each machine-readable report carries the
        // cause, then the error goes on to main (one line on stderr, exit 2).
        writeFailure(options.reports, failureOf(err), io);
        throw err;
    }
    progress?.stop();
    const verdict = writeReports(report, options, io);
    if (failures.length > 0) {
        for (const f of failures) io.err(`${PROGRAM_NAME}: error: ${f.message.split("\n").join("\n  ")}\n`);
        io.err(`${PROGRAM_NAME}: ${failures.length} of ${failures.length + report.stacks.length} stacks failed; ` +
            "the report covers the others\n");
        return EXIT.failed;
    }
    return verdict;
}

/** The report of the stacks that ran, and the stacks whose program failed (the run goes on without them). */
async function checkReport(options: CheckOptions, io: Io, progress?: ProgressLine):
    Promise<{ report: CheckReport; failures: readonly StackFailure[] }> {
    const selection: CheckSelection = { ...options, env: io.env, onProgress: progress?.update };
    const reportOptions: ReportOptions = { ...options, now: io.now?.() };
    if (options.state) {
        const run = await checkState({ ...selection, stateFile: options.state.file, compareWithProgram: options.state.compareWithProgram });
        return { report: toReport(run, reportOptions), failures: [] };
    }
    if (options.base) resolveBase(options.base, options.programDir);
    const targets = resolveTargets(selection.programDir, selection.stacks, selection.config);
    // One pool for the run and, when the pack is the same, for the base's run too.
    const packs = packPool(options.policyPack, targets.length, io.env);
    let report: CheckReport;
    let failures: readonly StackFailure[];
    try {
        const run = await checkTargets(selection, targets, packs);
        // Every stack broken: the first failure is the error. Some: the others are reported, then the failures.
        if (run.stacks.length === 0) everyStack(run);
        failures = run.failures;
        report = toReport(run, reportOptions);
        if (options.base) {
            const ref = options.base;
            const baseReport = await withBase(ref, options.programDir, options.policyPack, async base => {
                // Stacks that do not exist in the base have nothing to compare with: all their findings are new.
                const known = listStacks(loadProject(base.programDir));
                const wanted = targets.map(t => t.stack).filter(s => known.includes(s) || known.length === 0);
                // None of them in the base: nothing to run there (no stacks would mean every stack of the base,
                // whose findings would read as fixed by the change).
                const baseTargets = wanted.length === 0 ? [] : resolveTargets(base.programDir, wanted, selection.config);
                const run = everyStack(await checkTargets({ ...selection, onProgress: undefined, programDir: base.programDir,
                    policyPack: base.packDir }, baseTargets.filter(t => !failures.some(f => f.stack === t.stack)),
                base.packChanged ? undefined : packs));
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
    return { report, failures };
}

function write(output: string, text: string): void {
    try {
        fs.writeFileSync(output, text);
    } catch (err) {
        throw new ExternalError(`--output ${output}: cannot be written (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
}

/** Writes each report asked for; returns the exit code of the verdict. */
export function writeReports(report: CheckReport, options: Pick<CheckOptions, "reports">, io: Io): number {
    const written: string[] = [];
    for (const { format, output } of options.reports) {
        if (format === "markdown") {
            // The comment stays under its budget; when it had to be shortened, the whole report goes beside it.
            const full = output ? fullReportFile(output) : undefined;
            const comment = renderMarkdown(report, { budget: COMMENT_BUDGET, fullReport: full && path.basename(full), shown: pathInRepository });
            if (!output) {
                io.out(comment.text);
                continue;
            }
            write(output, comment.text);
            written.push(`markdown: ${output}`);
            if (comment.truncated && full) {
                write(full, renderMarkdown(report, { budget: Infinity, shown: pathInRepository }).text);
                written.push(`full markdown: ${full}`);
            }
            continue;
        }
        const rendered = render(report, format, pathInRepository, io.env);
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

/** The failure as the reports carry it: the same line main prints on stderr. */
export function failureOf(err: unknown): CheckFailure {
    if (err instanceof ExternalError) return { message: oneLine(err.message), kind: "input", exitCode: EXIT.failed };
    const message = err instanceof Error ? err.message : String(err);
    return { message: `internal error: ${oneLine(message)}`, kind: "internal", exitCode: EXIT.failed };
}

/**
 * Writes, for a run that reached no verdict, each machine-readable report it asked for (text has only the stderr
 * line). A report that cannot be written is skipped: the run's own error is the one to show.
 */
function writeFailure(reports: CheckOptions["reports"], failure: CheckFailure, io: Io): void {
    for (const { format, output } of reports) {
        const rendered = renderFailure(failure, format, io.env);
        if (rendered === undefined) continue;
        if (!output) {
            io.out(rendered);
            continue;
        }
        try {
            fs.writeFileSync(output, rendered);
        } catch {
            // reported through the run's own error
        }
    }
}

/** Where a report goes must exist before the check runs, not be found missing after it. */
export function checkWritable(output: string): void {
    const dir = path.dirname(output);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new ExternalError(`--output ${output}: its directory ${dir} does not exist`);
    }
    if (fs.existsSync(output) && fs.statSync(output).isDirectory()) {
        throw new ExternalError(`--output ${output}: is a directory; name a file`);
    }
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

function sarifOptions(env: NodeJS.ProcessEnv): SarifOptions {
    return { informationUri: documentationUri(env), rulesUri: documentationUri(env, "docs/policy-pack.md"), version: TOOL_VERSION };
}

/**
 * A report in one format. Source files are shown relative to the program's own repository root (`artifactPath`),
 * in SARIF and in the human formats alike.
 */
export function render(report: CheckReport, format: CheckFormat, artifactPath: ArtifactPath = pathInRepository,
                       env: NodeJS.ProcessEnv = {}): string {
    switch (format) {
        case "json": return checkJson(report);
        case "sarif": return checkSarif(report, artifactPath, sarifOptions(env));
        case "junit": return checkJunit(report, artifactPath);
        case "markdown": return renderMarkdown(report, { shown: artifactPath }).text;
        case "text": return checkText(report, artifactPath);
    }
}

export function renderFailure(failure: CheckFailure, format: CheckFormat, env: NodeJS.ProcessEnv = {}): string | undefined {
    switch (format) {
        case "json": return checkJsonFailure(failure);
        case "sarif": return checkSarifFailure(failure, sarifOptions(env));
        case "junit": return checkJunitFailure(failure);
        case "markdown": return checkMarkdownFailure(failure);
        case "text": return undefined;
    }
}
