// The move: list what this shard owns, skip what the manifest already holds, adopt what a killed run finished
// writing, copy the rest (decrypt at the source if needed, re-encrypt under the target key, stream up), then a
// final delta pass that copies again whatever changed at the source after its copy.

import { pipeline } from "stream/promises";
import { KeyResolver } from "../keys/key-encryption-key";
import {
    DEFAULT_SEGMENT_SIZE, EnvelopeEncryptor, META, TRAILER_SIZE, associatedData, ciphertextSize, headerFromMetadata,
    headerToMetadata, newDataKey, openTrailer,
} from "./envelope";
import { MANIFEST_VERSION, Manifest, ObjectEntry, SourceVersion } from "./manifest";
import { Route, Shard, Unit, ownedBy, validateShard } from "./plan";
import { forEachLimited } from "./pool";
import { Progress } from "./progress";
import { AzureBlobSource, SourceBlob } from "./source";
import { openSourcePlaintext, readAll } from "./streams";
import { S3Target } from "./target";
import { RateLimiter } from "./throttle";

export interface MoverContext {
    readonly source: AzureBlobSource;
    /** The S3 client holding a scope's credentials (each research project writes with its own). */
    readonly targetFor: (scope: string) => S3Target;
    readonly targetKeys: KeyResolver;
    /** Only needed when some source blobs were encrypted on the client. */
    readonly sourceKeys?: KeyResolver;
    readonly routes: readonly Route[];
    readonly shard: Shard;
    readonly progress: Progress;
}

export interface MoveOptions {
    readonly concurrency: number;
    readonly segmentSize?: number;
    readonly limiter?: RateLimiter;
    /** Attempts per object before it is reported failed. Defaults to 3. */
    readonly attempts?: number;
    /** Run the final delta pass. Defaults to true. */
    readonly deltaPass?: boolean;
}

export interface MoveSummary {
    readonly listed: number;
    readonly listedBytes: number;
    readonly skipped: number;
    readonly copied: number;
    readonly adopted: number;
    /** Copied again because the source changed after its first copy (found by a restart or the delta pass). */
    readonly recopied: number;
    readonly failed: readonly { container: string; blob: string; error: string }[];
    /** Copied earlier, gone from the source now: left on the target, reported for a decision. */
    readonly deletedAtSource: readonly { container: string; blob: string }[];
    readonly movedBytes: number;
    readonly seconds: number;
    readonly bytesPerSecond: number;
}

interface WorkItem {
    readonly route: Route;
    readonly blob: SourceBlob;
}

export function versionOf(blob: SourceBlob): SourceVersion {
    return { etag: blob.etag, lastModified: blob.lastModified, contentMd5: blob.contentMd5 };
}

/** Whether the manifest's entry is for this very version of the blob (ETag, Last-Modified, Content-MD5). */
export function sameVersion(recorded: SourceVersion, blob: SourceBlob): boolean {
    return recorded.etag === blob.etag && recorded.lastModified === blob.lastModified &&
        (recorded.contentMd5 === undefined || blob.contentMd5 === undefined || recorded.contentMd5 === blob.contentMd5);
}

export async function ownedUnits(ctx: Pick<MoverContext, "source" | "routes" | "shard">): Promise<Unit[]> {
    validateShard(ctx.shard);
    const units: Unit[] = [];
    for (const route of ctx.routes) {
        for (const prefix of await ctx.source.topLevelUnits(route.container)) {
            const unit = { route, prefix };
            if (ownedBy(unit, ctx.shard)) units.push(unit);
        }
    }
    return units;
}

export async function listUnits(ctx: Pick<MoverContext, "source">, units: readonly Unit[]): Promise<WorkItem[]> {
    const work: WorkItem[] = [];
    for (const unit of units) for await (const blob of ctx.source.list(unit.route.container, unit.prefix)) work.push({ route: unit.route, blob });
    return work;
}

