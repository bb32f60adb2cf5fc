// Where the code and the deployed state differ: what the next `pulumi up` would create (in the code only), delete
// (in the state only) and change (inputs the code sets to another value than the state holds). Values the preview
// cannot know (unknown) and secrets (encrypted in the state) are not compared: they are counted instead, so that
// "no difference" is never claimed where it could not be seen.

import type { PlannedResource, StackPlan } from "../plan";
import { UNKNOWN, isSecret } from "../wire";

export interface InputChange {
    readonly urn: string;
    /** Top-level input keys the code sets to another known value than the state holds. */
    readonly keys: readonly string[];
}

export interface Drift {
    /** In the code, not deployed: the next update creates them. */
    readonly onlyInCode: readonly string[];
    /** Deployed, no longer in the code: the next update deletes them (unless protected). */
    readonly onlyInState: readonly string[];
    readonly changed: readonly InputChange[];
    /** Inputs that could not be compared: unknown until the update runs, or secret. */
    readonly notCompared: number;
}

export function compareWithState(code: StackPlan, deployed: StackPlan): Drift {
    const state = new Map(deployed.resources.map(r => [r.urn, r]));
    const planned = new Map(code.resources.map(r => [r.urn, r]));
    // Default providers are named after the provider's version: a different version is an upgrade, not a resource.
    const compared = (r: PlannedResource) => r.origin !== "default-provider";
    const onlyInCode = code.resources.filter(r => compared(r) && !state.has(r.urn)).map(r => r.urn);
    const onlyInState = deployed.resources.filter(r => compared(r) && !planned.has(r.urn)).map(r => r.urn);
    const changed: InputChange[] = [];
    let notCompared = 0;
    for (const r of code.resources) {
        const before = state.get(r.urn);
        if (!before || !compared(r)) continue;
        const keys: string[] = [];
        // Only what the code sets: an input it leaves out is the provider's to choose (a default, an auto-name), and
        // the state holds the provider's choice.
        for (const key of Object.keys(r.inputs)) {
            const now = r.inputs[key];
            const then = before.inputs[key];
            if (hidden(now) || hidden(then)) { notCompared++; continue; }
            if (canonical(now) !== canonical(then)) keys.push(key);
        }
        if (keys.length > 0) changed.push({ urn: r.urn, keys: keys.sort() });
    }
    return { onlyInCode, onlyInState, changed, notCompared };
}

/** Whether a value holds anything that cannot be compared offline (an unknown, a secret). */
function hidden(value: unknown): boolean {
    if (value === UNKNOWN || isSecret(value)) return true;
    if (Array.isArray(value)) return value.some(hidden);
    if (value && typeof value === "object") return Object.values(value).some(hidden);
    return false;
}

/** JSON with sorted keys: the same value, whatever order the program or the backend wrote it in. */
function canonical(value: unknown): string {
    return JSON.stringify(value, (_k, v) => v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map(k => [k, v[k]])) : v) ?? "undefined";
}
