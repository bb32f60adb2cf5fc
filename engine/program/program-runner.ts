// Runs a stack's program in a child Node process (host/language-host.js): the program's own @pulumi/pulumi, a
// fresh module registry and global state per stack, and stacks in parallel on as many cores as there are.

import { fork } from "child_process";
import * as path from "path";
import { ExternalError, oneLine, programErrorSummary } from "../errors";
import type { InvokeRecord, PlannedResource, StackPlan } from "../plan";
import { DefaultProviders, RawRegistration } from "./providers";
import type { StackTarget } from "./targets";
import { ROOT_STACK_TYPE } from "../plan";

const HOST = path.join(__dirname, "host", "language-host.js");

export interface RunSettings {
    /** Run as a preview (unknown outputs stay unknown), as `pulumi preview` does. Default true. */
    readonly preview?: boolean;
    /** The caller's environment; PULUMI_NODEJS_TRANSPILE_ONLY there wins over our default. */
    readonly env?: NodeJS.ProcessEnv;
    /**
     * Predict the outputs a provider derives from inputs alone (resource ids, Key Vault URIs...) instead of leaving
     * them unknown as a real preview does (host/predictions.js). Default true.
     */
    readonly predict?: boolean;
    /** Milliseconds before a program is stopped. */
    readonly timeoutMs?: number;
    /**
     * Called with each resource, in registration order, as soon as the program registers it (default providers
     * included): what the engine's analyzers see during a preview. The resource's inputs are final; a component's
     * outputs come with the plan.
     */
    readonly onResource?: (resource: PlannedResource) => void;
}

/** What the host streams while the program runs (see host/language-host.js). */
/** A registration as the language host sends it: see fromTheWire. */
type WireRegistration = RawRegistration | (Omit<RawRegistration, "outputs"> & { outputsBeyondInputs: Record<string, unknown> });
type HostEvent = { resource: WireRegistration } | { urn: string; outputs: Record<string, unknown> };

/**
 * A registration whole again: the host sends a preview's outputs as the inputs they equal, and only the outputs
 * beyond them (host/language-host.js, onTheWire). Same keys in the same order as the host's.
 */
export function fromTheWire(r: WireRegistration): RawRegistration {
    if (!("outputsBeyondInputs" in r)) return r;
    const { outputsBeyondInputs, ...rest } = r;
    return { ...rest, outputs: { ...r.inputs, ...outputsBeyondInputs } };
}

interface HostAnswer {
    ok: boolean;
    result?: { runtime: { dir: string; version: string };
               invokes: InvokeRecord[]; programMs: number };
    error?: { kind: string; name?: string; message: string; where?: string; missing?: MissingKey[] };
}

/** A configuration key the program requires and the stack does not set. */
export interface MissingKey {
    readonly key: string;
    /** Asked for with `requireSecret*` (a `secure:` value in a stack file). */
    readonly secret: boolean;
}

/**
 * Every missing key in one line, each with the flag that sets it for this command (the CLI's `--config` reaches
 * the program as stack config does; `pulumi config set` would write a stack file this check may not be run from).
 */
export function missingConfigMessage(keys: readonly MissingKey[]): string {
    const n = keys.length;
    const names = keys.map(k => `${k.key}${k.secret ? " (secret)" : ""}`).join(", ");
    const flags = keys.map(k => `--config ${k.key}=VALUE`).join(" ");
    return `missing configuration (${n} key${n === 1 ? "" : "s"}): ${names}; set ${n === 1 ? "it" : "them"} with ${flags}`;
}

/** The environment the Node language host gives a program (see @pulumi/pulumi cmd/run). */
export function languageHostEnv(target: StackTarget, preview: boolean, env: NodeJS.ProcessEnv): Record<string, string> {
    const { project } = target;
    const transpileOnly = env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "true";
    const vars: Record<string, string> = {
        PULUMI_NODEJS_PROJECT: project.name,
        PULUMI_NODEJS_STACK: target.stack,
        PULUMI_NODEJS_ORGANIZATION: env.PULUMI_NODEJS_ORGANIZATION ?? "organization",
        PULUMI_NODEJS_ROOT_DIRECTORY: project.dir,
        PULUMI_NODEJS_DRY_RUN: String(preview),
        PULUMI_NODEJS_TYPESCRIPT: String(project.runtimeOptions.typescript),
        // Pulumi type-checks unless told not to; offline we transpile only (seconds instead of tens of seconds)
        // and leave the type check to `tsc`. PULUMI_NODEJS_TRANSPILE_ONLY=false restores Pulumi's default.
        PULUMI_NODEJS_TRANSPILE_ONLY: transpileOnly,
        // A `"type": "module"` program is compiled by ts-node in Node's loader thread (the runtime's cmd/run/hooks.js),
        // which registers ts-node before the runtime's options reach it: there ts-node reads its settings from its
        // own environment variables only, so this one carries the same choice (measured, CPU of a two-resource ESM
        // program: 7.0 s type-checked, 2.8 s transpiled). A program's tsconfig `"ts-node"` section still wins.
        TS_NODE_TRANSPILE_ONLY: env.TS_NODE_TRANSPILE_ONLY ?? transpileOnly,
    };
    if (project.runtimeOptions.tsconfig) vars.PULUMI_NODEJS_TSCONFIG_PATH = project.runtimeOptions.tsconfig;
    return vars;
}

