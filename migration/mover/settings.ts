// The mover's configuration: a JSON plan (routes, limits), validated against a strict schema (an unknown key is
// refused, every missing or wrong field is named, all at once), and directories of settings files, one file per
// setting, as Kubernetes mounts Secrets and ConfigMaps. The rehearsal writes the same layout, so it runs the same
// code path as the production Job.

import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { DataKeys } from "../keys/data-keys";
import { KeyResolver } from "../keys/key-encryption-key";
import { KeyServices, Settings } from "../keys/from-settings";
import { MoverContext } from "./context";
import { DEFAULT_SEGMENT_SIZE, LIMITS } from "./envelope";
import { SOURCE_ENCRYPTIONS, Shard } from "./plan";
import { Progress } from "./progress";
import { DEFAULT_TIMEOUTS } from "./requests";
import { AzureBlobSource } from "./source";
import { DEFAULT_PART_SIZE, S3Target } from "./target";

const name = (what: string) => z.string({ error: `required: ${what}` }).min(1, `${what} must not be empty`);
const count = (min: number, max: number) => z.number().int(`a whole number from ${min} to ${max}`).min(min, `at least ${min}`).max(max, `at most ${max}`);

const protections = z.strictObject({
    versioning: z.boolean({ error: "required: true when the stack enables versioning on the bucket" }),
    objectLock: z.strictObject({ mode: z.enum(["COMPLIANCE", "GOVERNANCE"]).optional(), days: count(1, 36500) }).optional(),
    noncurrentVersionExpirationDays: count(1, 36500).optional(),
    abortIncompleteMultipartUploadDays: count(1, 365).optional(),
});

const route = z.strictObject({
    container: name("the source container"),
    bucket: name("the target bucket"),
    keyId: name("the target key that wraps the route's data keys"),
    scope: name("whose settings write the bucket and use the key (a research project id, or platform)"),
    sourceEncryption: z.enum(SOURCE_ENCRYPTIONS, { error: `required: one of ${SOURCE_ENCRYPTIONS.join(", ")}` }),
    protections: protections.optional(),
});

export const planSchema = z.strictObject({
    source: z.strictObject({
        accountUrl: z.string({ error: "required: the source account's blob endpoint, e.g. https://<account>.blob.core.windows.net" })
            .url("a URL such as https://<account>.blob.core.windows.net"),
        /** Directory with AZURE_STORAGE_SAS_TOKEN, or AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY. */
        credentialsDir: name("the directory of the source's credentials"),
        /** Directory with the key service settings of the source's client-side encryption keys, if any. */
        keysDir: name("the directory of the source key service's settings").optional(),
    }, { error: "required: the source (accountUrl, credentialsDir)" }),
    /** Directory with one sub-directory per scope (research project id, or "platform") of target settings. */
    accessDir: name("the directory of the target settings, one sub-directory per scope"),
    routes: z.array(route, { error: "required: the routes, container to bucket" }).min(1, "at least one route"),
    /** Objects in flight per process. */
    concurrency: count(1, 256).default(8),
    /** Byte-rate cap of this process (its share of the link), bytes per second. */
    maxBytesPerSecond: count(1, Number.MAX_SAFE_INTEGER).optional(),
    segmentSize: count(LIMITS.minSegment, LIMITS.maxSegment).default(DEFAULT_SEGMENT_SIZE),
    partSize: count(5 * 1024 * 1024, 5 * 1024 ** 3).default(DEFAULT_PART_SIZE),
    /** Worker threads that encrypt (0: on the main thread). */
    workers: count(0, 64).default(0),
    timeouts: z.strictObject({
        requestSeconds: count(1, 3600).default(DEFAULT_TIMEOUTS.requestSeconds),
        idleSeconds: count(1, 3600).default(DEFAULT_TIMEOUTS.idleSeconds),
        attempts: count(1, 20).default(DEFAULT_TIMEOUTS.attempts),
        backoffSeconds: z.number().min(0.01).max(600).default(DEFAULT_TIMEOUTS.backoffSeconds),
    }).default(DEFAULT_TIMEOUTS),
    /**
     * Whose credentials read the buckets' configuration in the pre-flight (versioning, Object Lock, lifecycle): a
     * scope of accessDir. Defaults to each route's own; the Job uses the operator's platform access, as research
     * projects' credentials may not read their bucket's configuration.
     */
    protectionsScope: name("the scope whose credentials read the buckets' configuration").optional(),
    keyService: z.strictObject({
        /** Calls per second this process may make to its key services. */
        callsPerSecond: count(1, 10_000).default(20),
    }).default({ callsPerSecond: 20 }),
});

export type MoverPlan = z.output<typeof planSchema>;

export class PlanError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanError";
    }
}

