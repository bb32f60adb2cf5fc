// The pack hands every policy reading a resource the SAME deserialised value (policies/framework/decode-once.ts).
// That is sound only if no policy of the pack ever modifies what it reads. This test runs the pack's real policies
// in-process, through @pulumi/policy's own server handlers (Configure, ConfigureStack, Analyze, AnalyzeStack, as
// the pack process serves them), over the requests the offline engine sends for the warehouse's three stacks, and
// checks that every value the shared deserializeProperties handed out is, after every policy call, still what it
// was when it was first handed out. A policy that writes into its props (the last test) is caught by name.

import * as fs from "fs";
import * as path from "path";
import type { Diagnostic, PackInfo, PolicyPack } from "../../engine/policy/analyzer";
import { reconcileConfig } from "../../engine/policy/analyzer";
import { analyzeRequest, analyzeStackRequest } from "../../engine/policy/analyzer-wire";
import { evaluateStack } from "../../engine/policy/evaluate";
import { loadPolicyConfig } from "../../engine/policy/policy-config";
import { planStack } from "../../engine/program/program-runner";
import { resolveTargets } from "../../engine/program/targets";
import { mapLimit, programConcurrency } from "../../engine/pool";
import type { StackPlan } from "../../engine/plan";
import type { StackTarget } from "../../engine/program/targets";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "../../policies/pack";
import { withConfigGuard } from "../../policies/framework/config-guard";
import { decodeOnce, deserializeModule } from "../../policies/framework/decode-once";
import { PACK_DIR } from "./support";
import { CORPUS, CORPUS_NOW } from "./corpus";

const ROOT = path.resolve(__dirname, "../..");
const STACKS = ["azure-prod", "ovh-rehearsal", "cloudtemple-rehearsal"];
const PACK_VERSION: string = require(path.join(PACK_DIR, "package.json")).version;

const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
const fromPolicy = (id: string) => require(require.resolve(id, { paths: [policyDir] }));
const apb = fromPolicy("@pulumi/pulumi/proto/analyzer_pb");
const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb",
    { paths: [path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] }))] }));
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

// ---- What the pack reads, and whether it is still what it was -------------------------------------------------

/** A deep copy keeping prototypes (asset objects) and extensibility, unlike structuredClone. */
function snapshot(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    const copy: any = Array.isArray(value) ? [] : Object.create(Object.getPrototypeOf(value));
    for (const key of Reflect.ownKeys(value)) copy[key] = snapshot((value as any)[key]);
    if (!Object.isExtensible(value)) Object.preventExtensions(copy);
    return copy;
}

/** Where `now` differs from `then` (its snapshot), as `path: what changed`. */
function differences(now: unknown, then: unknown, at: string, out: string[]): string[] {
    if (out.length >= 10) return out;
    if (then === null || typeof then !== "object" || now === null || typeof now !== "object") {
        if (!Object.is(now, then)) out.push(`${at}: ${JSON.stringify(then)} became ${JSON.stringify(now)}`);
        return out;
    }
    if (Array.isArray(then) !== Array.isArray(now) || Object.getPrototypeOf(then) !== Object.getPrototypeOf(now)) {
        out.push(`${at}: its type changed`);
        return out;
    }
    if (Object.isExtensible(then) !== Object.isExtensible(now)) out.push(`${at}: was frozen, sealed or made non-extensible`);
    const before = Reflect.ownKeys(then);
    const after = new Set(Reflect.ownKeys(now));
    for (const key of before) {
        if (!after.delete(key)) out.push(`${at}.${String(key)}: deleted`);
        else differences((now as any)[key], (then as any)[key], `${at}.${String(key)}`, out);
    }
    for (const key of after) out.push(`${at}.${String(key)}: added (${JSON.stringify((now as any)[key])})`);
    return out;
}

interface Handout {
    readonly value: object;
    /** As first handed out. */
    readonly first: unknown;
    /** As the last policy call left it (a change is reported once, against the policy that made it). */
    last: unknown;
    readonly label: string;
    readers: number;
}

