// Runs the warehouse program (or any Pulumi program) under Pulumi's mocks, in a fresh module registry, and
// returns every registration with its parent, options and inputs. Tests assert on what a user would deploy.

import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadProject, loadStackConfig } from "../../engine/program/project";
import { computedOutputs } from "./computed";

export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly custom: boolean;
    readonly parent: string;
    readonly provider: string;
    readonly protect: boolean;
    readonly dependencies: readonly string[];
    /** Per input, the resources it depends on (what links resources during a preview, when ids are unknown). */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** A component's registered outputs (set once it registers them). */
    outputs?: any;
    readonly ignoreChanges: readonly string[];
    /** The `import` option: the id of an existing cloud resource the program adopts ("" when none). */
    readonly importId: string;
    /** Inputs as the program sent them; secrets unwrapped, unknowns (preview) as undefined. */
    readonly inputs: any;
    /** Whether the program marked an input (top-level key) secret. */
    readonly secretInputs: readonly string[];
}

export interface ProgramRun {
    readonly resources: Registered[];
    readonly outputs: Record<string, any>;
    /** Resources of a type, in registration order. */
    ofType(type: string): Registered[];
    /** The one resource of a type whose name ends with `suffix` (throws otherwise). */
    one(type: string, suffix?: string): Registered;
}

export interface RunOptions {
    /** A stack of this project: its stack file and the project-level config. */
    readonly stack?: string;
    /** Config over (or instead of) the stack's: full keys to values; objects are JSON-encoded. */
    readonly config?: Readonly<Record<string, unknown>>;
    /** Keys to remove from the stack's config. */
    readonly unset?: readonly string[];
    readonly preview?: boolean;
    /** Keys the stack file holds as `secure:` that this run gets in plain text instead. */
    readonly plaintext?: readonly string[];
    /** Keys of `config` set as secrets (`pulumi config set --secret`). */
    readonly secrets?: readonly string[];
}

export const ROOT = path.resolve(__dirname, "../..");
const PROJECT = "health-data-warehouse";

/** The config a stack of this project runs with (project-level values, then the stack's). */
export function stackConfig(stack: string): Record<string, string> {
    return { ...loadStackConfig(loadProject(ROOT), stack).values };
}

/** The keys a stack of this project holds as secrets (`secure:`). */
export function stackSecretKeys(stack: string): string[] {
    return [...loadStackConfig(loadProject(ROOT), stack).secretKeys];
}

export async function runWarehouse(options: RunOptions): Promise<ProgramRun> {
    // A stack as committed is planned once per change of the sources, however many test files read it.
    if (options.stack && !options.config && !options.unset && !options.preview && !options.plaintext) {
        return cached(options.stack, () => runWarehouseNow(options));
    }
    return runWarehouseNow(options);
}