export async function planStack(target: StackTarget, settings: RunSettings = {}): Promise<StackPlan> {
    const started = Date.now();
    const preview = settings.preview ?? true;
    const env = settings.env ?? process.env;
    const job = {
        programDir: target.project.dir,
        entry: target.project.main ?? ".",
        project: target.project.name,
        stack: target.stack,
        organization: env.PULUMI_NODEJS_ORGANIZATION ?? "organization",
        preview,
        predict: settings.predict ?? true,
        config: target.config,
        secretKeys: target.secretKeys,
        env: languageHostEnv(target, preview, env),
    };
    const providers = new DefaultProviders(target.stack, target.project.name, target.config, target.secretKeys, preview);
    const resources: PlannedResource[] = [];
    const at = new Map<string, number>();
    const remote: string[] = [];
    const predicted = { resources: 0, placeholders: new Set<string>() };
    const onEvents = (events: HostEvent[]) => {
        for (const event of events) {
            if ("resource" in event) {
                const registration = fromTheWire(event.resource);
                if (registration.remote) remote.push(registration.type);
                if (registration.predicted?.length) {
                    predicted.resources++;
                    for (const p of registration.predictionPlaceholders ?? []) predicted.placeholders.add(p);
                }
                for (const r of providers.add(registration)) {
                    at.set(r.urn, resources.length);
                    resources.push(r);
                    settings.onResource?.(r);
                }
            } else {
                const i = at.get(event.urn);
                if (i !== undefined) resources[i] = { ...resources[i], outputs: event.outputs };
            }
        }
    };
    const answer = await runHost(job, target, settings.timeoutMs ?? 300_000, env, onEvents);
    const where = `stack ${target.stack}`;
    if (!answer.ok || !answer.result) {
        const e = answer.error ?? { kind: "host", message: "no answer from the program process" };
        if (e.missing?.length) {
            // The program stops at its first missing key; a second run lists them all (host/missing-config.js).
            const again = await runHost({ ...job, collectMissingConfig: true }, target, settings.timeoutMs ?? 300_000,
                env, () => undefined);
            const keys = [...(again.error?.missing ?? [])];
            for (const k of e.missing) if (!keys.some(m => m.key === k.key)) keys.unshift(k);
            throw new ExternalError(`${where}: ${missingConfigMessage(keys)}`);
        }
        const at = e.where ? ` (at ${e.where})` : "";
        const label = e.kind === "program" ? "program failed" : e.kind === "engine" ? "engine refused the program" : "cannot run the program";
        throw new ExternalError(`${where}: ${label}: ${programErrorSummary(e.message)}${at}`);
    }
    const { result } = answer;
    const root = resources.find(r => r.type === ROOT_STACK_TYPE && r.parent === "");
    return {
        stack: target.stack,
        project: target.project.name,
        programDir: target.project.dir,
        stackFile: target.stackFile ? path.relative(target.project.dir, target.stackFile) : null,
        runtime: result.runtime,
        resources,
        outputs: root?.outputs ?? {},
        invokes: result.invokes,
        notes: [...fidelityNotes(result, remote, resources), ...predictionNotes(predicted)],
        timings: { programMs: result.programMs, totalMs: Date.now() - started },
    };
}

function fidelityNotes(result: NonNullable<HostAnswer["result"]>, remoteTypes: readonly string[],
                       resources: readonly PlannedResource[]): string[] {
    const notes: string[] = [];
    const tokens = (source: string) => [...new Set(result.invokes.filter(i => i.source === source).map(i => i.token))];
    const placeholders = tokens("placeholder");
    const empty = tokens("none");
    if (placeholders.length) notes.push(`invokes answered with placeholders (set the provider config to use real values): ${placeholders.join(", ")}`);
    notes.push(...tokens("unknown").map(token => unansweredNote(token, resources)));
    if (empty.length) notes.push(`invokes with no offline answer (empty result: this program's @pulumi/pulumi is too old to make it unknown): ${empty.join(", ")}`);
    if (remoteTypes.length) {
        notes.push(`multi-language components, whose children cannot be planned offline: ${[...new Set(remoteTypes)].join(", ")}`);
    }
    return notes;
}

