// A client for a Pulumi policy pack, started and driven the way the Pulumi CLI does it: the pack runs in its own
// process (`node <@pulumi/pulumi>/cmd/run-policy-pack <engine> <dir>`), prints its gRPC port, and answers the
// Analyzer service. Configuration is reconciled here as the engine does (pkg/resource/analyzer/config.go): schema
// defaults, then the pack's initial config, then the user's "all" level, then per-policy settings, validated
// against each policy's JSON schema.

import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import Ajv, { ValidateFunction } from "ajv";
import { AnalyzerResource, analyzeRequest, analyzeStackRequest } from "./analyzer-wire";
import { UnaryChannel } from "./grpc-unary";
import { didYouMean } from "../suggest";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type Severity = "" | "low" | "medium" | "high" | "critical";

/** Preloaded into the pack's process: the runtime's function serialisation loads only if a policy uses it. */
const PACK_PRELOAD = path.join(__dirname, "pack-preload.js");
/** Preloaded too when the pack runs precompiled: ts-node and TypeScript load only if a TypeScript file is required. */
const PRECOMPILED_PRELOAD = path.join(__dirname, "precompiled-pack.js");
/** Enforcement levels in the order of the protobuf enum. */
const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const SEVERITIES: readonly Severity[] = ["", "low", "medium", "high", "critical"];

export type { AnalyzerResource, CustomTimeouts } from "./analyzer-wire";

export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    message: string;
    urn?: string;
    enforcementLevel: EnforcementLevel;
    description?: string;
    severity?: Severity;
}

export interface PolicyInfo {
    name: string;
    displayName?: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, unknown>; required?: string[] };
    policyType?: "resource" | "stack";
    severity?: Severity;
    remediationSteps?: string;
    framework?: { name: string; version: string; reference: string; specification: string };
    tags?: string[];
    url?: string;
}

export interface PackInfo {
    name: string;
    version: string;
    displayName?: string;
    description?: string;
    policies: PolicyInfo[];
    /** The pack's programmatic config (third argument of `new PolicyPack`), per policy. */
    initialConfig: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>;
}

export interface StackArgs {
    project: string;
    stack: string;
    organization?: string;
    dryRun: boolean;
    tags?: Record<string, string>;
    config?: Record<string, string>;
    configSecretKeys?: string[];
}

/** The pack could not start or refused a request; the message is the pack's own first meaningful line. */
export class PolicyPackError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyPackError";
    }
}

