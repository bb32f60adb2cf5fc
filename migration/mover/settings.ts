// The mover's configuration: a JSON plan (routes, limits) and directories of settings files, one file per setting,
// as Kubernetes mounts Secrets and ConfigMaps. The rehearsal writes the same layout, so it runs the same code path
// as the production Job.

import * as fs from "fs";
import * as path from "path";
import { KeyResolver } from "../keys/key-encryption-key";
import { KeyServices, Settings } from "../keys/from-settings";
import { Route, SOURCE_ENCRYPTIONS, Shard } from "./plan";
import { Progress } from "./progress";
import { AzureBlobSource } from "./source";
import { S3Target } from "./target";
import { MoverContext } from "./mover";

export interface MoverPlan {
    readonly source: {
        readonly accountUrl: string;
        /** Directory with AZURE_STORAGE_SAS_TOKEN, or AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY. */
        readonly credentialsDir: string;
        /** Directory with the key service settings of the source's client-side encryption keys, if any. */
        readonly keysDir?: string;
    };
    /** Directory with one sub-directory per scope (research project id, or "platform") of target settings. */
    readonly accessDir: string;
    readonly routes: readonly Route[];
    /** Objects in flight per process. Defaults to 8. */
    readonly concurrency?: number;
    /** Byte-rate cap of this process (its share of the link), bytes per second. */
    readonly maxBytesPerSecond?: number;
    readonly segmentSize?: number;
    readonly partSize?: number;
}

export class PlanError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanError";
    }
}

export function readPlan(file: string): MoverPlan {
    let plan: any;
    try {
        plan = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PlanError(`${file}: ${(e as Error).message}`);
    }
    const where = (k: string) => `${file}: ${k}`;
    if (typeof plan?.source?.accountUrl !== "string") throw new PlanError(`${where("source.accountUrl")} is required (the source account's blob endpoint)`);
    if (typeof plan?.source?.credentialsDir !== "string") throw new PlanError(`${where("source.credentialsDir")} is required`);
    if (typeof plan?.accessDir !== "string") throw new PlanError(`${where("accessDir")} is required`);
    if (!Array.isArray(plan.routes) || plan.routes.length === 0) throw new PlanError(`${where("routes")} must list at least one route`);
    const buckets = new Set<string>();
    plan.routes.forEach((r: any, i: number) => {
        for (const k of ["container", "bucket", "keyId", "scope"]) {
            if (typeof r?.[k] !== "string" || !r[k]) throw new PlanError(`${where(`routes[${i}].${k}`)} must be a non-empty string`);
        }
        if (!SOURCE_ENCRYPTIONS.includes(r.sourceEncryption)) {
            throw new PlanError(`${where(`routes[${i}].sourceEncryption`)} = ${JSON.stringify(r.sourceEncryption)}: one of ${SOURCE_ENCRYPTIONS.join(", ")}`);
        }
        // Two containers in one bucket would make "nothing extra on the target" unprovable.
        if (buckets.has(r.bucket)) throw new PlanError(`${where(`routes[${i}].bucket`)} = "${r.bucket}" is already the target of another route`);
        buckets.add(r.bucket);
    });
    for (const k of ["concurrency", "maxBytesPerSecond", "segmentSize", "partSize"]) {
        if (plan[k] !== undefined && !(Number.isSafeInteger(plan[k]) && plan[k] > 0)) throw new PlanError(`${where(k)} must be a positive integer`);
    }
    return plan as MoverPlan;
}

/** Every regular file of a directory as a setting; trailing whitespace trimmed (editors and `echo` add newlines). */
export function readSettingsDir(dir: string): Settings {
    if (!fs.existsSync(dir)) throw new PlanError(`settings directory ${dir} does not exist`);
    const out: Record<string, string> = {};
    for (const name of fs.readdirSync(dir)) {
        const file = path.join(dir, name);
        // Kubernetes projects secrets through ..data symlinks; follow them, skip the bookkeeping entries.
        if (name.startsWith("..") || !fs.statSync(file).isFile()) continue;
        out[name] = fs.readFileSync(file, "utf8").replace(/\s+$/, "");
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
            t = new S3Target({ endpoint: s.S3_ENDPOINT!, region: s.S3_REGION || "us-east-1", accessKeyId: s.S3_ACCESS_KEY_ID!, secretAccessKey: s.S3_SECRET_ACCESS_KEY!, partSize: plan.partSize });
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
    return {
        ctx: { source, targetFor, targetKeys, sourceKeys, routes: plan.routes, shard, progress },
        close() {
            for (const t of targets.values()) t.destroy();
            services.close();
        },
    };
}