export async function move(ctx: MoverContext, manifest: Manifest, options: MoveOptions): Promise<MoveSummary> {
    const started = Date.now();
    manifest.append({ v: MANIFEST_VERSION, event: "run", shard: ctx.shard.index, shards: ctx.shard.count, pid: process.pid, at: new Date().toISOString() });
    if (manifest.dropped > 0) ctx.progress.log("warn", "dropped a torn manifest line left by an interrupted run", { lines: manifest.dropped });

    const units = await ownedUnits(ctx);
    const work = await listUnits(ctx, units);
    const listedBytes = work.reduce((n, w) => n + w.blob.size, 0);
    ctx.progress.plan(work.length, listedBytes);
    ctx.progress.log("info", "listed the shard's objects", { shard: ctx.shard.index, shards: ctx.shard.count, units: units.length, objects: work.length, bytes: listedBytes });

    const counts = { skipped: 0, copied: 0, adopted: 0, recopied: 0, movedBytes: 0 };
    const failed: { container: string; blob: string; error: string }[] = [];
    const onTarget = await targetIndex(ctx, units);

    const handle = async (item: WorkItem, pass: "main" | "delta") => {
        const recorded = manifest.get(item.route.container, item.blob.name);
        if (recorded && sameVersion(recorded.source, item.blob)) {
            counts.skipped++;
            if (pass === "main") ctx.progress.objectDone(item.blob.size, false);
            return;
        }
        try {
            const outcome = await withAttempts(options.attempts ?? 3, async () => {
                if (onTarget.has(`${item.route.bucket}\n${item.blob.name}`)) {
                    const adopted = await adopt(ctx, item);
                    if (adopted) return { entry: adopted, moved: false };
                }
                return { entry: await copy(ctx, item, options, recorded !== undefined), moved: true };
            });
            manifest.append(outcome.entry);
            if (outcome.entry.event === "adopted") counts.adopted++;
            else if (outcome.entry.recopy) counts.recopied++;
            else counts.copied++;
            if (outcome.moved) counts.movedBytes += outcome.entry.size;
            ctx.progress.log("debug", `object ${outcome.entry.event}`, { container: item.route.container, blob: item.blob.name, size: outcome.entry.size });
        } catch (e) {
            failed.push({ container: item.route.container, blob: item.blob.name, error: (e as Error).message });
            ctx.progress.log("error", "object failed", { container: item.route.container, blob: item.blob.name, error: (e as Error).message });
        }
        if (pass === "main") ctx.progress.objectDone(item.blob.size, true);
    };

    await forEachLimited(work, options.concurrency, item => handle(item, "main"));

    let deletedAtSource: { container: string; blob: string }[] = [];
    if (options.deltaPass ?? true) {
        // The source kept living while we copied: list again and catch up with anything new or rewritten.
        const again = await listUnits(ctx, units);
        const stale = again.filter(w => { const r = manifest.get(w.route.container, w.blob.name); return !r || !sameVersion(r.source, w.blob); });
        const present = new Set(again.map(w => `${w.route.container}/${w.blob.name}`));
        const containers = new Set(units.map(u => u.route.container));
        deletedAtSource = manifest.entries()
            .filter(e => containers.has(e.container) && unitOf(units, e) && !present.has(`${e.container}/${e.blob}`))
            .map(e => ({ container: e.container, blob: e.blob }));
        ctx.progress.log("info", "delta pass", { changedOrNew: stale.length, deletedAtSource: deletedAtSource.length });
        await forEachLimited(stale, options.concurrency, item => handle(item, "delta"));
    }

    ctx.progress.finish();
    const seconds = (Date.now() - started) / 1000;
    return {
        listed: work.length, listedBytes, ...counts, failed, deletedAtSource, seconds,
        bytesPerSecond: counts.movedBytes / Math.max(seconds, 0.001),
    };
}

function unitOf(units: readonly Unit[], e: ObjectEntry): boolean {
    return units.some(u => u.route.container === e.container &&
        (u.prefix === "" ? !e.blob.includes("/") : e.blob.startsWith(u.prefix)));
}

/** The keys already on the target under the shard's units: only those are worth checking for adoption. */
async function targetIndex(ctx: MoverContext, units: readonly Unit[]): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const unit of units) {
        for await (const o of ctx.targetFor(unit.route.scope).list(unit.route.bucket, unit.prefix)) {
            if (unit.prefix === "" && o.key.includes("/")) continue;
            keys.add(`${unit.route.bucket}\n${o.key}`);
        }
    }
    return keys;
}