/** A configuration the engine would refuse: names the policy and the key. */
export class PolicyConfigValidationError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid policy configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  ${problems.join("\n  ")}`);
        this.name = "PolicyConfigValidationError";
    }
}

interface Protos { apb: any; grpcPb: any; structPb: any }

/** The protobuf and gRPC modules of the @pulumi/pulumi the pack uses, so messages are of the same classes. */
function protosFor(packDir: string): Protos & { runner: string } {
    const pulumiPkg = require.resolve("@pulumi/pulumi/package.json", { paths: [packDir] });
    const root = path.dirname(pulumiPkg);
    const from = (m: string) => require(require.resolve(m, { paths: [root] }));
    return {
        runner: path.join(root, "cmd", "run-policy-pack"),
        apb: from("@pulumi/pulumi/proto/analyzer_pb"),
        grpcPb: from("@pulumi/pulumi/proto/analyzer_grpc_pb"),
        structPb: from("google-protobuf/google/protobuf/struct_pb"),
    };
}

/** Headers the runner prints before the actual error. */
const GENERIC_HEADERS = [/failed with an unhandled exception:$/, /Unable to compile TypeScript:$/];

/**
 * The first line of a pack's stderr that says what went wrong: not a stack frame, not a blank line, not the
 * runner's generic "Running program ... failed with an unhandled exception:" header.
 */
export function firstMeaningfulLine(stderr: string): string | undefined {
    return stderr.replace(/\u001b\[[0-9;]*m/g, "").split(/\r?\n/).map(l => l.trim())
        .find(l => l !== "" && !l.startsWith("at ") && !/^[~^\s]+$/.test(l) && !/^\S+:\d+$/.test(l) &&
            !GENERIC_HEADERS.some(h => h.test(l)));
}

export interface StartOptions {
    /** Extra environment for the pack process. */
    env?: Record<string, string>;
    /** How long the pack may take to print its port. */
    timeoutMs?: number;
    /**
     * Run the pack's sources transpiled to JavaScript (cached in `<packDir>/bin`, rebuilt when a source is newer)
     * instead of letting the runner type-check them with ts-node: the same runner, working directory and server,
     * about 1 s instead of 5. Type checking is then the job of `npm run typecheck`. Defaults to false.
     */
    precompiled?: boolean;
}

/** The pack's TypeScript sources (not node_modules, not the build output). */
function packSources(dir: string, sub = ""): string[] {
    return fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap(e => {
        const rel = path.join(sub, e.name);
        if (e.isDirectory()) return ["node_modules", "bin"].includes(e.name) || e.name.startsWith(".") ? [] : packSources(dir, rel);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [rel] : [];
    });
}

/** The first word of bin/.built: a build whose stamp has another was made differently (its source maps) and is redone. */
const BUILD_FORMAT = "format-2";

/**
 * Transpiles the pack into `<packDir>/bin` with the pack's own compiler options when any source is newer than the
 * last build, and returns the entry the runner should load (relative to the pack directory).
 */
export function precompilePack(packDir: string): string {
    const out = path.join(packDir, "bin");
    const stamp = path.join(out, ".built");
    const sources = packSources(packDir);
    // A build by an earlier version of this function (another layout of bin/) counts as none.
    const built = fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").startsWith(BUILD_FORMAT) ? fs.statSync(stamp).mtimeMs : 0;
    const tsconfigFile = path.join(packDir, "tsconfig.json");
    const inputs = [...sources.map(f => path.join(packDir, f)), ...(fs.existsSync(tsconfigFile) ? [tsconfigFile] : [])];
    if (inputs.some(f => fs.statSync(f).mtimeMs > built)) {
        const ts = require(require.resolve("typescript", { paths: [packDir] })) as typeof import("typescript");
        const tsconfig = ts.readConfigFile(tsconfigFile, ts.sys.readFile);
        // The runner's ts-node refused to register with a tsconfig in error (an unknown or misspelt option, a bad
        // value), and the pack did not start: so here, before anything is built (ts-node's default filter applied).
        if (fs.existsSync(tsconfigFile)) {
            const parsed = tsconfig.error ? undefined : ts.parseJsonConfigFileContent(tsconfig.config, ts.sys, packDir, undefined, tsconfigFile);
            const errors = (tsconfig.error ? [tsconfig.error] : parsed!.errors).filter(d => ![6059, 18002, 18003].includes(d.code));
            if (errors.length) {
                const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => packDir, getNewLine: () => "\n" };
                throw new PolicyPackError(`policy pack in ${packDir} cannot start: ${ts.formatDiagnostics(errors, host).trim()}`);
            }
        }
        const options = ts.convertCompilerOptionsFromJson(tsconfig.config?.compilerOptions ?? {}, packDir).options;
        fs.rmSync(out, { recursive: true, force: true });
        for (const file of sources) {
            const target = path.join(out, file.replace(/\.ts$/, ".js"));
            const { outputText, sourceMapText } = ts.transpileModule(fs.readFileSync(path.join(packDir, file), "utf8"),
                { compilerOptions: { ...options, sourceMap: true, inlineSourceMap: false }, fileName: file });
            // The source map, inline, names the TypeScript file where it is, so that a policy's stack trace points at
            // it: transpileModule names it beside the output, in bin/ (and source-map-support ignores sourceRoot).
            const map = JSON.parse(sourceMapText!);
            map.sources = [path.relative(path.dirname(target), path.join(packDir, file)).split(path.sep).join("/")];
            const js = outputText.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "") +
                `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}`;
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, js);
        }
        fs.writeFileSync(stamp, `${BUILD_FORMAT} ${new Date().toISOString()}`);
    }
    return "bin";
}

export class PolicyPack {
    private policiesCache?: PackInfo;

    private constructor(
        private readonly proc: ChildProcess,
        private readonly channel: UnaryChannel,
        private readonly protos: Protos,
        /** Milliseconds from spawn to the port being printed. */
        readonly startupMs: number,
        private readonly stderr: () => string,
    ) {}

    static async start(packDir: string, options: StartOptions = {}): Promise<PolicyPack> {
        const dir = path.resolve(packDir);
        const protos = protosFor(dir);
        const entry = options.precompiled ? precompilePack(dir) : ".";
        const started = Date.now();
        const preloads = ["--require", PACK_PRELOAD, ...(options.precompiled ? ["--require", PRECOMPILED_PRELOAD] : [])];
        const proc = spawn(process.execPath, [...preloads, protos.runner, "127.0.0.1:0", entry], {
            cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env },
        });
        let stderr = "";
        proc.stderr!.on("data", d => { stderr += d; });
        const port = await new Promise<number>((resolve, reject) => {
            const lines = readline.createInterface({ input: proc.stdout! });
            const timer = setTimeout(() => {
                proc.kill();
                reject(new PolicyPackError(`policy pack in ${dir} did not start within ${options.timeoutMs ?? 60000} ms`));
            }, options.timeoutMs ?? 60000);
            lines.on("line", line => {
                const n = Number(line.trim());
                if (Number.isInteger(n) && n > 0) { clearTimeout(timer); resolve(n); }
            });
            proc.once("exit", code => {
                clearTimeout(timer);
                reject(new PolicyPackError(`policy pack in ${dir} failed to start (exit ${code}): ` +
                    `${firstMeaningfulLine(stderr) ?? "no error output"}`));
            });
            proc.once("error", e => { clearTimeout(timer); reject(new PolicyPackError(`cannot run the policy pack: ${e.message}`)); });
        });
        return new PolicyPack(proc, new UnaryChannel(`127.0.0.1:${port}`), protos, Date.now() - started, () => stderr);
    }

    /** A call with a request built from the pack's own message classes. */
    private call<T>(method: string, request: { serializeBinary(): Uint8Array }): Promise<T> {
        return this.callEncoded(method, request.serializeBinary());
    }

    /**
     * A call whose request is already encoded (analyzer-wire.ts for the per-resource ones); the answer is decoded by
     * the pack's classes.
     */
    private async callEncoded<T>(method: string, request: Uint8Array): Promise<T> {
        const rpc = this.protos.grpcPb.AnalyzerService[method];
        try {
            return rpc.responseDeserialize(await this.channel.call(rpc.path, request));
        } catch (err) {
            throw new PolicyPackError(`${method} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
    }

    async info(): Promise<PackInfo> {
        if (this.policiesCache) return this.policiesCache;
        const Empty = this.protos.grpcPb.AnalyzerService.getAnalyzerInfo.requestType;
        const info: any = await this.call("getAnalyzerInfo", new Empty());
        const initialConfig: PackInfo["initialConfig"] = {};
        info.getInitialconfigMap().forEach((v: any, k: string) => {
            initialConfig[k] = { enforcementLevel: LEVELS[v.getEnforcementlevel()], properties: v.getProperties()?.toJavaScript() ?? {} };
        });
        const policies: PolicyInfo[] = info.getPoliciesList().map((p: any) => {
            const schema = p.getConfigschema();
            const framework = p.getFramework();
            return {
                name: p.getName(),
                displayName: p.getDisplayname() || undefined,
                description: p.getDescription(),
                enforcementLevel: LEVELS[p.getEnforcementlevel()],
                configSchema: schema ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } : undefined,
                policyType: p.getPolicyType() === 1 ? "resource" : p.getPolicyType() === 2 ? "stack" : undefined,
                severity: SEVERITIES[p.getSeverity()] || undefined,
                remediationSteps: p.getRemediationSteps() || undefined,
                framework: framework ? { name: framework.getName(), version: framework.getVersion(),
                    reference: framework.getReference(), specification: framework.getSpecification() } : undefined,
                tags: p.getTagsList(),
                url: p.getUrl() || undefined,
            };
        });
        this.policiesCache = {
            name: info.getName(), version: info.getVersion(), displayName: info.getDisplayname() || undefined,
            description: info.getDescription() || undefined, policies, initialConfig,
        };
        return this.policiesCache;
    }

    /**
     * Sends the reconciled configuration. `userConfig` is the `--policy-pack-config` file's content:
     * `{ "all": "<level>" | { enforcementLevel }, "<policy>": "<level>" | { enforcementLevel?, ...settings } }`.
     */
    async configure(userConfig: Record<string, unknown> = {}): Promise<Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>> {
        const info = await this.info();
        const reconciled = reconcileConfig(info, userConfig);
        const req = new this.protos.apb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, c] of Object.entries(reconciled)) {
            const pc = new this.protos.apb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(c.enforcementLevel));
            pc.setProperties(this.protos.structPb.Struct.fromJavaScript(c.properties));
            map.set(name, pc);
        }
        await this.call("configure", req);
        return reconciled;
    }

    async configureStack(args: StackArgs): Promise<void> {
        const req = new this.protos.apb.AnalyzerStackConfigureRequest();
        req.setStack(args.stack);
        req.setProject(args.project);
        req.setOrganization(args.organization ?? "");
        req.setDryRun(args.dryRun);
        for (const [k, v] of Object.entries(args.tags ?? {})) req.getTagsMap().set(k, v);
        for (const [k, v] of Object.entries(args.config ?? {})) req.getConfigMap().set(k, v);
        req.setConfigSecretKeysList(args.configSecretKeys ?? []);
        await this.call("configureStack", req);
    }

    private diagnostics(resp: any): Diagnostic[] {
        return resp.getDiagnosticsList().map((d: any) => ({
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: d.getPolicypackversion(),
            message: d.getMessage(),
            urn: d.getUrn() || undefined,
            enforcementLevel: LEVELS[d.getEnforcementlevel()],
            description: d.getDescription() || undefined,
            severity: SEVERITIES[d.getSeverity()] || undefined,
        }));
    }

    /** Runs the pack's remediations; `properties` is set when one changed the resource. */
    async remediate(r: AnalyzerResource): Promise<{ properties?: Record<string, unknown>; diagnostics: Diagnostic[] }> {
        const resp: any = await this.callEncoded("remediate", analyzeRequest(r));
        let properties: Record<string, unknown> | undefined;
        const diagnostics: Diagnostic[] = [];
        const info = await this.info();
        for (const x of resp.getRemediationsList()) {
            if (x.getProperties()) properties = x.getProperties().toJavaScript();
            if (x.getDiagnostic()) {
                diagnostics.push({ policyName: x.getPolicyname(), policyPackName: x.getPolicypackname() || info.name,
                    policyPackVersion: x.getPolicypackversion() || info.version, message: x.getDiagnostic(), urn: r.urn,
                    enforcementLevel: "advisory", description: x.getDescription() || undefined });
            }
        }
        return { properties, diagnostics };
    }

    async analyze(r: AnalyzerResource): Promise<Diagnostic[]> {
        return this.diagnostics(await this.callEncoded("analyze", analyzeRequest(r)));
    }

    async analyzeStack(resources: readonly AnalyzerResource[]): Promise<Diagnostic[]> {
        return this.diagnostics(await this.callEncoded("analyzeStack", analyzeStackRequest(resources)));
    }

    /** What the pack printed on stderr so far (console output of policies). */
    get log(): string {
        return this.stderr();
    }

    async stop(): Promise<void> {
        this.channel.close();
        // A process killed by a signal (the out-of-memory killer's SIGKILL) has no exit code, only a signal: its
        // "exit" has passed, and waiting for it would leave nothing to keep the check's event loop alive.
        if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
        await new Promise<void>(resolve => {
            this.proc.once("exit", () => resolve());
            this.proc.kill();
        });
    }
}

