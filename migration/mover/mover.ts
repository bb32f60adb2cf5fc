// The move: pre-flight, then for every unit of the shard list the source and the target in full and settle each
// source object once:
//   - recorded in this pod's manifest for this source version, and the target still holds the very object written
//     (same ETag): skip;
//   - absent from the target: copy, create-only (If-None-Match: *);
//   - present but not recorded (a killed run, a retried pod, another mover): inspect its authenticated header and
//     trailer; adopt it if it is a complete copy of this very source version under the route's key, otherwise copy
//     again over exactly that object (If-Match: its ETag): a rollback, a swap, a wrong key, a truncation or a forged
//     header is repaired, not adopted;
//   - present, recorded, but rewritten since (another ETag): copy again.
// Then a delta pass lists the source again and catches what changed during the run. An object that failed is
// reported once. Refused credentials, a shard count that is not the migration's, or a target that ignores
// conditional writes stop the run at once (FatalError).

import { KeyServiceAuthError } from "../keys/key-errors";
import { copyObject, CopyOptions } from "./copy";
import { MoverContext } from "./context";
import { DEFAULT_SEGMENT_SIZE } from "./envelope";
import { inspect, verdictOf } from "./inspect";
import { MANIFEST_VERSION, Manifest, ObjectEntry, SourceVersion } from "./manifest";
import { Route } from "./plan";
import { forEachLimited } from "./pool";
import { preflight } from "./preflight";
import { EndpointError, backoff } from "./requests";
import { SourceChecksumError } from "./checked-read";
import { SourceBlob } from "./source";
import { TargetObject, WriteCondition } from "./target";
import { RateLimiter } from "./throttle";
import { listSource, listTarget, ownedUnits } from "./units";

export type { MoverContext } from "./context";

export interface MoveOptions {
    readonly concurrency: number;
    readonly segmentSize?: number;
    readonly limiter?: RateLimiter;
    /** Run the final delta pass. Defaults to true. */
    readonly deltaPass?: boolean;
    readonly encryptor?: CopyOptions["encryptor"];
}

export interface MoveSummary {
    readonly listed: number;
    readonly listedBytes: number;
    readonly skipped: number;
    readonly copied: number;
    readonly adopted: number;
    /** Copied again: the source changed after its copy, or what the target held was not a valid copy. */
    readonly recopied: number;
    readonly failed: readonly { container: string; blob: string; error: string }[];
    /** On the target under the shard's units, gone from the source: left for a person to decide, and reported. */
    readonly deletedAtSource: readonly { bucket: string; key: string }[];
    /** Older versions wrapped under another key that could not be deleted: crypto-shredding would not reach them. */
    readonly retainedUnderOtherKey: readonly { bucket: string; key: string; versionId: string; reason: string }[];
    readonly movedBytes: number;
    readonly keyServiceCalls: { readonly wrap: number; readonly unwrap: number };
    readonly seconds: number;
    readonly bytesPerSecond: number;
}

/** Stops the whole run: retrying cannot help (credentials refused, a shard count not the migration's, ...). */
export class FatalError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "FatalError";
    }
}

export function versionOf(blob: SourceBlob): SourceVersion {
    return { etag: blob.etag, lastModified: blob.lastModified, contentMd5: blob.contentMd5 };
}

/** Whether the manifest's entry is for this very version of the blob (ETag, Last-Modified, Content-MD5). */
export function sameVersion(recorded: SourceVersion, blob: SourceBlob): boolean {
    return recorded.etag === blob.etag && recorded.lastModified === blob.lastModified && recorded.contentMd5 === blob.contentMd5;
}

interface WorkItem {
    readonly route: Route;
    readonly blob: SourceBlob;
    readonly target?: TargetObject;
}

