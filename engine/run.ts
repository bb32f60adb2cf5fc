// The two things the commands do: plan stacks (programs in parallel child processes) and check them (the same,
// with a policy pack beside each running program, judging its resources as they are registered).

import * as path from "path";
import { ExternalError } from "./errors";
import { StackEvaluation, judgeStack, soleLease } from "./policy/evaluate";
import { PolicyConfigValidationError } from "./policy/analyzer";
import { PackPool } from "./policy/pack-pool";
import type { StackPlan } from "./plan";
import { PolicyConfigChoice, loadPolicyConfig } from "./policy/policy-config";
import { mapLimit, packConcurrency, programConcurrency } from "./pool";
import { planStack } from "./program/program-runner";
import { StackTarget, resolveTargets } from "./program/targets";
import { Drift, compareWithState } from "./state/drift";
import { deployedPlan, readStackExport } from "./state/stack-export";

export interface Selection {
    readonly programDir: string;
    readonly stacks: readonly string[];
    readonly config: Readonly<Record<string, string>>;
    readonly env: NodeJS.ProcessEnv;
    /** Predict provider-derived outputs (default true); false answers exactly as a real preview does. */
    readonly predict?: boolean;
}

export async function planStacks(selection: Selection): Promise<StackPlan[]> {
    const targets = resolveTargets(selection.programDir, selection.stacks, selection.config);
    return mapLimit(targets, programConcurrency(selection.env),
        target => planStack(target, { env: selection.env, predict: selection.predict }));
}

/** A policy as the reports describe it. */
export interface PolicySummary {
    readonly name: string;
    readonly description?: string;
    readonly remediationSteps?: string;
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
    /** Judged from a deployed state (`--state`): the file it came from. */
    readonly stateFile?: string;
    /** With a state and the program: where the code and the deployed state differ. */
    readonly drift?: Drift;
}

/** A stack whose program failed (bad config, a throw, a syntax error): the other stacks are still judged. */
export interface StackFailure {
    readonly stack: string;
    /** One line naming the cause (a configuration error: one problem per line). */
    readonly message: string;
}

export interface CheckRun {
    readonly pack: PackInfo;
    /** The stacks judged, in the order asked. */
    readonly stacks: readonly CheckedStack[];
    /** The stacks whose program failed, in the order asked. */
    readonly failures: readonly StackFailure[];
}

/** How far a stack's check is: resources registered by its program, and judged by the pack. */
export interface StackProgress {
    readonly stack: string;
    readonly registered: number;
    readonly judged: number;
    /** The program has ended and every resource and the stack policies are judged. */
    readonly finished: boolean;
}

export interface CheckSelection extends Selection {
    readonly policyPack: string;
    readonly policyConfig?: string;
    /** Called as resources are registered and judged (a long check shows its progress). */
    readonly onProgress?: (progress: StackProgress) => void;
}

/**
 * Plans the selected stacks and judges them with the pack, each stack while its program runs. Pass a pool to reuse
 * its packs (the caller then stops it).
 */
export async function checkStacks(selection: CheckSelection, shared?: PackPool): Promise<CheckRun> {
    const targets = resolveTargets(selection.programDir, selection.stacks, selection.config);
    return checkTargets(selection, targets, shared);
}

export async function checkTargets(selection: CheckSelection, targets: readonly StackTarget[],
                                   shared?: PackPool): Promise<CheckRun> {
    // Read every stack's policy config first: a bad file fails before anything starts.
    const configs = targets.map(t => loadPolicyConfig(selection.policyPack, t.stack, selection.policyConfig));
    const concurrency = programConcurrency(selection.env);
    const pool = shared ?? packPool(selection.policyPack, targets.length, selection.env);
    const organization = selection.env.PULUMI_NODEJS_ORGANIZATION ?? "organization";
    try {
        // A program holds one of the `concurrency` slots while it runs, not while its stack waits to be judged: the
        // next program starts as soon as one ends.
        const judged: Promise<CheckedStack | undefined>[] = [];
        const failed: (StackFailure | undefined)[] = [];
        await mapLimit(targets, concurrency, async (target, i) => {
            // The judge holds the program's resources until its stack has a turn on a pack, then judges each as
            // soon as it is registered, as the engine does; a pack is configured for the stack at each turn.
            const lease = pool.lease(async p => {
                // The config file is named for what is wrong with it; the pack failing the call is the pack's failure.
                const remediate = await pool.configure(p, configs[i].config).catch(err => {
                    if (!(err instanceof PolicyConfigValidationError)) throw err;
                    throw new ExternalError(`policy config ${configs[i].file ?? "(pack defaults)"}: ${err.message}`);
                });
                await external("policy pack", () => p.pack.configureStack({
                    project: target.project.name, stack: target.stack, organization,
                    dryRun: true, config: { ...target.config }, configSecretKeys: [...target.secretKeys],
                }));
                return remediate;
            });
            const judge = judgeStack({
                ...lease, acquire: (backlog, onContention) =>
                    external(`policy pack ${pool.dir}`, () => lease.acquire(backlog, onContention)),
            });
            let registered = 0;
            const report = (finished: boolean) => selection.onProgress?.({
                stack: target.stack, registered, judged: registered - judge.backlog, finished,
            });
            let plan: StackPlan;
            try {
                plan = await planStack(target, {
                    env: selection.env, predict: selection.predict,
                    onResource: r => { judge.add(r); registered++; report(false); },
                });
            } catch (err) {
                // A failing program fails its own stack, not the run: the pack finishes what it was sent, then
                // serves the next stack.
                if (!(err instanceof ExternalError)) throw err;
                failed[i] = { stack: target.stack, message: err.message };
                judged[i] = (async () => {
                    await external(`policy pack on stack ${target.stack}`, () => judge.finish(emptyPlan(target)));
                    report(true);
                    return undefined;
                })();
                judged[i].catch(() => undefined);
                return;
            }
            judged[i] = (async () => {
                const evaluation = await external(`policy pack on stack ${plan.stack}`, () => judge.finish(plan));
                report(true);
                return { plan, evaluation, policyConfig: configs[i] };
            })();
            judged[i].catch(() => undefined); // awaited below, after the programs
        });
        const stacks = (await Promise.all(judged)).filter((s): s is CheckedStack => s !== undefined);
        const failures = failed.filter((f): f is StackFailure => f !== undefined);
        const info = await external("policy pack", () => pool.info());
        const policies = info.policies.map(p => ({
            name: p.name,
            description: p.description || undefined,
            remediationSteps: p.remediationSteps || undefined,
        }));
        return { pack: { name: info.name, version: info.version, dir: selection.policyPack, policies }, stacks, failures };
    } finally {
        if (!shared) await pool.stop();
    }
}

