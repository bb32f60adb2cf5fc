// Reads a Pulumi project and a stack's configuration as the CLI would hand them to the program: project-level
// `config:` values first, the stack file's values over them; structured values JSON-encoded, as the language
// host passes them. Secure values cannot be decrypted offline: they become secret placeholders.

import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export interface ProjectFile {
    readonly dir: string;
    readonly name: string;
    readonly runtime: string;
    /** The program entry, relative to the project directory. */
    readonly main?: string;
    /** Where stack files live, relative to the project directory. */
    readonly stackConfigDir: string;
    readonly config: Readonly<Record<string, unknown>>;
    /** `runtime.options` of Pulumi.yaml that change how the Node language host runs the program. */
    readonly runtimeOptions: RuntimeOptions;
}

export interface RuntimeOptions {
    /** Whether to register ts-node (Pulumi's default: true). */
    readonly typescript: boolean;
    /** The tsconfig file ts-node uses, relative to the project directory. */
    readonly tsconfig?: string;
    /** Extra Node.js flags for the program process. */
    readonly nodeargs?: string;
}

export interface StackConfig {
    readonly stack: string;
    readonly file: string;
    /** Full keys (`namespace:key`) to string values, as `pulumi.runtime.allConfig()` returns them. */
    readonly values: Readonly<Record<string, string>>;
    /** Keys whose values were `secure:` in the file. */
    readonly secretKeys: readonly string[];
}

/** A problem with the project's files, reported to the user in one line. */
export class ProjectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectError";
    }
}

export const SECRET_PLACEHOLDER_PREFIX = "offline-secret:";

export function loadProject(dir: string): ProjectFile {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map(f => path.join(dir, f)).find(f => fs.existsSync(f));
    if (!file) throw new ProjectError(`no Pulumi.yaml in ${dir}`);
    const doc = parseYaml(file) as any;
    if (!doc || typeof doc.name !== "string") throw new ProjectError(`${file}: 'name' is missing`);
    const invalid = projectNameProblem(doc.name);
    if (invalid) throw new ProjectError(`${file}: project name '${doc.name}' ${invalid} (the Pulumi CLI refuses it)`);
    const runtime = typeof doc.runtime === "string" ? doc.runtime : doc.runtime?.name;
    if (runtime !== "nodejs") throw new ProjectError(`${file}: runtime '${runtime}' is not supported (nodejs only)`);
    const options = (typeof doc.runtime === "object" && doc.runtime?.options) || {};
    return {
        dir, name: doc.name, runtime, main: doc.main, stackConfigDir: doc.stackConfigDir ?? ".",
        config: doc.config ?? {},
        runtimeOptions: {
            typescript: options.typescript !== false,
            tsconfig: typeof options.tsconfig === "string" ? options.tsconfig : undefined,
            nodeargs: typeof options.nodeargs === "string" ? options.nodeargs : undefined,
        },
    };
}

/**
 * What is wrong with a project name, by the Pulumi CLI's rule (pulumi/pulumi sdk/go/common/tokens/project.go
 * ValidateProjectName, with IsName of names.go): not empty, at most 100 characters, a letter, `_` or `.` first, then
 * letters, digits, `_`, `.` or `-`. Undefined when it is valid.
 */
export function projectNameProblem(name: string): string | undefined {
    if (name === "") return "is empty";
    if (name.length > 100) return `is ${name.length} characters long (at most 100)`;
    if (!/^[A-Za-z_.][A-Za-z0-9_.-]*$/.test(name)) {
        return "may only contain letters, digits, hyphens, underscores and periods, and must not start with a digit or a hyphen";
    }
    return undefined;
}

/** The stacks that have a settings file, sorted. */
export function listStacks(project: ProjectFile): string[] {
    const dir = path.join(project.dir, project.stackConfigDir);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir)
        .map(f => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

export function loadStackConfig(project: ProjectFile, stack: string): StackConfig {
    const dir = path.join(project.dir, project.stackConfigDir);
    const file = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map(f => path.join(dir, f)).find(f => fs.existsSync(f));
    if (!file) {
        const known = listStacks(project);
        throw new ProjectError(`unknown stack '${stack}'; stacks of ${project.name}: ${known.join(", ") || "(none)"}`);
    }
    return mergeConfig(project, stack, file, (parseYaml(file) ?? {}) as any);
}

/** A stack of a project that keeps no stack files: project-level config only. */
export function loadProjectOnlyConfig(project: ProjectFile, stack: string): StackConfig {
    return mergeConfig(project, stack, path.join(project.dir, "Pulumi.yaml"), {});
}

function mergeConfig(project: ProjectFile, stack: string, file: string, doc: any): StackConfig {
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    // Project-level values apply to every stack; the stack's own values override them.
    for (const [k, v] of Object.entries<any>(project.config)) {
        const full = qualify(project.name, k);
        if (v && typeof v === "object" && "value" in v) values[full] = encode(v.value);
        else if (v && typeof v === "object" && ("type" in v || "default" in v)) {
            if ("default" in v) values[full] = encode(v.default);
        } else values[full] = encode(v);
    }
    for (const [k, v] of Object.entries<any>(doc.config ?? {})) {
        const full = qualify(project.name, k);
        if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v) {
            values[full] = `${SECRET_PLACEHOLDER_PREFIX}${full}`;
            secretKeys.push(full);
        } else values[full] = encode(v);
    }
    return { stack, file, values, secretKeys };
}

function qualify(projectName: string, k: string): string {
    return k.includes(":") ? k : `${projectName}:${k}`;
}

function encode(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

function parseYaml(file: string): unknown {
    try {
        return yaml.load(fs.readFileSync(file, "utf8"));
    } catch (e: any) {
        const line = typeof e.mark?.line === "number" ? `:${e.mark.line + 1}` : "";
        throw new ProjectError(`${file}${line}: not valid YAML (${e.reason ?? e.message})`);
    }
}
