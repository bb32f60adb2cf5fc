// Judges one stack with a running policy pack, in the order and shape the engine uses during a preview: each
// resource as the program registers it, remediate first (a remediation replaces the inputs), then analyze the
// final inputs; once the program has ended, the whole stack (outputs, parents, dependencies). Levels are then read
// as the engine reads them: a `remediate` diagnostic that analyze still raises counts as mandatory; `disabled` is
// dropped.

import type { AnalyzerResource, Diagnostic, EnforcementLevel, PolicyPack } from "./analyzer";
import type { PlannedResource, StackPlan } from "../plan";
import { secret } from "../wire";

export interface RawFinding {
    readonly policy: string;
    /** The level after the engine's reading: mandatory or advisory. */
    readonly level: "mandatory" | "advisory";
    readonly urn: string;
    readonly message: string;
    readonly pack: string;
    readonly description?: string;
    /** Whether analyzeStack raised it (a stack policy) rather than analyze (a resource policy). */
    readonly stackPolicy: boolean;
}

export interface Remediation {
    /** The analyzer protocol client reports the remediated inputs, not which remediate-level policy changed them. */
    readonly policy: string | null;
    readonly urn: string;
    readonly before: Record<string, unknown>;
    readonly after: Record<string, unknown>;
}

export interface StackEvaluation {
    readonly findings: readonly RawFinding[];
    readonly remediations: readonly Remediation[];
    /** Inputs after remediation, by URN (only those a remediation changed). */
    readonly remediatedInputs: ReadonlyMap<string, Record<string, unknown>>;
    /** What judging added after the program ended: the resources still in flight, then the stack policies. */
    readonly evaluationMs: number;
}

/** Requests in flight to the pack at once: enough to hide the round trip, few enough to keep memory flat. */
const IN_FLIGHT = 16;

/** A pack configured for the stack it judges. */
export interface ConfiguredPack {
    readonly pack: PolicyPack;
    /**
     * Whether any policy runs at the `remediate` level after configuration. The pack's remediate handler runs only
     * those policies, so when there are none its answer is empty for every resource and the call is skipped: half
     * the requests of a stack (measured at 100 projects: a quarter of the evaluation time, docs/benchmark.md).
     */
    readonly remediate: boolean;
}

/**
 * How a judge gets a pack for its stack: a turn at a time (PackPool.lease), so that one pack can serve several
 * stacks whose programs run side by side, each judged as it registers.
 */
export interface PackLease {
    /**
     * Waits for a turn: the pack, configured for this stack. `backlog` says how much the stack has waiting (Infinity
     * when its stack policies wait); `onContention` is called, while the turn lasts, when another stack starts
     * waiting with work.
     */
    acquire(backlog: () => number, onContention: () => void): Promise<ConfiguredPack>;
    /** Whether another stack waits with enough work for this one to give the pack up when it has nothing to send. */
    contended(): boolean;
    /** Called by a judge waiting for a turn as its work grows: the judges holding a pack look again. */
    waiting(): void;
    /** Ends the turn. */
    release(): void;
}

/** A lease on one pack that is this stack's alone (a single stack, a test, a pack already configured). */
export function soleLease(configured: Promise<ConfiguredPack>): PackLease {
    return { acquire: () => configured, contended: () => false, waiting: () => undefined, release: () => undefined };
}

/** A stack being judged while its program runs. */
export interface StackJudge {
    /** Queues a resource, in registration order; it is judged as soon as the pack has room. */
    add(resource: PlannedResource): void;
    /** Once the program has ended: waits for every resource's verdict, runs the stack policies, ends the turn. */
    finish(plan: StackPlan): Promise<StackEvaluation>;
    /** Resources added and not yet judged. */
    readonly backlog: number;
}

/**
 * Starts judging a stack. The pack may still be starting, being configured or judging another stack: resources
 * wait for a turn. The first failure (of the pack, of its start or configuration) stops further requests and is
 * what `finish` rejects with.
 */