function predictionNotes(p: { resources: number; placeholders: ReadonlySet<string> }): string[] {
    if (p.resources === 0) return [];
    const notes = [`outputs of ${p.resources} resource${p.resources === 1 ? "" : "s"} predicted from their inputs, as the ` +
        "provider derives them (resource ids, Key Vault and key URIs, storage endpoints): a real preview leaves them " +
        "unknown; rules judged the predicted values (resources[].predicted in the JSON report)"];
    if (p.placeholders.size > 0) {
        notes.push(`predicted ids use a placeholder for ${[...p.placeholders].join(", ")} (set it in the stack's config for the real values)`);
    }
    return notes;
}

/** The "cannot verify" note of one unanswered invoke: what it is, and every resource input it feeds. */
export function unansweredNote(token: string, resources: readonly PlannedResource[]): string {
    const fed = resources.flatMap(r => {
        const keys = Object.entries(r.unansweredInputs ?? {}).filter(([, ts]) => ts.includes(token)).map(([k]) => k);
        return keys.length ? [`${r.type} ${r.name} (${keys.join(", ")})`] : [];
    });
    const what = HELM_TEMPLATE === token
        ? "a Helm chart (v3 Chart) is rendered by the Kubernetes provider's own Helm, which is not here: the chart's " +
          "objects are not planned and none of them is judged"
        : `invoke ${token} has no offline answer, so its result is unknown, as a preview shows a value it cannot know`;
    const feeds = fed.length ? `; it feeds ${fed.join("; ")}` : token === HELM_TEMPLATE ? "" : "; it feeds no resource input";
    return `cannot verify: ${what}${feeds}`;
}

/** The invoke through which `kubernetes:helm.sh/v3:Chart` renders its chart. */
const HELM_TEMPLATE = "kubernetes:helm:template";

function runHost(job: unknown, target: StackTarget, timeoutMs: number, env: NodeJS.ProcessEnv,
                 onEvents: (events: HostEvent[]) => void): Promise<HostAnswer> {
    return new Promise((resolve, reject) => {
        // A larger young generation halves the time the program spends collecting garbage (measured: 1.4 s -> 0.9 s
        // on the Azure stack). 32 MB, not 64: as fast on Node 20 and 24, and on Node 24 the Azure program at 500
        // projects peaks at 860 MB instead of 1.09 GB (docs/benchmark.md, item 15). One GC thread: programs already
        // run one per core, and V8's helper threads then only compete with them (measured on 2 cores: a quarter less
        // CPU for the same wall time). The project's own `nodeargs` come after, so they win.
        const nodeargs = ["--max-semi-space-size=32", "--single-threaded-gc",
            ...(target.project.runtimeOptions.nodeargs?.split(/\s+/).filter(Boolean) ?? [])];
        // The stack's name as the only argument: ignored by the host, it tells `ps` (and the benchmark) which is which.
        const child = fork(HOST, [target.stack], {
            cwd: target.project.dir,
            env: { ...env },
            execArgv: nodeargs,
            stdio: ["ignore", "pipe", "pipe", "ipc"],
            serialization: "advanced",
        });
        let answer: HostAnswer | undefined;
        let output = "";
        const keep = (d: Buffer) => { output = (output + d.toString()).slice(-8_000); };
        child.stdout!.on("data", keep);
        child.stderr!.on("data", keep);
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new ExternalError(`stack ${target.stack}: the program did not finish within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        child.on("message", (m: HostAnswer | { events: HostEvent[] }) => {
            if ("events" in m) {
                // A listener that throws (a bug of ours) must not leave the program running unwatched.
                try {
                    if (!answer) onEvents(m.events);
                } catch (err) {
                    child.kill("SIGKILL");
                    reject(err);
                }
            } else {
                answer = m;
            }
        });
        child.on("error", err => { clearTimeout(timer); reject(err); });
        child.on("exit", (code, signal) => {
            clearTimeout(timer);
            if (answer) return resolve(answer);
            // The runtime exits by itself when it cannot find the entry point; its explanation is on stderr.
            const said = output.split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("at ")).slice(-3).join("; ");
            // A signal leaves no exit code: the out-of-memory killer's SIGKILL is the usual one on a CI runner.
            const how = signal ? `its process was killed by ${signal}${signal === "SIGKILL" ? " (the kernel sends it when memory runs out)" : ""}`
                : `exited with code ${code}`;
            resolve({ ok: false, error: { kind: "program", message: `${how}${said ? `: ${said}` : ""}` } });
        });
        child.send({ job });
    });
}