/** The values a policy call was handed: its resource's (or every resource's) props and provider props. */
function valuesRead(args: any): object[] {
    const resources: any[] = args?.resources ?? [args];
    return resources.flatMap(r => [r?.props, r?.provider?.props]).filter(p => p).map(p => p[PROXY_TARGET]);
}
const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * Records every value the shared deserializeProperties hands out (snapshotted when first handed out), and checks
 * after each policy call that the values it was handed are unchanged. Requests are served concurrently (the engine
 * keeps several in flight), so a call's values are found from its arguments, not from the request last begun.
 */
class ReadOnlyChecker {
    readonly handouts = new Map<object, Handout>();
    /** Which request and resource (or provider) each property Struct came from, for the report. */
    private readonly names = new WeakMap<object, string>();
    readonly modified: string[] = [];
    readonly calls = new Map<string, number>();

    constructor() {
        const module = deserializeModule();
        const shared = module.deserializeProperties;
        module.deserializeProperties = Object.assign((struct: object, proxySecrets: boolean) => {
            const value = shared(struct, proxySecrets) as object;
            if (proxySecrets) return value;
            const known = this.handouts.get(value);
            if (known) {
                known.readers++;
            } else {
                const first = snapshot(value);
                this.handouts.set(value, { value, first, last: first, label: this.names.get(struct) ?? "(unnamed)", readers: 1 });
            }
            return value;
        }, shared);
    }

    reset(): void {
        this.handouts.clear();
        this.modified.length = 0;
        this.calls.clear();
    }

    /** Names the property Structs of a request's resources (and their providers), for the report. */
    name(request: string, resources: any[]): void {
        for (const r of resources) {
            this.names.set(r.getProperties(), `${request}: ${r.getUrn()}`);
            const provider = r.getProvider();
            if (provider) this.names.set(provider.getProperties(), `${request}: ${provider.getUrn()} (provider of ${r.getUrn()})`);
        }
    }

    /** A policy's validation function, checked after each call (its pulumi type filter kept). */
    watch<F extends (...args: any[]) => unknown>(policy: string, validate: F): F {
        const watched = async (...args: any[]) => {
            this.calls.set(policy, (this.calls.get(policy) ?? 0) + 1);
            try {
                return await validate(...args);
            } finally {
                for (const value of valuesRead(args[0])) {
                    const h = this.handouts.get(value);
                    if (!h) {
                        this.modified.push(`${policy} was handed a value the shared deserializeProperties did not hand out`);
                        continue;
                    }
                    const changes = differences(h.value, h.last, "props", []);
                    if (changes.length > 0) {
                        this.modified.push(`${policy} modified what it read (${h.label}):\n    ${changes.join("\n    ")}`);
                        h.last = snapshot(h.value);
                    }
                }
            }
        };
        return Object.assign(watched, validate) as unknown as F;
    }

    /** Every value handed out, compared with its first snapshot once everything has run. */
    changedSinceFirstRead(): string[] {
        return [...this.handouts.values()].flatMap(h => {
            const changes = differences(h.value, h.first, "props", []);
            return changes.length ? [`${h.label}: ${changes.join("; ")}`] : [];
        });
    }
}

// ---- The pack, served in-process ------------------------------------------------------------------------------

type Handler = (call: { request: unknown }, callback: (err: unknown, response?: any) => void) => unknown;

/** Calls one of the server's handlers as gRPC would, with a request decoded by the server's own classes. */
function call(handler: Handler, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
        handler({ request }, (err, response) => err ? reject(err) : resolve(response));
    });
}

function diagnostics(response: any): Diagnostic[] {
    return response.getDiagnosticsList().map((d: any) => ({
        policyName: d.getPolicyname(), policyPackName: d.getPolicypackname(), policyPackVersion: d.getPolicypackversion(),
        message: d.getMessage(), urn: d.getUrn() || undefined, enforcementLevel: LEVELS[d.getEnforcementlevel()],
    }));
}

interface InProcessPack {
    readonly pack: PolicyPack;
    configure(userConfig: Record<string, unknown>): Promise<void>;
    configureStack(target: StackTarget): Promise<void>;
}

/**
 * The pack as index.ts builds it (decodeOnce, then the config guard around @pulumi/policy's `serve`), with its
 * gRPC server neither bound nor started: its handlers are called directly. `extra` policies run after the pack's.
 */