async function withAttempts<T>(attempts: number, fn: () => Promise<T>): Promise<T> {
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
        try {
            return await fn();
        } catch (e) {
            last = e;
            if (i < attempts - 1) await new Promise(r => setTimeout(r, 200 * 2 ** i));
        }
    }
    throw last;
}

async function copy(ctx: MoverContext, item: WorkItem, options: MoveOptions, recopy: boolean): Promise<ObjectEntry> {
    const { route, blob } = item;
    const segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    const kek = await ctx.targetKeys(route.keyId);
    const { dataKey, noncePrefix } = newDataKey();
    const wrappedKey = await kek.wrap(dataKey);
    const source = await openSourcePlaintext(ctx.source, blob, route, ctx.sourceKeys);
    const encryptor = new EnvelopeEncryptor(dataKey, noncePrefix, associatedData(blob.name), segmentSize);
    const metadata = {
        ...headerToMetadata({ keyId: kek.keyId, wrapping: kek.wrapping, wrappedKey, noncePrefix, segmentSize, plaintextSize: source.plaintextSize }),
        [META.sourceEtag]: blob.etag,
        [META.sourceLastModified]: blob.lastModified,
    };
    const stages = options.limiter ? [...source.stages, options.limiter.stream()] : source.stages;
    try {
        await Promise.all([
            pipeline([...stages, encryptor] as any),
            ctx.targetFor(route.scope).put(route.bucket, blob.name, encryptor, ciphertextSize(source.plaintextSize, segmentSize), metadata),
        ]);
    } catch (e) {
        source.body.destroy();
        encryptor.destroy();
        throw e;
    }
    const digest = encryptor.digest();
    if (digest.size !== source.plaintextSize) {
        throw new Error(`${blob.container}/${blob.name}: read ${digest.size} bytes, the source announced ${source.plaintextSize}`);
    }
    if (blob.contentMd5 && source.rawTap.digest() !== blob.contentMd5) {
        throw new Error(`${blob.container}/${blob.name}: bytes read do not match the source's Content-MD5`);
    }
    return {
        v: MANIFEST_VERSION, event: "copied", container: blob.container, blob: blob.name, bucket: route.bucket, key: blob.name,
        size: digest.size, sha256: digest.sha256, source: versionOf(blob), keyId: kek.keyId,
        storedSize: ciphertextSize(digest.size, segmentSize), ...(recopy ? { recopy: true } : {}), at: new Date().toISOString(),
    };
}

/**
 * An object a killed run finished uploading but had not yet recorded: it is on the target, written from this very
 * source version (its metadata says so). Its authenticated trailer gives size and SHA-256 without reading it all,
 * so it is recorded rather than copied twice. Anything doubtful returns undefined and the object is copied again.
 */
async function adopt(ctx: MoverContext, item: WorkItem): Promise<ObjectEntry | undefined> {
    const { route, blob } = item;
    const target = ctx.targetFor(route.scope);
    const head = await target.head(route.bucket, blob.name);
    if (!head || head.metadata[META.sourceEtag] !== blob.etag || head.metadata[META.sourceLastModified] !== blob.lastModified) return undefined;
    try {
        const header = headerFromMetadata(head.metadata);
        if (head.size !== ciphertextSize(header.plaintextSize, header.segmentSize)) return undefined;
        const kek = await ctx.targetKeys(header.keyId);
        const dataKey = await kek.unwrap(header.wrappedKey);
        const tail = await target.get(route.bucket, blob.name, `bytes=${head.size - TRAILER_SIZE}-${head.size - 1}`);
        const trailer = openTrailer(dataKey, header, associatedData(blob.name), await readAll(tail.body));
        if (trailer.size !== header.plaintextSize) return undefined;
        return {
            v: MANIFEST_VERSION, event: "adopted", container: blob.container, blob: blob.name, bucket: route.bucket, key: blob.name,
            size: trailer.size, sha256: trailer.sha256, source: versionOf(blob), keyId: header.keyId, storedSize: head.size,
            at: new Date().toISOString(),
        };
    } catch (e) {
        ctx.progress.log("warn", "found an unusable copy on the target; copying again", { container: blob.container, blob: blob.name, error: (e as Error).message });
        return undefined;
    }
}