async function runWarehouseNow(options: RunOptions): Promise<ProgramRun> {
    const config: Record<string, string> = options.stack ? stackConfig(options.stack) : {};
    for (const k of options.unset ?? []) delete config[k];
    for (const [k, v] of Object.entries(options.config ?? {})) {
        if (v === undefined) delete config[k];
        else config[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    const secretKeys = (options.stack ? stackSecretKeys(options.stack) : [])
        .concat(options.secrets ?? [])
        .filter(k => k in config && !(options.plaintext ?? []).includes(k));
    return runProgram(path.join(ROOT, "stacks", "index.ts"), config, options.stack ?? "test", options.preview ?? false,
        secretKeys);
}

export async function runProgram(entry: string, config: Record<string, string>, stack: string,
                                 preview: boolean, secretKeys: readonly string[] = []): Promise<ProgramRun> {
    const resources: Registered[] = [];
    let outputs: Record<string, any> = {};
    let failure: unknown;
    await jest.isolateModulesAsync(async () => {
        const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
        const original = MockMonitor.prototype.registerResource;
        MockMonitor.prototype.registerResource = function (req: any, cb: any) {
            const inputs = pulumi.runtime.deserializeProperties(req.getObject());
            const wire = req.getObject().toJavaScript();
            const secretInputs = Object.entries<any>(wire)
                .filter(([, v]) => v && typeof v === "object" && v[SIG] === SECRET_SIG)
                .map(([k]) => k);
            return original.call(this, req, (err: any, resp: any) => {
                if (!err) {
                    resources.push({
                        type: req.getType(), name: req.getName(), urn: resp.getUrn(), custom: req.getCustom(),
                        parent: req.getParent(), provider: req.getProvider(), protect: req.getProtect(),
                        dependencies: req.getDependenciesList(), ignoreChanges: req.getIgnorechangesList(),
                        propertyDependencies: Object.fromEntries([...req.getPropertydependenciesMap().entries()]
                            .map(([k, v]: [string, any]) => [k, v.getUrnsList()])),
                        importId: req.getImportid(),
                        inputs: unwrapSecrets(inputs), secretInputs,
                    });
                }
                cb(err, resp);
            });
        };
        const originalOutputs = MockMonitor.prototype.registerResourceOutputs;
        MockMonitor.prototype.registerResourceOutputs = function (req: any, cb: any) {
            const registered = resources.find(r => r.urn === req.getUrn());
            if (registered) registered.outputs = unwrapSecrets(pulumi.runtime.deserializeProperties(req.getOutputs()));
            return originalOutputs.call(this, req, cb);
        };
        pulumi.runtime.setAllConfig(config, [...secretKeys]);
        await pulumi.runtime.setMocks({
            newResource(args) {
                const state = { ...args.inputs, ...computedOutputs(args) };
                return { id: args.custom ? `${args.name}-id` : undefined, state };
            },
            call(args) {
                return computedOutputs({ type: args.token, name: args.token, inputs: args.inputs, custom: false });
            },
        }, PROJECT, stack, preview);
        // A program that throws is reported as the run's failure; returning no outputs keeps the Stack resource
        // from rejecting a promise nobody awaits (which would fail the test process instead).
        // As the runtime does: a module that exports a function is an async program, whose result is the outputs.
        const load = async () => {
            try {
                const exported = require(entry);
                return typeof exported === "function" ? await exported() : exported;
            } catch (e) {
                failure = e;
                return {};
            }
        };
        try {
            outputs = await pulumi.runtime.runInPulumiStack(load) ?? {};
            await pulumi.runtime.disconnect();
        } catch (e) {
            failure ??= e;
        }
    });
    if (failure) throw failure;
    return toRun(resources, outputs);
}

function toRun(resources: Registered[], outputs: Record<string, any>): ProgramRun {
    return {
        resources,
        outputs,
        ofType: type => resources.filter(r => r.type === type),
        one(type, suffix) {
            const found = resources.filter(r => r.type === type && (suffix === undefined || r.name.endsWith(suffix)));
            if (found.length !== 1) {
                throw new Error(`expected one ${type}${suffix ? ` named *${suffix}` : ""}, found ${found.length}: ` +
                    found.map(r => r.name).join(", "));
            }
            return found[0];
        },
    };
}

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object" && value[SIG] === SECRET_SIG) return unwrapSecrets(value.value);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** The sources a stack's registrations depend on; their content keys the cache. */
const SOURCES = ["Pulumi.yaml", "components", "stacks", "policies/catalog", "tests/support"];

function sourceHash(): string {
    const hash = crypto.createHash("sha256");
    const visit = (p: string) => {
        const stat = fs.statSync(p);
        if (stat.isDirectory()) {
            for (const entry of fs.readdirSync(p).sort()) visit(path.join(p, entry));
        } else if (/\.(ts|ya?ml|json)$/.test(p)) {
            hash.update(p).update(fs.readFileSync(p));
        }
    };
    for (const source of SOURCES) visit(path.join(ROOT, source));
    return hash.digest("hex").slice(0, 16);
}

async function cached(stack: string, run: () => Promise<ProgramRun>): Promise<ProgramRun> {
    const dir = path.join(os.tmpdir(), "health-data-warehouse-tests");
    const file = path.join(dir, `${stack}-${sourceHash()}.json`);
    if (fs.existsSync(file)) {
        const saved = JSON.parse(fs.readFileSync(file, "utf8"));
        return toRun(saved.resources, saved.outputs);
    }
    const result = await run();
    fs.mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}`;
    fs.writeFileSync(temp, JSON.stringify({ resources: result.resources, outputs: result.outputs }));
    fs.renameSync(temp, file);
    return result;
}
