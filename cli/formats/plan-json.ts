// The plan as JSON: the same resource shape as the check report, plus what the analyzer protocol carries.

import type { StackPlan } from "../../engine/plan";
import { plain } from "../../engine/wire";

export function planJson(plans: readonly StackPlan[]): string {
    const doc = {
        stacks: plans.map(p => ({
            stack: p.stack,
            program: p.programDir,
            project: p.project,
            runtime: p.runtime,
            resources: p.resources.map(r => ({
                urn: r.urn, type: r.type, name: r.name, parent: r.parent || null, custom: r.custom,
                provider: r.provider || null, origin: r.origin, dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies, options: r.options,
                inputs: plain(r.inputs),
            })),
            outputs: plain(p.outputs),
            notes: p.notes,
            timings: p.timings,
        })),
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
}