function levelOf(value: unknown, where: string, problems: string[]): EnforcementLevel | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "string" && (LEVELS as readonly string[]).includes(value)) return value as EnforcementLevel;
    problems.push(`${where}: "${String(value)}" is not a valid enforcement level (${LEVELS.join(", ")})`);
    return undefined;
}

const validators = new WeakMap<PackInfo, ValidateFunction>();

/**
 * One validator for every policy's settings (an object per policy, against its schema), compiled once per pack:
 * compiling a schema is most of what validation costs, and a check configures the pack once per distinct config.
 * Packs repeat settings across policies (this repository's 26 policies share their exemptions, clock and
 * unknown-value settings: 100 settings, 17 distinct), so a setting schema that several policies declare is compiled
 * once, as a definition each of them refers to (about a third of the compile time).
 */
function settingsValidator(info: PackInfo): ValidateFunction {
    let validate = validators.get(info);
    if (!validate) {
        const shared = sharedSettings(info);
        const ref = (schema: unknown) => {
            const name = shared.get(JSON.stringify(schema));
            return name ? { $ref: `#/$defs/${name}` } : schema;
        };
        const properties = Object.fromEntries(info.policies.filter(p => p.configSchema).map(p => [p.name, {
            type: "object",
            properties: Object.fromEntries(Object.entries(p.configSchema!.properties ?? {}).map(([k, v]) => [k, ref(v)])),
            ...(p.configSchema!.required?.length ? { required: p.configSchema!.required } : {}),
        }]));
        const $defs = Object.fromEntries([...shared].map(([text, name]) => [name, JSON.parse(text)]));
        validate = new Ajv({ allErrors: true, strict: false, verbose: true, inlineRefs: false })
            .compile({ type: "object", properties, $defs });
        validators.set(info, validate);
    }
    return validate;
}