export function judgeStack(lease: PackLease): StackJudge {
    const byUrn = new Map<string, PlannedResource>();
    // Resources in registration order; those from `next` on are still to be sent.
    const queue: PlannedResource[] = [];
    let next = 0;
    // By registration order, whatever order the pack answers in.
    const perResource: RawFinding[][] = [];
    const remediations: (Remediation | undefined)[] = [];
    const remediatedInputs = new Map<string, Record<string, unknown>>();
    // The pack while this stack has a turn.
    let held: ConfiguredPack | undefined;
    let asking = false;
    let finishing = false;
    let failure: unknown;
    let inFlight = 0;
    let idle: (() => void) | undefined;

    const judge = async ({ pack: p, remediate }: ConfiguredPack, resource: PlannedResource,
                         index: number): Promise<RawFinding[]> => {
        const found: RawFinding[] = [];
        let inputs = resource.inputs;
        if (remediate) {
            const remediation = await p.remediate(analyzerResource(resource, inputs, byUrn));
            found.push(...read(remediation.diagnostics, resource.urn, false));
            if (remediation.properties) {
                remediations[index] = { policy: null, urn: resource.urn, before: inputs, after: remediation.properties };
                inputs = remediation.properties;
                remediatedInputs.set(resource.urn, inputs);
            }
        }
        found.push(...read(await p.analyze(analyzerResource(resource, inputs, byUrn)), resource.urn, false));
        return found;
    };

    const toSend = () => (finishing ? Infinity : queue.length - next);

    const pump = () => {
        if (!held && !asking && failure === undefined && (next < queue.length || finishing)) {
            asking = true;
            lease.acquire(toSend, pump).then(p => { held = p; }, err => { failure ??= err; })
                .finally(() => { asking = false; pump(); });
            return;
        }
        while (held && failure === undefined && inFlight < IN_FLIGHT && next < queue.length) {
            const index = next++;
            const resource = queue[index];
            inFlight++;
            judge(held, resource, index).then(found => { perResource[index] = found; }, err => { failure ??= err; })
                .finally(() => {
                    inFlight--;
                    pump();
                });
        }
        if (inFlight > 0 || asking) return;
        if (failure !== undefined) {
            idle?.();
        } else if (next === queue.length) {
            if (finishing) {
                if (held) idle?.();
            } else if (held && lease.contended()) {
                // Nothing to send until the program registers more, and another stack has work: its turn.
                held = undefined;
                lease.release();
            }
        }
    };

    return {
        get backlog() {
            return queue.length - next + inFlight;
        },
        add(resource) {
            byUrn.set(resource.urn, resource);
            queue.push(resource);
            if (asking) lease.waiting();
            else pump();
        },
        async finish(plan) {
            const started = Date.now();
            let judged = false;
            try {
                await new Promise<void>(resolve => {
                    idle = resolve;
                    finishing = true;
                    if (asking) lease.waiting();
                    else pump();
                });
                if (failure !== undefined) throw failure;
                const p = held!.pack;
                const final = new Map(plan.resources.map(r => [r.urn, r]));
                const stackResources = plan.resources.map(r => ({
                    ...analyzerResource(r, stackProperties(r, remediatedInputs.get(r.urn)), final),
                    parent: r.parent || undefined,
                    dependencies: [...r.dependencies],
                    propertyDependencies: copyDeps(r.propertyDependencies),
                }));
                const root = plan.resources.find(r => r.parent === "" && r.type === "pulumi:pulumi:Stack");
                const stackFindings = (await p.analyzeStack(stackResources))
                    .filter(d => d.enforcementLevel !== "disabled")
                    .map(d => finding(d, d.urn || root?.urn || "", true));
                judged = true;
                return {
                    findings: [...perResource.flat(), ...stackFindings],
                    remediations: remediations.filter((r): r is Remediation => r !== undefined),
                    remediatedInputs,
                    evaluationMs: Date.now() - started,
                };
            } finally {
                // Only a pack that judged its stack to the end serves another one.
                if (judged) lease.release();
                held = undefined;
            }
        },
    };
}

/** Judges a complete plan: every resource, then the stack (the streaming judge, fed all at once). */
export function evaluateStack(pack: PolicyPack, plan: StackPlan, remediate = true): Promise<StackEvaluation> {
    const judge = judgeStack(soleLease(Promise.resolve({ pack, remediate })));
    for (const r of plan.resources) judge.add(r);
    return judge.finish(plan);
}

function read(diagnostics: readonly Diagnostic[], urn: string, stackPolicy: boolean): RawFinding[] {
    // The engine reports a resource's diagnostics under the resource's own URN, whatever the pack said.
    return diagnostics.filter(d => d.enforcementLevel !== "disabled").map(d => finding(d, urn, stackPolicy));
}

function finding(d: Diagnostic, urn: string, stackPolicy: boolean): RawFinding {
    return {
        policy: d.policyName,
        level: levelOf(d.enforcementLevel),
        urn,
        message: d.message,
        pack: `${d.policyPackName}@${d.policyPackVersion}`,
        description: d.description || undefined,
        stackPolicy,
    };
}

export function levelOf(level: EnforcementLevel): "mandatory" | "advisory" {
    return level === "mandatory" || level === "remediate" ? "mandatory" : "advisory";
}

/** What the engine's snapshot holds as a resource's properties for analyzeStack during a preview. */
function stackProperties(r: PlannedResource, remediated?: Record<string, unknown>): Record<string, unknown> {
    if (!r.custom || !remediated) return r.outputs;
    const outputs = { ...remediated };
    for (const key of r.options.additionalSecretOutputs) if (key in outputs) outputs[key] = secret(outputs[key]);
    return outputs;
}

function copyDeps(deps: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
    return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, [...v]]));
}

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration ("1h30m", "90s") in seconds, as the engine passes custom timeouts to analyzers. */
export function durationSeconds(text: string): number | undefined {
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map(p => p[0]).join("") !== text) return undefined;
    return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0);
}

function seconds(t: PlannedResource["options"]["customTimeouts"]) {
    if (!t) return undefined;
    const out: { create?: number; update?: number; delete?: number; read?: number } = {};
    for (const key of ["create", "update", "delete", "read"] as const) {
        const value = t[key] === undefined ? undefined : durationSeconds(t[key]!);
        if (value !== undefined) out[key] = value;
    }
    return Object.keys(out).length ? out : undefined;
}

export function analyzerResource(r: PlannedResource, properties: Record<string, unknown>,
                                 byUrn: ReadonlyMap<string, PlannedResource>): AnalyzerResource {
    const providerUrn = r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : "";
    const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        properties,
        options: {
            protect: r.options.protect,
            ignoreChanges: [...r.options.ignoreChanges],
            aliases: [...r.options.aliases],
            parent: r.parent || undefined,
            deleteBeforeReplace: r.options.deleteBeforeReplace,
            additionalSecretOutputs: [...r.options.additionalSecretOutputs],
            customTimeouts: seconds(r.options.customTimeouts),
        },
        provider: provider ? { urn: provider.urn, type: provider.type, name: provider.name, properties: provider.inputs } : undefined,
    } as AnalyzerResource;
}
