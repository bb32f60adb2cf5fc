// The two things the commands do: plan stacks (programs in parallel child processes) and check them (the same,
// with the policy pack started alongside, so that its start-up overlaps the programs, then reused for every stack).

import * as fs from "fs";
import * as path from "path";
import { ExternalError } from "../errors";
import { PolicyPack } from "./analyzer";
import { StackEvaluation, evaluateStack } from "./evaluate";
import type { StackPlan } from "./plan";
import { PolicyConfigChoice, loadPolicyConfig } from "./policy-config";
import { mapLimit, programConcurrency } from "./pool";
import { planStack } from "./program-runner";
import { StackTarget, resolveTargets } from "./targets";
import type { PolicySummary } from "../report/model";

export interface Selection {
    readonly programDir: string;
    readonly stacks: readonly string[];
    readonly config: Readonly<Record<string, string>>;
    readonly env: NodeJS.ProcessEnv;
}

export async function planStacks(selection: Selection): Promise<StackPlan[]> {
    const targets = resolveTargets(selection.programDir, selection.stacks, selection.config);
    return planTargets(targets, selection.env);
}

function planTargets(targets: readonly StackTarget[], env: NodeJS.ProcessEnv): Promise<StackPlan[]> {
    return mapLimit(targets, programConcurrency(env), target => planStack(target, { env }));
}

export interface PackInfo {
    readonly name: string;
    readonly version: string;
    readonly dir: string;
    /** Per policy: description and remediation steps, for the reports. */
    readonly policies: readonly PolicySummary[];
}

export interface CheckedStack {
    readonly plan: StackPlan;
    readonly evaluation: StackEvaluation;
    readonly policyConfig: PolicyConfigChoice;
}

export interface CheckRun {
    readonly pack: PackInfo;
    readonly stacks: readonly CheckedStack[];
}

export interface CheckSelection extends Selection {
    readonly policyPack: string;
    readonly policyConfig?: string;
}

/**
 * Plans the selected stacks and judges them with the pack. The pack starts while the programs run; pass a
 * started pack to reuse it (the caller then stops it).
 */
export async function checkStacks(selection: CheckSelection, shared?: Promise<PolicyPack>): Promise<CheckRun> {
    const targets = resolveTargets(selection.programDir, selection.stacks, selection.config);
    return checkTargets(selection, targets, shared);
}

export async function checkTargets(selection: CheckSelection, targets: readonly StackTarget[],
                                   shared?: Promise<PolicyPack>): Promise<CheckRun> {
    // Read every stack's policy config first: a bad file fails before anything starts.
    const configs = targets.map(t => loadPolicyConfig(selection.policyPack, t.stack, selection.policyConfig));
    const starting = shared ?? startPack(selection.policyPack);
    starting.catch(() => undefined); // reported when first needed, after the programs that fail earlier
    // Each stack is judged as soon as its program has run, while the other programs still run; the pack serves
    // one stack at a time (configure, configureStack, then its resources), in the order the plans arrive.
    let configured: string | undefined;
    let remediating = true;
    let queue: Promise<unknown> = Promise.resolve();
    const judged: Promise<CheckedStack>[] = [];
    const judge = async (i: number, plan: StackPlan): Promise<CheckedStack> => {
        const pack = await starting;
        const wanted = JSON.stringify(configs[i].config);
        if (wanted !== configured) {
            const levels = await external(`policy config ${configs[i].file ?? "(pack defaults)"}`,
                () => pack.configure(configs[i].config));
            remediating = Object.values(levels).some(c => c.enforcementLevel === "remediate");
            configured = wanted;
        }
        await external("policy pack", () => pack.configureStack({
            project: plan.project, stack: plan.stack,
            organization: selection.env.PULUMI_NODEJS_ORGANIZATION ?? "organization",
            dryRun: true, config: { ...targets[i].config }, configSecretKeys: [...targets[i].secretKeys],
        }));
        const evaluation = await external(`policy pack on stack ${plan.stack}`, () => evaluateStack(pack, plan, { remediate: remediating }));
        return { plan, evaluation, policyConfig: configs[i] };
    };
    try {
        await mapLimit(targets, programConcurrency(selection.env), async (target, i) => {
            const plan = await planStack(target, { env: selection.env });
            const next = queue.then(() => judge(i, plan));
            next.catch(() => undefined); // awaited below
            queue = next.catch(() => undefined);
            judged[i] = next;
        });
        const stacks = await Promise.all(judged);
        const info = await external("policy pack", async () => (await starting).info());
        const policies = info.policies.map(p => ({
            name: p.name,
            description: p.description || undefined,
            remediationSteps: p.remediationSteps || undefined,
        }));
        return { pack: { name: info.name, version: info.version, dir: selection.policyPack, policies }, stacks };
    } finally {
        await queue;
        if (!shared) await starting.then(p => p.stop(), () => undefined);
    }
}

/**
 * Starts a pack with the runner the Pulumi CLI uses. A TypeScript pack runs transpiled (cached in its bin/), as
 * programs do with PULUMI_NODEJS_TRANSPILE_ONLY: about 1 s instead of 5; `npm run typecheck` type-checks it.
 */
export function startPack(dir: string): Promise<PolicyPack> {
    const typescript = fs.existsSync(path.join(dir, "index.ts"));
    return external(`policy pack ${dir}`, () => PolicyPack.start(dir, { precompiled: typescript }));
}


/** A failure of the pack (it throws, rejects config, dies) is the user's input failing, not a bug of ours. */
async function external<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (err) {
        if (err instanceof ExternalError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        throw new ExternalError(`${what}: ${message}`);
    }
}
