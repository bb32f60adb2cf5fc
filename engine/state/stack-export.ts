// A deployed stack as the backend holds it: the document `pulumi stack export` writes (an untyped deployment of
// version 3: `{ version, deployment: { manifest, secrets_providers, resources, pending_operations } }`, each resource
// a ResourceV3 of the Pulumi engine's apitype package, sdk/go/common/apitype/core.go). Read into the same shape as a
// planned stack, so that the same pack judges it the same way: inputs as the engine last sent them to the provider,
// outputs as the provider returned them. Encrypted secrets cannot be read offline: they stay secret and unknown, and
// a rule that needs one answers "cannot verify". Plaintext secrets (`--show-secrets`) stay secret, with their value.

import * as fs from "fs";
import { ExternalError } from "../errors";
import type { PlannedResource, SourcePosition, StackPlan } from "../plan";
import { ROOT_STACK_TYPE } from "../plan";
import { SIG, SECRET_SIG, UNKNOWN, secret } from "../wire";

/** The deployment versions this reader understands (the current one, written by Pulumi 3). */
const SUPPORTED_VERSION = 3;

export interface DeployedStack {
    readonly stack: string;
    readonly project: string;
    readonly resources: readonly PlannedResource[];
    /** When the backend last wrote the state (the manifest's time). */
    readonly time?: string;
    readonly notes: readonly string[];
}

export function readStackExport(file: string): DeployedStack {
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(file);
    } catch (err) {
        throw new ExternalError(`--state ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    const text = decode(bytes);
    let doc: any;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new ExternalError(`--state ${file}: not valid JSON (${(err as Error).message})`);
    }
    if (!doc || typeof doc !== "object" || !doc.deployment || typeof doc.deployment !== "object") {
        throw new ExternalError(`--state ${file}: not a \`pulumi stack export\` document (no "deployment")`);
    }
    if (doc.version !== SUPPORTED_VERSION) {
        throw new ExternalError(`--state ${file}: deployment version ${JSON.stringify(doc.version)} is not supported; ` +
            `export it with Pulumi 3 (version ${SUPPORTED_VERSION})`);
    }
    const raw: any[] = Array.isArray(doc.deployment.resources) ? doc.deployment.resources : [];
    const notes: string[] = [];
    const root = raw.find(r => r && r.type === ROOT_STACK_TYPE && !r.parent);
    const anyUrn = (root ?? raw[0])?.urn;
    const parsed = typeof anyUrn === "string" ? /^urn:pulumi:([^:]+)::([^:]+)::/.exec(anyUrn) : null;
    if (!parsed) throw new ExternalError(`--state ${file}: no resource with a Pulumi URN; the stack is empty or the file is not a stack export`);
    const [, stack, project] = parsed;
    const resources: PlannedResource[] = [];
    const live = new Set<string>();
    let encrypted = 0;
    let pendingDelete = 0;
    for (const [i, r] of raw.entries()) {
        if (!r || typeof r.urn !== "string" || typeof r.type !== "string") {
            throw new ExternalError(`--state ${file}: resource ${i} has no urn or type`);
        }
        // What Pulumi never writes is refused, not judged in part: a stack's resources all carry its stack and
        // project, and inputs and outputs are property maps.
        if (!r.urn.startsWith(`urn:pulumi:${stack}::${project}::`)) {
            throw new ExternalError(`--state ${file}: resource ${i}: ${r.urn} is not of stack ${stack} of project ${project}`);
        }
        for (const field of ["inputs", "outputs"] as const) {
            if (r[field] != null && (typeof r[field] !== "object" || Array.isArray(r[field]))) {
                throw new ExternalError(`--state ${file}: resource ${i}: ${field} is not an object`);
            }
        }
        // A resource marked for deletion is the old copy of a replaced one: it is not what runs.
        if (r.delete === true) { pendingDelete++; continue; }
        // The live copy of a URN is unique (the engine refuses a state where it is not): with two, which one runs
        // cannot be told.
        if (live.has(r.urn)) throw new ExternalError(`--state ${file}: resource ${i}: urn ${r.urn} appears twice`);
        live.add(r.urn);
        const counter = { encrypted: 0 };
        const inputs = fromState(r.inputs ?? {}, counter) as Record<string, unknown>;
        const outputs = fromState(r.outputs ?? {}, counter) as Record<string, unknown>;
        if (counter.encrypted > 0) encrypted++;
        resources.push({
            urn: r.urn, type: r.type, name: r.urn.slice(r.urn.lastIndexOf("::") + 2), custom: r.custom === true,
            parent: typeof r.parent === "string" ? r.parent : "",
            provider: typeof r.provider === "string" ? r.provider : "",
            dependencies: Array.isArray(r.dependencies) ? r.dependencies : [],
            propertyDependencies: r.propertyDependencies && typeof r.propertyDependencies === "object" ? r.propertyDependencies : {},
            options: {
                protect: r.protect === true ? true : undefined,
                ignoreChanges: Array.isArray(r.ignoreChanges) ? r.ignoreChanges : [],
                replaceOnChanges: Array.isArray(r.replaceOnChanges) ? r.replaceOnChanges : [],
                aliases: Array.isArray(r.aliases) ? r.aliases : [],
                additionalSecretOutputs: Array.isArray(r.additionalSecretOutputs) ? r.additionalSecretOutputs : [],
                retainOnDelete: r.retainOnDelete === true ? true : undefined,
                deletedWith: typeof r.deletedWith === "string" ? r.deletedWith : undefined,
                importId: typeof r.importID === "string" ? r.importID : undefined,
            },
            inputs,
            outputs,
            origin: r.external === true ? "read" : r.type.startsWith("pulumi:providers:") && /::default(_|$)/.test(r.urn) ? "default-provider" : "program",
            source: sourcePosition(r.sourcePosition),
        });
    }
    if (encrypted > 0) {
        notes.push(`${encrypted} resource${encrypted === 1 ? " holds" : "s hold"} encrypted secrets: they cannot be ` +
            "decrypted offline and are judged as secret, unknown values");
    }
    if (pendingDelete > 0) notes.push(`${pendingDelete} resource${pendingDelete === 1 ? "" : "s"} marked for deletion (replaced) left out`);
    if (Array.isArray(doc.deployment.pending_operations) && doc.deployment.pending_operations.length > 0) {
        notes.push(`the state has ${doc.deployment.pending_operations.length} pending operation(s): an update was ` +
            "interrupted, and what runs may differ from the state");
    }
    return { stack, project, resources, time: doc.deployment.manifest?.time, notes };
}

