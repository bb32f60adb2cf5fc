// `rehearse --from A --to B`: plan and judge both stacks with one policy pack process (the same pack, the same
// way, for both), read their neutral specs, compare, and write the report.

import * as fs from "fs";
import type { Io } from "../commands/command";
import { checkTargets, everyStack } from "../../engine/run";
import { resolveTargets } from "../../engine/program/targets";
import { EXIT, ExitCode, UsageError } from "../errors";
import { ExternalError } from "../../engine/errors";
import { checkWritable, toReport } from "./check";
import { NotAWarehouse } from "../../migration/plan/inventory";
import type { RehearsalReport } from "../../migration/plan/model";
import { RehearsalSide, rehearsal } from "../../migration/plan/report";
import { specOf } from "../../migration/plan/spec";
import { rehearsalJson } from "../formats/rehearsal-json";
import { rehearsalMarkdown } from "../formats/rehearsal-markdown";
import { rehearsalText, verdictLine } from "../formats/rehearsal-text";

export const REHEARSAL_FORMATS = ["text", "json", "markdown"] as const;

export interface RehearseOptions {
    readonly from?: string;
    readonly to?: string;
    readonly programDir: string;
    readonly policyPack: string;
    readonly policyConfig?: string;
    readonly format: typeof REHEARSAL_FORMATS[number];
    readonly output?: string;
    readonly rollbackDays: number;
}

export async function runRehearsal(options: RehearseOptions, io: Io): Promise<number> {
    const { from, to } = checkStacks(options);
    if (options.output) checkWritable(options.output);
    const targets = resolveTargets(options.programDir, [from, to], {});
    const run = everyStack(await checkTargets({
        programDir: options.programDir, stacks: [from, to], config: {}, env: io.env,
        policyPack: options.policyPack, policyConfig: options.policyConfig,
    }, targets));
    const checked = toReport(run);
    const side = (i: number): RehearsalSide => ({
        plan: run.stacks[i].plan,
        spec: specOf(targets[i].config),
        findings: checked.stacks[i].findings,
    });
    let report: RehearsalReport;
    try {
        report = rehearsal(side(0), side(1), { rollbackDays: options.rollbackDays });
    } catch (err) {
        if (err instanceof NotAWarehouse) throw new ExternalError(err.message);
        throw err;
    }
    const rendered = render(report, options.format);
    if (options.output) {
        fs.writeFileSync(options.output, rendered);
        io.err(`${verdictLine(report)} (${options.format} report: ${options.output})\n`);
    } else {
        io.out(rendered);
    }
    return rehearsalExitCode(report);
}

/** Both stacks named, and different: a rehearsal compares two stacks. */
export function checkStacks(options: Pick<RehearseOptions, "from" | "to">): { from: string; to: string } {
    if (!options.from) throw new UsageError("rehearse: --from STACK is required (the stack that runs today)");
    if (!options.to) throw new UsageError("rehearse: --to STACK is required (the stack to move to)");
    if (options.from === options.to) {
        throw new UsageError(`rehearse: --from and --to are the same stack '${options.from}'; name two different stacks`);
    }
    return { from: options.from, to: options.to };
}

export function render(report: RehearsalReport, format: RehearseOptions["format"]): string {
    switch (format) {
        case "json": return rehearsalJson(report);
        case "markdown": return rehearsalMarkdown(report);
        case "text": return rehearsalText(report);
    }
}

/** 0 when the target covers every capability and has no mandatory finding; 1 otherwise. */
export function rehearsalExitCode(report: RehearsalReport): ExitCode {
    return report.summary.verdict === "ready" ? EXIT.ok : EXIT.violations;
}
