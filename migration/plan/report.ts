// Puts a rehearsal together from two planned (and judged) stacks. Pure: the command feeds it the engine's plans
// and the pack's findings; the tests feed it plans built by hand.

import type { WarehouseSpec } from "../../components/model";
import type { StackPlan } from "../../engine/plan";
import { differences } from "./differences";
import { StackInventory, inventory, outputAt } from "./inventory";
import type { RehearsalReport, StackSummary } from "./model";
import { ZONES, identities, parity, projectsOf } from "./parity";
import { copyRoutes, runbook } from "./runbook";
import { SideFinding, compareVerdicts } from "./verdicts";

export interface RehearsalSide {
    readonly plan: StackPlan;
    /** The stack's validated neutral spec, when its configuration could be read. */
    readonly spec?: WarehouseSpec;
    /** The policy pack's findings on this stack. */
    readonly findings: readonly SideFinding[];
}

export interface RehearsalOptions {
    /** How long the source stays read-only after the switch, for a rollback. */
    readonly rollbackDays: number;
}

export const DEFAULT_ROLLBACK_DAYS = 30;

export function rehearsal(from: RehearsalSide, to: RehearsalSide,
                          options: RehearsalOptions = { rollbackDays: DEFAULT_ROLLBACK_DAYS }): RehearsalReport {
    const source = inventory(from.plan);
    const target = inventory(to.plan);
    const sourceProjects = projectsOf(source, from.spec);
    const projects = [...new Set([...sourceProjects, ...projectsOf(target, to.spec)])];
    const rows = parity(source, target, projects);
    const diffs = differences(
        { inv: source, spec: from.spec, rows, which: "source" },
        { inv: target, spec: to.spec, rows, which: "target" });
    const verdicts = compareVerdicts(from.findings, identities(source, rows, "source"),
        to.findings, identities(target, rows, "target"));
    const input = {
        from: { stack: from.plan.stack, inv: source, spec: from.spec },
        to: { stack: to.plan.stack, inv: target, spec: to.spec },
        rows, projects: sourceProjects, rollbackDays: options.rollbackDays,
        targetMandatoryPolicies: [...new Set(verdicts.target.filter(f => f.level === "mandatory" && !f.exempt).map(f => f.policy))],
    };
    const routes = copyRoutes(input);
    const gaps = rows.filter(r => r.gap).length;
    return {
        from: summary(source, sourceProjects),
        to: summary(target, projectsOf(target, to.spec)),
        parity: rows,
        differences: diffs,
        verdicts,
        routes,
        runbook: runbook(input, routes),
        summary: {
            capabilities: rows.length,
            gaps,
            external: rows.filter(r => r.target.coverage === "external").length,
            differences: diffs.length,
            resolved: verdicts.resolved.length,
            introduced: verdicts.introduced.length,
            targetMandatory: verdicts.targetMandatory,
            verdict: gaps === 0 && verdicts.targetMandatory === 0 ? "ready" : "not-ready",
        },
        notes: [
            ...from.plan.notes.map(n => `${from.plan.stack}: ${n}`),
            ...to.plan.notes.map(n => `${to.plan.stack}: ${n}`),
            ...(from.spec ? [] : [`${from.plan.stack}: its neutral configuration could not be read; spec facts are left out`]),
            ...(to.spec ? [] : [`${to.plan.stack}: its neutral configuration could not be read; spec facts are left out`]),
        ],
    };
}

function summary(inv: StackInventory, projects: readonly string[]): StackSummary {
    return {
        stack: inv.plan.stack,
        target: outputAt<string>(inv, "target") ?? null,
        region: outputAt<string>(inv, "region") ?? null,
        resources: inv.plan.resources.length,
        zones: [...ZONES],
        projects,
    };
}