function servePack(checker: ReadOnlyChecker, extra: typeof policies = []): InProcessPack {
    const grpc = fromPolicy("@grpc/grpc-js");
    const server = require(path.join(policyDir, "server"));
    const watched = [...policies, ...extra].map(p => {
        const q: any = { ...p };
        if (q.validateResource) {
            q.validateResource = Array.isArray(q.validateResource)
                ? q.validateResource.map((v: any) => checker.watch(p.name, v))
                : checker.watch(p.name, q.validateResource);
        }
        if (q.validateStack) q.validateStack = checker.watch(p.name, q.validateStack);
        return q;
    });
    let handlers: Record<string, Handler> | undefined;
    const { addService, bindAsync } = grpc.Server.prototype;
    grpc.Server.prototype.addService = function (_service: unknown, implementation: Record<string, Handler>) { handlers = implementation; };
    grpc.Server.prototype.bindAsync = function () { /* never listens */ };
    try {
        withConfigGuard(watched, () => server.serve(PACK_NAME, PACK_VERSION, PACK_ENFORCEMENT_LEVEL, { policies: watched }));
    } finally {
        grpc.Server.prototype.addService = addService;
        grpc.Server.prototype.bindAsync = bindAsync;
    }
    const h = handlers!;
    const info: PackInfo = {
        name: PACK_NAME, version: PACK_VERSION, initialConfig: {},
        policies: watched.map(p => ({
            name: p.name, description: p.description, enforcementLevel: p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL,
            configSchema: p.configSchema as any,
        })),
    };
    const pack = {
        async analyze(r: Parameters<typeof analyzeRequest>[0]) {
            const request = apb.AnalyzeRequest.deserializeBinary(analyzeRequest(r));
            checker.name("analyze", [request]);
            return diagnostics(await call(h.analyze, request));
        },
        async analyzeStack(resources: Parameters<typeof analyzeStackRequest>[0]) {
            const request = apb.AnalyzeStackRequest.deserializeBinary(analyzeStackRequest(resources));
            checker.name("analyzeStack", request.getResourcesList());
            return diagnostics(await call(h.analyzeStack, request));
        },
    } as unknown as PolicyPack;
    return {
        pack,
        async configure(userConfig) {
            // As the engine does (engine/policy/analyzer.ts configure): defaults reconciled, then sent as protobuf.
            const req = new apb.ConfigureAnalyzerRequest();
            for (const [name, c] of Object.entries(reconcileConfig(info, userConfig))) {
                const pc = new apb.PolicyConfig();
                pc.setEnforcementlevel(LEVELS.indexOf(c.enforcementLevel as typeof LEVELS[number]));
                pc.setProperties(structPb.Struct.fromJavaScript(c.properties));
                req.getPolicyconfigMap().set(name, pc);
            }
            await call(h.configure, apb.ConfigureAnalyzerRequest.deserializeBinary(req.serializeBinary()));
        },
        async configureStack(target) {
            // As the CLI does for a check (engine/run.ts checkTargets).
            const req = new apb.AnalyzerStackConfigureRequest();
            req.setProject(target.project.name);
            req.setStack(target.stack);
            req.setOrganization("organization");
            req.setDryRun(true);
            for (const [k, v] of Object.entries(target.config)) req.getConfigMap().set(k, v);
            req.setConfigSecretKeysList([...target.secretKeys]);
            await call(h.configureStack, apb.AnalyzerStackConfigureRequest.deserializeBinary(req.serializeBinary()));
        },
    };
}

// ---- The stacks -----------------------------------------------------------------------------------------------

/** A policy that writes into what it reads: disabled unless a test turns it on. */
const WRITER = "writes-its-props";
const writer: any = {
    name: WRITER, description: "Tags every resource it reads.", enforcementLevel: "disabled",
    validateResource: (args: any) => {
        if (args.props.tags && typeof args.props.tags === "object") args.props.tags.checkedBy = "writer";
        else args.props.checkedBy = "writer";
    },
};

/** What the pack is run on: a planned program, the config the CLI would send with it. */
interface Input {
    readonly target: StackTarget;
    readonly plan: StackPlan;
    readonly policyConfig: Record<string, unknown>;
}