export async function move(ctx: MoverContext, manifest: Manifest, options: MoveOptions): Promise<MoveSummary> {
    const started = Date.now();
    manifest.startRun(ctx.shard);
    if (manifest.dropped > 0) ctx.progress.log("warn", "dropped a torn manifest line left by an interrupted run", { lines: manifest.dropped });
    await preflight(ctx);

    const units = await ownedUnits(ctx, { target: false });
    const work: WorkItem[] = [];
    const deletedAtSource: { bucket: string; key: string }[] = [];
    for (const unit of units) {
        const [source, target] = await Promise.all([listSource(ctx, unit), listTarget(ctx, unit)]);
        for (const blob of source.values()) work.push({ route: unit.route, blob, target: target.get(blob.name) });
        for (const key of target.keys()) if (!source.has(key)) deletedAtSource.push({ bucket: unit.route.bucket, key });
    }
    const listedBytes = work.reduce((n, w) => n + w.blob.size, 0);
    ctx.progress.plan(work.length, listedBytes);
    ctx.progress.log("info", "listed the shard's objects", { shard: ctx.shard.index, shards: ctx.shard.count, units: units.length, objects: work.length, bytes: listedBytes });

    const counts = { skipped: 0, copied: 0, adopted: 0, recopied: 0, movedBytes: 0 };
    const failed = new Map<string, { container: string; blob: string; error: string }>();
    const retained: MoveSummary["retainedUnderOtherKey"][number][] = [];
    const copyOptions: CopyOptions = { segmentSize: options.segmentSize ?? DEFAULT_SEGMENT_SIZE, limiter: options.limiter, encryptor: options.encryptor };
    let fatal: Error | undefined;

    const settle = async (item: WorkItem, countProgress: boolean) => {
        const id = `${item.route.container}/${item.blob.name}`;
        try {
            const outcome = await withAttempts(ctx, () => settleOnce(ctx, manifest, item, copyOptions));
            if (outcome.entry) manifest.append(outcome.entry);
            counts[outcome.result]++;
            if (outcome.moved) counts.movedBytes += item.blob.size;
            if (outcome.retained) retained.push(outcome.retained);
            if (outcome.result !== "skipped") {
                ctx.progress.log("debug", `object ${outcome.result}`, { container: item.route.container, blob: item.blob.name, size: item.blob.size, ...(outcome.why ? { why: outcome.why } : {}) });
            }
            if (countProgress) ctx.progress.objectDone(item.blob.size, outcome.moved);
        } catch (e) {
            if (isFatal(e)) {
                fatal ??= e as Error;
                throw e;
            }
            if (e instanceof EndpointError && e.kind === "not-found" && e.endpoint.role === "source") {
                // Deleted at the source while we worked: nothing to copy; the delta pass and verify see the deletion.
                ctx.progress.log("info", "deleted at the source during the run", { container: item.route.container, blob: item.blob.name });
            } else if (e instanceof EndpointError && e.kind === "precondition" && e.endpoint.role === "source") {
                ctx.progress.log("info", "changed at the source during its copy; the delta pass copies it", { container: item.route.container, blob: item.blob.name });
            } else if (!failed.has(id)) {
                failed.set(id, { container: item.route.container, blob: item.blob.name, error: (e as Error).message });
                ctx.progress.log("error", "object failed", { container: item.route.container, blob: item.blob.name, error: (e as Error).message });
            }
            if (countProgress) ctx.progress.objectDone(item.blob.size, false);
        }
    };

    try {
        await forEachLimited(work, options.concurrency, item => settle(item, true));
        if (options.deltaPass ?? true) {
            // The source kept living while we copied: list again and catch up with anything new or rewritten.
            let changed = 0;
            const delta: WorkItem[] = [];
            for (const unit of units) {
                const source = await listSource(ctx, unit);
                for (const blob of source.values()) {
                    const recorded = manifest.get(unit.route.container, blob.name);
                    if (failed.has(`${unit.route.container}/${blob.name}`)) continue; // reported once, not once per pass
                    if (recorded && sameVersion(recorded.source, blob)) continue;
                    changed++;
                    const head = await ctx.targetFor(unit.route.scope).head(unit.route.bucket, blob.name);
                    delta.push({ route: unit.route, blob, target: head ? { key: blob.name, size: head.size, etag: head.etag } : undefined });
                }
            }
            ctx.progress.log("info", "delta pass", { changedOrNew: changed });
            await forEachLimited(delta, options.concurrency, item => settle(item, false));
        }
    } catch (e) {
        throw fatal ? new FatalError(fatal.message) : e;
    } finally {
        ctx.progress.finish();
    }
    const seconds = (Date.now() - started) / 1000;
    return {
        listed: work.length, listedBytes, ...counts, failed: [...failed.values()], deletedAtSource, retainedUnderOtherKey: retained,
        keyServiceCalls: { ...ctx.keys.calls }, seconds, bytesPerSecond: counts.movedBytes / Math.max(seconds, 0.001),
    };
}

interface Outcome {
    readonly result: "skipped" | "copied" | "adopted" | "recopied";
    readonly entry?: ObjectEntry;
    readonly moved: boolean;
    readonly why?: string;
    readonly retained?: MoveSummary["retainedUnderOtherKey"][number];
}

