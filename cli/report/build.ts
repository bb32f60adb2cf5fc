// Turns a stack's plan and its evaluation into the report's form.

import * as path from "path";
import { parseFindingMessage } from "../../policies/framework/messages";
import type { RawFinding, StackEvaluation } from "../../engine/policy/evaluate";
import type { PlannedResource, SourcePosition, StackPlan } from "../../engine/plan";
import { ROOT_STACK_TYPE } from "../../engine/plan";
import { plain } from "../../engine/wire";
import type { ReportFinding, ReportRemediation, SourceLocation, StackReport } from "./model";

export interface PolicyFacts {
    readonly remediationSteps?: string;
    readonly description?: string;
}

export function stackReport(plan: StackPlan, evaluation: StackEvaluation | undefined,
                            policies: ReadonlyMap<string, PolicyFacts>, policyConfig: string | null): StackReport {
    const byUrn = new Map(plan.resources.map(r => [r.urn, r]));
    const inputsOf = (r: PlannedResource) => evaluation?.remediatedInputs.get(r.urn) ?? r.inputs;
    const located = (r: PlannedResource | undefined) => sourceLocation(plan.programDir, r?.source);
    return {
        stack: plan.stack,
        program: plan.programDir,
        project: plan.project,
        stackFile: plan.stackFile,
        resources: plan.resources.map(r => ({
            urn: r.urn, type: r.type, name: r.name, parent: r.parent || null,
            inputs: plain(inputsOf(r)) as Record<string, unknown>,
            source: located(r),
            ...(r.predicted?.length ? { predicted: r.predicted } : {}),
        })),
        findings: (evaluation?.findings ?? []).map(f => ({
            ...reportFinding(f, byUrn, policies), source: located(byUrn.get(f.urn)),
        })),
        remediations: (evaluation?.remediations ?? []).map(reportRemediation),
        notes: plan.notes,
        policyConfig,
        timings: { planMs: plan.timings.totalMs, evaluationMs: evaluation?.evaluationMs ?? 0 },
    };
}

/** A position of the program as the reports show it: relative to the program directory, `/` separators. */
export function sourceLocation(programDir: string, source: SourcePosition | undefined): SourceLocation | null {
    if (!source) return null;
    const file = path.relative(programDir, source.file).split(path.sep).join("/");
    return { file, line: source.line, column: source.column };
}

function reportFinding(f: RawFinding, byUrn: ReadonlyMap<string, PlannedResource>,
                       policies: ReadonlyMap<string, PolicyFacts>): Omit<ReportFinding, "source"> {
    const facts = policies.get(f.policy);
    const message = withoutDescription(f.message, f.description ?? facts?.description);
    const parsed = parseFindingMessage(message);
    const exempt = parsed.status === "exempt" && f.level === "advisory";
    const label = parsed.exemption;
    const exemption = label && label.expires && (exempt || parsed.status === "exemption-expired") ? {
        id: label.id, expires: label.expires, reference: label.reference ?? "", active: exempt,
        ...(label.category ? { category: label.category } : {}), ...(parsed.reason ? { reason: parsed.reason } : {}),
    } : undefined;
    return {
        policy: f.policy,
        level: f.level,
        urn: f.urn,
        message,
        exempt,
        pack: f.pack,
        description: f.description ?? facts?.description,
        remediation: facts?.remediationSteps || undefined,
        component: componentOf(f.urn, byUrn),
        ...(exemption ? { exemption } : {}),
    };
}

/**
 * The finding itself. @pulumi/policy sends "<policy description>\n<what was reported>"; the description is kept in
 * its own field, and exemption prefixes are at the start of the reported text.
 */
export function withoutDescription(message: string, description?: string): string {
    return description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
}

/** The nearest enclosing component resource (the resource itself when it is one), the root Stack excluded. */
export function componentOf(urn: string, byUrn: ReadonlyMap<string, PlannedResource>): string | null {
    let r = byUrn.get(urn);
    if (r && r.custom) r = byUrn.get(r.parent);
    while (r && (r.custom || r.type === ROOT_STACK_TYPE)) {
        if (r.type === ROOT_STACK_TYPE) return null;
        r = byUrn.get(r.parent);
    }
    return r ? r.urn : null;
}

function reportRemediation(r: { policy: string | null; urn: string; before: Record<string, unknown>; after: Record<string, unknown> }): ReportRemediation {
    const before = plain(r.before) as Record<string, unknown>;
    const after = plain(r.after) as Record<string, unknown>;
    const changes: Record<string, [unknown, unknown]> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = [before[key] ?? null, after[key] ?? null];
    }
    return { policy: r.policy, urn: r.urn, changes };
}