/** The warehouse's stacks, with outputs predicted (as `npm start` checks them) and left unknown (as a real preview). */
const STACK_INPUTS = STACKS.flatMap(stack => [`${stack} (predicted outputs)`, `${stack} (unknown outputs)`]);
/** The corpus's pass and fail twins (tests/policies/corpus.test.ts), judged on its date. */
const CORPUS_FAMILIES = fs.readdirSync(CORPUS).filter(f => fs.existsSync(path.join(CORPUS, f, "Pulumi.yaml"))).sort();

interface Program { readonly label: string; readonly target: StackTarget; readonly predict: boolean; readonly policyConfig: Record<string, unknown> }

function programs(label: (stack: string) => string, programDir: string, stacks: string[], predict: boolean,
                  policyConfig: (stack: string) => Record<string, unknown>): Program[] {
    return resolveTargets(programDir, stacks, {}).map(target =>
        ({ label: label(target.stack), target, predict, policyConfig: policyConfig(target.stack) }));
}

// @pulumi/policy serves one pack per process (a second `serve` exits): one server for the file.
let checker: ReadOnlyChecker;
let served: InProcessPack;
let inputs: Map<string, Input>;
beforeAll(async () => {
    decodeOnce();
    checker = new ReadOnlyChecker();
    served = servePack(checker, [writer]);
    const corpusConfig = () => Object.fromEntries(policies.map(p => [p.name, { now: CORPUS_NOW }]));
    const stackConfig = (stack: string) => loadPolicyConfig(PACK_DIR, stack).config;
    const all = [
        ...programs(s => `${s} (predicted outputs)`, ROOT, STACKS, true, stackConfig),
        ...programs(s => `${s} (unknown outputs)`, ROOT, STACKS, false, stackConfig),
        ...CORPUS_FAMILIES.flatMap(f => programs(() => `corpus ${f}`, path.join(CORPUS, f), [], true, corpusConfig)),
    ];
    // As the CLI plans: as many programs (child processes) at once as the machine has cores.
    inputs = new Map(await mapLimit(all, programConcurrency(process.env), async (p): Promise<[string, Input]> =>
        [p.label, { target: p.target, plan: await planStack(p.target, { predict: p.predict }), policyConfig: p.policyConfig }]));
}, 240000);
beforeEach(() => checker.reset());

async function judge(input: Input, extraConfig: Record<string, unknown> = {}): Promise<void> {
    await served.configure({ ...input.policyConfig, ...extraConfig });
    await served.configureStack(input.target);
    // No policy of the pack remediates, so the CLI sends no Remediate (engine/policy/evaluate.ts).
    await evaluateStack(served.pack, input.plan, false);
}

test.each([...STACK_INPUTS, ...CORPUS_FAMILIES.map(f => `corpus ${f}`)])("no policy modifies what it reads: %s", async label => {
    const input = inputs.get(label)!;
    await judge(input);
    expect(checker.modified).toEqual([]);
    expect(checker.changedSinceFirstRead()).toEqual([]);

    // The check watched what matters: every policy of the pack ran, and each value was read by several policies
    // (the same object: were the runtime to convert per policy again, every value would have one reader).
    expect(policies.filter(p => !checker.calls.get(p.name)).map(p => p.name)).toEqual([]);
    expect(checker.calls.get(WRITER)).toBeUndefined();
    expect(checker.handouts.size).toBeGreaterThanOrEqual(2 * input.plan.resources.length);
    expect([...checker.handouts.values()].filter(h => h.readers < 2).map(h => h.label)).toEqual([]);
});

test("a policy writing into its props through the runtime's proxy is caught, by name", async () => {
    const input = inputs.get(STACK_INPUTS[2])!;
    await judge({ ...input, plan: { ...input.plan, resources: input.plan.resources.slice(0, 5) } }, { [WRITER]: "advisory" });
    expect(checker.modified.length).toBeGreaterThan(0);
    expect(checker.modified.every(m => m.startsWith(`${WRITER} modified what it read (analyze: urn:pulumi:`))).toBe(true);
    expect(checker.modified.join("\n")).toMatch(/\.checkedBy: added \("writer"\)/);
    expect(checker.changedSinceFirstRead().length).toBe(checker.modified.length);
});