/** Setting schemas declared by more than one policy, by their JSON text, each with a definition name. */
function sharedSettings(info: PackInfo): Map<string, string> {
    const seen = new Map<string, number>();
    for (const p of info.policies) {
        for (const schema of Object.values(p.configSchema?.properties ?? {})) {
            const text = JSON.stringify(schema);
            seen.set(text, (seen.get(text) ?? 0) + 1);
        }
    }
    const shared = new Map<string, string>();
    for (const [text, count] of seen) if (count > 1) shared.set(text, `setting${shared.size}`);
    return shared;
}

/**
 * The engine's reconciliation: defaults from each policy's schema and level, then the pack's initial config, then
 * the user's config ("all" sets only the enforcement level), then validation of every policy's settings.
 */
export function reconcileConfig(info: PackInfo, userConfig: Record<string, unknown>):
        Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> {
    const problems: string[] = [];
    const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
    for (const p of info.policies) {
        const properties: Record<string, unknown> = {};
        for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
            if (s && typeof s === "object" && "default" in (s as object)) properties[k] = structuredClone((s as any).default);
        }
        result[p.name] = { enforcementLevel: p.enforcementLevel, properties };
    }
    const apply = (config: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>) => {
        const all = config.all;
        if (all?.enforcementLevel) for (const c of Object.values(result)) c.enforcementLevel = all.enforcementLevel;
        for (const [name, given] of Object.entries(config)) {
            const current = result[name] ?? { enforcementLevel: given.enforcementLevel ?? "advisory", properties: {} };
            result[name] = {
                enforcementLevel: given.enforcementLevel ?? current.enforcementLevel,
                properties: { ...current.properties, ...given.properties },
            };
        }
    };
    apply(info.initialConfig);
    const parsed: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> = {};
    const names = info.policies.map(p => p.name);
    for (const [name, value] of Object.entries(userConfig ?? {})) {
        // The engine would pass a name no policy has to the pack, where it changes nothing: a slip, refused here.
        if (name !== "all" && !names.includes(name)) {
            problems.push(`${name}: no such policy in pack ${info.name}${didYouMean(name, names)}; its policies: ${names.join(", ")}`);
            continue;
        }
        if (typeof value === "string") {
            parsed[name] = { enforcementLevel: levelOf(value, name, problems), properties: {} };
        } else if (value && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            parsed[name] = { enforcementLevel: levelOf(enforcementLevel, `${name}.enforcementLevel`, problems), properties };
        } else {
            problems.push(`${name}: ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    apply(parsed);
    const settings = Object.fromEntries(info.policies.filter(p => p.configSchema).map(p => [p.name, result[p.name].properties]));
    const validate = settingsValidator(info);
    if (!validate(settings)) problems.push(...(validate.errors ?? []).map(schemaError));
    if (problems.length > 0) throw new PolicyConfigValidationError(problems);
    return result;
}

/** An ajv error as `<policy>: <setting path> = <value>: <what is allowed>`, the path written as in the file. */
function schemaError(e: import("ajv").ErrorObject): string {
    // The path starts with the policy's name: /<policy>/<key>/..., JSON-pointer escaped.
    const [policy, ...parts] = e.instancePath.split("/").slice(1).map(s => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const at = parts.reduce((out, p) => /^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p, "");
    const value = JSON.stringify(e.data);
    const params = e.params as Record<string, any>;
    switch (e.keyword) {
        case "additionalProperties": {
            const known = Object.keys((e.parentSchema as any)?.properties ?? {});
            const field = String(params.additionalProperty);
            return `${policy}: ${at}: unknown field "${field}"${didYouMean(field, known)}; fields: ${known.join(", ")}`;
        }
        case "required":
            return `${policy}: ${at ? `${at}.` : ""}${params.missingProperty}: required`;
        case "enum":
            return `${policy}: ${at} = ${value}: one of ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(", ")}`;
        default:
            return `${policy}: ${at || "(settings)"} = ${value}: ${e.message}`;
    }
}