export function readPlan(file: string): MoverPlan {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PlanError(`${file}: ${(e as Error).message}`);
    }
    return parsePlan(raw, file);
}

export function parsePlan(raw: unknown, where = "plan"): MoverPlan {
    const result = planSchema.safeParse(raw);
    const problems = result.success ? [] : result.error.issues.map(issue => describeIssue(issue));
    if (result.success) {
        const buckets = new Map<string, number>();
        result.data.routes.forEach((r, i) => {
            // Two containers in one bucket would make "nothing extra on the target" unprovable.
            if (buckets.has(r.bucket)) problems.push(`routes[${i}].bucket = "${r.bucket}": already the target of routes[${buckets.get(r.bucket)}]`);
            buckets.set(r.bucket, i);
        });
    }
    if (problems.length > 0) throw new PlanError(`${where}: ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${problems.join("; ")}`);
    return result.data!;
}

function describeIssue(issue: z.core.$ZodIssue): string {
    const at = (p: readonly PropertyKey[]) => p.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`)).join("") || "(the plan)";
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map(k => `${at([...issue.path, k])}: unknown key (misspelt? see the plan's fields in docs/data-move.md)`).join("; ");
    }
    return `${at(issue.path)}: ${issue.message}`;
}

/** Every regular file of a directory as a setting; trailing whitespace trimmed (editors and `echo` add newlines). */
export function readSettingsDir(dir: string): Settings {
    if (!fs.existsSync(dir)) throw new PlanError(`settings directory ${dir} does not exist`);
    const out: Record<string, string> = {};
    for (const entry of fs.readdirSync(dir)) {
        const file = path.join(dir, entry);
        // Kubernetes projects secrets through ..data symlinks; follow them, skip the bookkeeping entries.
        if (entry.startsWith("..") || !fs.statSync(file).isFile()) continue;
        out[entry] = fs.readFileSync(file, "utf8").replace(/\s+$/, "");
    }
    return out;
}

export interface OpenedContext {
    readonly ctx: MoverContext;
    close(): void;
}

export function openContext(plan: MoverPlan, shard: Shard, progress: Progress): OpenedContext {
    const credentials = readSettingsDir(plan.source.credentialsDir);
    const source = new AzureBlobSource({
        accountUrl: plan.source.accountUrl,
        sasToken: credentials.AZURE_STORAGE_SAS_TOKEN,
        accountName: credentials.AZURE_STORAGE_ACCOUNT_NAME,
        accountKey: credentials.AZURE_STORAGE_ACCOUNT_KEY,
        timeouts: plan.timeouts,
    });
    const services = new KeyServices();
    const targets = new Map<string, S3Target>();
    const scopeSettings = (scope: string) => readSettingsDir(path.join(plan.accessDir, scope));
    const targetFor = (scope: string) => {
        let t = targets.get(scope);
        if (!t) {
            const s = scopeSettings(scope);
            const missing = ["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"].filter(k => !s[k]);
            if (missing.length) throw new PlanError(`${path.join(plan.accessDir, scope)}: missing ${missing.join(", ")}`);
            t = new S3Target({
                endpoint: s.S3_ENDPOINT!, region: s.S3_REGION || "us-east-1", accessKeyId: s.S3_ACCESS_KEY_ID!, secretAccessKey: s.S3_SECRET_ACCESS_KEY!,
                partSize: plan.partSize, timeouts: plan.timeouts,
            });
            targets.set(scope, t);
        }
        return t;
    };
    const kekCache = new Map<string, ReturnType<KeyServices["kek"]>>();
    const targetKeys: KeyResolver = async keyId => {
        let k = kekCache.get(keyId);
        if (!k) {
            const route = plan.routes.find(r => r.keyId === keyId);
            if (!route) throw new Error(`key "${keyId}" belongs to no route of this plan`);
            k = services.kek(scopeSettings(route.scope), keyId, route.scope, path.join(plan.accessDir, route.scope));
            kekCache.set(keyId, k);
        }
        return k;
    };
    const keysDir = plan.source.keysDir;
    const sourceKeys: KeyResolver | undefined = keysDir
        // Azure's client-side encryption wraps with RFC 3394 key wrap ("A256KW") when the KEK is symmetric.
        ? async keyId => services.kek(readSettingsDir(keysDir), keyId, "source", keysDir, "aes-key-wrap")
        : undefined;
    const keys = new DataKeys(targetKeys, { callsPerSecond: plan.keyService.callsPerSecond, attempts: plan.timeouts.attempts, backoffMs: plan.timeouts.backoffSeconds * 1000 });
    return {
        ctx: { source, targetFor, keys, sourceKeys, routes: plan.routes, shard, progress, timeouts: plan.timeouts, protectionsScope: plan.protectionsScope },
        close() {
            for (const t of targets.values()) t.destroy();
            services.close();
        },
    };
}
