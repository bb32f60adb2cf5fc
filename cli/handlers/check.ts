// `check`: plan and judge the stacks, optionally against a base commit, and write the report.

import * as fs from "fs";
import type { Io } from "../commands/command";
import type { ProgramSelection } from "../commands/common";
import { resolveBase, withBase } from "../base";
import { CheckRun, CheckSelection, checkTargets, packPool } from "../../engine/run";
import { listStacks, loadProject } from "../../engine/program/project";
import { resolveTargets } from "../../engine/program/targets";
import { EXIT, verdictExitCode } from "../errors";
import { ExternalError, oneLine } from "../../engine/errors";
import { checkJson, checkJsonFailure } from "../formats/check-json";
import { checkText, verdictLine } from "../formats/check-text";
import { checkJunit, checkJunitFailure } from "../formats/junit";
import { checkMarkdown, checkMarkdownFailure } from "../formats/markdown";
import { ArtifactPath, checkSarif, checkSarifFailure } from "../formats/sarif";
import { stackReport } from "../report/build";
import { compareWithBase } from "../report/compare";
import type { CheckFailure, CheckReport } from "../report/model";
import { summarize } from "../report/model";
import { pathInRepository } from "../report/repository";

export type CheckFormat = "text" | "json" | "sarif" | "junit" | "markdown";

export interface CheckOptions extends ProgramSelection {
    readonly policyPack: string;
    readonly policyConfig?: string;
    /** Reports to write from this one run: each to its file, or (at most one) to stdout. */
    readonly reports: readonly { readonly format: CheckFormat; readonly output?: string }[];
    readonly base?: string;
}

export async function runCheck(options: CheckOptions, io: Io): Promise<number> {
    let report: CheckReport;
    try {
        report = await checkReport(options, io);
    } catch (err) {
        // A CI job parses what it asked for even when there is no verdict: each machine-readable report carries the
        // cause, then the error goes on to main (one line on stderr, exit 2).
        writeFailure(options.reports, failureOf(err), io);
        throw err;
    }
    const written: string[] = [];
    for (const { format, output } of options.reports) {
        const rendered = render(report, format);
        if (!output) {
            io.out(rendered);
            continue;
        }
        write(output, rendered);
        written.push(`${format}: ${output}`);
    }
    if (written.length > 0) io.err(`${verdictLine(report.summary, report.stacks.length)} (${written.join(", ")})\n`);
    return verdictExitCode(report.summary);
}

async function checkReport(options: CheckOptions, io: Io): Promise<CheckReport> {
    const selection: CheckSelection = { ...options, env: io.env };
    if (options.base) resolveBase(options.base, options.programDir);
    const targets = resolveTargets(selection.programDir, selection.stacks, selection.config);
    // One pool for the run and, when the pack is the same, for the base's run too.
    const packs = packPool(options.policyPack, targets.length, io.env);
    let report: CheckReport;
    try {
        report = toReport(await checkTargets(selection, targets, packs));
        if (options.base) {
            const ref = options.base;
            const baseReport = await withBase(ref, options.programDir, options.policyPack, async base => {
                // Stacks that do not exist in the base have nothing to compare with: all their findings are new.
                const known = listStacks(loadProject(base.programDir));
                const wanted = targets.map(t => t.stack).filter(s => known.includes(s) || known.length === 0);
                const baseTargets = resolveTargets(base.programDir, wanted, selection.config);
                const run = await checkTargets({ ...selection, programDir: base.programDir, policyPack: base.packDir },
                    baseTargets, base.packChanged ? undefined : packs);
                return { report: toReport(run), commit: base.commit };
            }).catch(err => {
                if (err instanceof ExternalError) throw new ExternalError(`base ${ref}: ${err.message}`);
                throw err;
            });
            report = { ...report, base: compareWithBase(report, baseReport.report, ref, baseReport.commit) };
        }
    } finally {
        await packs.stop();
    }
    return report;
}

function write(output: string, text: string): void {
    try {
        fs.writeFileSync(output, text);
    } catch (err) {
        throw new ExternalError(`--output ${output}: cannot be written (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
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
        const rendered = renderFailure(failure, format);
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

export function toReport(run: CheckRun): CheckReport {
    const policies = new Map(run.pack.policies.map(p => [p.name, p]));
    const stacks = run.stacks.map(s => stackReport(s.plan, s.evaluation, policies, s.policyConfig.file));
    return {
        stacks,
        summary: summarize(stacks),
        pack: { name: run.pack.name, version: run.pack.version, dir: run.pack.dir, policies: run.pack.policies },
    };
}

export function render(report: CheckReport, format: CheckFormat,
                       artifactPath: ArtifactPath = pathInRepository): string {
    switch (format) {
        case "json": return checkJson(report);
        case "sarif": return checkSarif(report, artifactPath);
        case "junit": return checkJunit(report);
        case "markdown": return checkMarkdown(report);
        case "text": return checkText(report);
    }
}

export function renderFailure(failure: CheckFailure, format: CheckFormat): string | undefined {
    switch (format) {
        case "json": return checkJsonFailure(failure);
        case "sarif": return checkSarifFailure(failure);
        case "junit": return checkJunitFailure(failure);
        case "markdown": return checkMarkdownFailure(failure);
        case "text": return undefined;
    }
}