async function settleOnce(ctx: MoverContext, manifest: Manifest, item: WorkItem, options: CopyOptions): Promise<Outcome> {
    const { route, blob } = item;
    const target = ctx.targetFor(route.scope);
    const current = item.target;
    const recorded = manifest.get(route.container, blob.name);
    if (!current) {
        return copyOrAdopt(ctx, item, options, { ifNoneMatch: "*" }, recorded !== undefined, undefined);
    }
    if (recorded && sameVersion(recorded.source, blob) && recorded.targetEtag === current.etag && recorded.keyId === route.keyId && recorded.bucket === route.bucket) {
        return { result: "skipped", moved: false };
    }
    if (recorded && recorded.targetEtag !== current.etag && sameVersion(recorded.source, blob)) {
        // We wrote this object and someone rewrote it since: whatever it holds now is not ours to trust.
        return copyOrAdopt(ctx, item, options, { ifMatch: current.etag }, true, "rewritten on the target since this mover wrote it");
    }
    try {
        const found = await inspect({ keys: ctx.keys, account: ctx.source.account }, target, route, blob, current);
        return { result: "adopted", moved: false, entry: entryFor(item, current, found.size, found.sha256, "adopted") };
    } catch (e) {
        const verdict = verdictOf(e);
        if (!verdict) throw e;
        let replaced: { versionId?: string } | undefined;
        if (verdict === "wrong-key") replaced = await target.head(route.bucket, blob.name);
        const outcome = await copyOrAdopt(ctx, item, options, { ifMatch: current.etag }, true, `${verdict}: ${(e as Error).message}`);
        // The version under the wrong key must go too, or destroying the route's key would not destroy it.
        const retained = replaced?.versionId ? await dropVersion(ctx, route, blob.name, replaced.versionId) : undefined;
        return { ...outcome, retained };
    }
}

/** Copies; when the condition fails (another mover wrote meanwhile), inspects what it wrote and adopts it if valid. */
async function copyOrAdopt(ctx: MoverContext, item: WorkItem, options: CopyOptions, condition: WriteCondition,
                           recopy: boolean, why: string | undefined): Promise<Outcome> {
    try {
        const entry = await copyObject(ctx, item.route, item.blob, condition, options, { recopy });
        return { result: recopy ? "recopied" : "copied", moved: true, entry, why };
    } catch (e) {
        if (!(e instanceof EndpointError && e.kind === "precondition" && e.endpoint.role === "target")) throw e;
        const head = await ctx.targetFor(item.route.scope).head(item.route.bucket, item.blob.name);
        if (!head) throw e;
        const now = { key: item.blob.name, size: head.size, etag: head.etag };
        const found = await inspect({ keys: ctx.keys, account: ctx.source.account }, ctx.targetFor(item.route.scope), item.route, item.blob, now)
            .catch(err => { throw verdictOf(err) ? new Error(`the target object changed during the copy and is not a valid copy: ${(err as Error).message}`) : err; });
        return { result: "adopted", moved: false, entry: entryFor(item, now, found.size, found.sha256, "adopted"), why: "written meanwhile by another mover" };
    }
}

async function dropVersion(ctx: MoverContext, route: Route, key: string, versionId: string): Promise<MoveSummary["retainedUnderOtherKey"][number] | undefined> {
    try {
        await ctx.targetFor(route.scope).delete(route.bucket, key, { versionId });
        return undefined;
    } catch (e) {
        const reason = (e as Error).message;
        ctx.progress.log("warn", "an older version under another key remains", { bucket: route.bucket, key, versionId, reason });
        return { bucket: route.bucket, key, versionId, reason };
    }
}

function entryFor(item: WorkItem, object: TargetObject, size: number, sha256: string, event: "adopted"): ObjectEntry {
    return {
        v: MANIFEST_VERSION, event, container: item.route.container, blob: item.blob.name, bucket: item.route.bucket, key: item.blob.name,
        size, sha256, source: versionOf(item.blob), keyId: item.route.keyId, storedSize: object.size, targetEtag: object.etag,
        at: new Date().toISOString(),
    };
}

function isFatal(e: unknown): boolean {
    return e instanceof FatalError || e instanceof KeyServiceAuthError || (e instanceof EndpointError && e.kind === "auth");
}

/** Bounded attempts per object for what may pass on a second try: a stall, an outage, a bad read. */
async function withAttempts<T>(ctx: MoverContext, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn();
        } catch (e) {
            const transient = (e instanceof EndpointError && e.kind === "transient") || e instanceof SourceChecksumError || isStreamFailure(e);
            if (!transient || attempt >= ctx.timeouts.attempts) throw e;
            await backoff(ctx.timeouts, attempt);
        }
    }
}

function isStreamFailure(e: unknown): boolean {
    return (e as NodeJS.ErrnoException)?.code === "ERR_STREAM_PREMATURE_CLOSE";
}