/** The run, when every stack's program ran; else the first failure, as the error it was. */
export function everyStack(run: CheckRun): CheckRun {
    if (run.failures.length > 0) throw new ExternalError(run.failures[0].message);
    return run;
}

/** What a failed program leaves for its judge to finish: nothing registered. */
function emptyPlan(target: StackTarget): StackPlan {
    return {
        stack: target.stack, project: target.project.name, programDir: target.project.dir, stackFile: null,
        runtime: undefined as unknown as StackPlan["runtime"], resources: [], outputs: {}, invokes: [], notes: [],
        timings: { programMs: 0, totalMs: 0 },
    };
}

export interface StateSelection extends CheckSelection {
    /** The `pulumi stack export` document. */
    readonly stateFile: string;
    /** Also run the program for the state's stack and report where code and state differ. */
    readonly compareWithProgram: boolean;
}

/**
 * Judges a deployed stack from its exported state, with the same pack and policy config as its code: resource
 * policies see the inputs the backend holds (what the engine last sent the provider), stack policies the outputs.
 * Nothing is remediated (the state is not changed). The stack's config comes from the program's settings file for
 * that stack when the program has one.
 */
export async function checkState(selection: StateSelection, shared?: PackPool): Promise<CheckRun> {
    const deployed = readStackExport(selection.stateFile);
    let target: StackTarget | undefined;
    try {
        [target] = resolveTargets(selection.programDir, [deployed.stack], selection.config);
    } catch (err) {
        // The program does not know the state's stack: judged without its config, unless the code was asked for.
        if (selection.compareWithProgram) throw err;
    }
    if (target && target.project.name !== deployed.project) {
        throw new ExternalError(`--state ${selection.stateFile}: the state is of project ${deployed.project}, the program ` +
            `at ${selection.programDir} is ${target.project.name}`);
    }
    const policyConfig = loadPolicyConfig(selection.policyPack, deployed.stack, selection.policyConfig);
    const plan = deployedPlan(deployed, selection.programDir,
        target?.stackFile ? path.relative(target.project.dir, target.stackFile) : null);
    const pool = shared ?? packPool(selection.policyPack, 1, selection.env);
    try {
        const acquired = await external(`policy pack ${pool.dir}`, () => pool.acquire(() => plan.resources.length));
        const evaluation = await external(`policy pack on the state of ${deployed.stack}`, async () => {
            await pool.configure(acquired, policyConfig.config);
            await acquired.pack.configureStack({
                project: deployed.project, stack: deployed.stack,
                organization: selection.env.PULUMI_NODEJS_ORGANIZATION ?? "organization",
                dryRun: false, config: { ...(target?.config ?? {}) }, configSecretKeys: [...(target?.secretKeys ?? [])],
            });
            const judge = judgeStack(soleLease(Promise.resolve({ pack: acquired.pack, remediate: false })));
            for (const r of plan.resources) judge.add(r);
            return judge.finish(plan);
        });
        pool.release(acquired);
        let drift: Drift | undefined;
        if (selection.compareWithProgram && target) {
            const code = await planStack(target, { env: selection.env, predict: selection.predict });
            drift = compareWithState(code, plan);
        }
        const info = await external("policy pack", () => pool.info());
        const policies = info.policies.map(p => ({
            name: p.name, description: p.description || undefined, remediationSteps: p.remediationSteps || undefined,
        }));
        return {
            pack: { name: info.name, version: info.version, dir: selection.policyPack, policies },
            stacks: [{ plan, evaluation, policyConfig, stateFile: selection.stateFile, drift }],
            failures: [],
        };
    } finally {
        if (!shared) await pool.stop();
    }
}

/**
 * The packs for a check of `stacks` stacks: as many as WAREHOUSE_CHECK_PACKS asks (one by default), no more than
 * stacks; one started at once so that its start-up overlaps the programs'.
 */
export function packPool(dir: string, stacks: number, env: NodeJS.ProcessEnv): PackPool {
    const pool = new PackPool(dir, Math.max(1, Math.min(packConcurrency(env), stacks)));
    pool.prestart();
    return pool;
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