/**
 * `pulumi stack export --file` writes UTF-8; a shell's redirect may add a byte-order mark, and Windows PowerShell 5's
 * `>` writes UTF-16 LE.
 */
function decode(bytes: Buffer): string {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
    if (bytes[0] === 0xfe && bytes[1] === 0xff && bytes.length % 2 === 0) return Buffer.from(bytes.subarray(2)).swap16().toString("utf16le");
    const text = bytes.toString("utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A state value in the wire format the engine sends analyzers: a secret stays a secret (its plaintext JSON-decoded
 * when the export shows it, unknown when it is ciphertext); everything else as it is.
 */
function fromState(value: unknown, counter: { encrypted: number }): unknown {
    if (Array.isArray(value)) return value.map(v => fromState(v, counter));
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG] === SECRET_SIG) {
            if (typeof o.plaintext === "string") {
                try {
                    return secret(JSON.parse(o.plaintext));
                } catch {
                    return secret(o.plaintext);
                }
            }
            if ("value" in o) return secret(o.value);
            counter.encrypted++;
            return secret(UNKNOWN);
        }
        if (typeof o[SIG] === "string") return o; // resource references, assets, archives: kept as they are
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fromState(v, counter)]));
    }
    return value;
}

/** The engine writes `project:///<path from the project root>#<line>,<column>` (a `file://` URI for older states). */
function sourcePosition(text: unknown): SourcePosition | undefined {
    if (typeof text !== "string") return undefined;
    const m = /^(?:project:\/\/\/|file:\/\/)(.+?)#(\d+)(?:,(\d+))?$/.exec(text);
    if (!m) return undefined;
    return { file: decodeURIComponent(m[1]), line: Number(m[2]), column: Number(m[3] ?? 1) };
}

/** A deployed stack in the shape a check judges. `programDir` is the project its source positions are relative to. */
export function deployedPlan(deployed: DeployedStack, programDir: string, stackFile: string | null): StackPlan {
    const resources = deployed.resources.map(r => r.source && !r.source.file.startsWith("/")
        ? { ...r, source: { ...r.source, file: `${programDir}/${r.source.file}` } } : r);
    const root = resources.find(r => r.type === ROOT_STACK_TYPE && r.parent === "");
    return {
        stack: deployed.stack, project: deployed.project, programDir, stackFile,
        runtime: { dir: "", version: "" }, resources, outputs: root?.outputs ?? {}, invokes: [],
        notes: [`judged from the deployed state${deployed.time ? ` written ${deployed.time}` : ""} (pulumi stack export), ` +
            "not from the program", ...deployed.notes],
        timings: { programMs: 0, totalMs: 0 },
    };
}
