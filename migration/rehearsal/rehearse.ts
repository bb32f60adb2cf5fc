// The data-move rehearsal, end to end on one machine (lab.ts: Azurite as the Azure source, s3rver as the S3 target,
// a private SoftHSM token as the key service). It seeds synthetic research data, moves it with the real mover in a
// separate process that it kills half-way with SIGKILL, resumes it, and then proves, from what the servers hold
// rather than from what the mover says:
//   1. every object arrived, decrypts under its route's key to the source's SHA-256, and nothing extra appeared;
//   2. the killed run resumed without losing or re-copying anything (each object stored exactly once);
//   3. objects changed at the source after their copy, even during a run, are caught and copied again;
//   4. a corrupted, a missing and an unexpected object fail verification with a non-zero exit, and a re-run repairs
//      what can be repaired;
//   5. destroying a key destroys what it protected: the source key the source's client-side data, a project's
//      target key that project's copy.
// It then measures the mover's own ceiling (in memory, by thread) and projects the production move from it.

import { Writable } from "stream";
import { PassThrough } from "stream";
import { pipeline } from "stream/promises";
import { openChecked } from "../mover/checked-read";
import { MoveSummary, move } from "../mover/mover";
import { Manifest } from "../mover/manifest";
import { Level, Progress, formatBytes } from "../mover/progress";
import { Projection, formatDuration, parseBandwidth, parseSize, project } from "../mover/projection";
import { openContext, readPlan } from "../mover/settings";
import { RANGE_MD5_LIMIT, SourceBlob, SourceStore } from "../mover/source";
import { DEFAULT_PART_SIZE } from "../mover/target";
import { VerifyReport } from "../mover/verify";
import { CeilingResult, VerifyCeiling, measureCeiling, measureVerifyCeiling } from "./ceiling";
import { Lab, ROUTES, bucketOf, objectKey, routeOf } from "./lab";
import { MoverRun, logLines } from "./mover-process";
import { SeededObject, rewrite } from "./seed";
import { StoredEvent } from "./servers";

export interface RehearsalIo {
    readonly stdout: Writable;
    readonly stderr: Writable;
    readonly tty?: boolean;
}

export interface ProductionFigures {
    readonly volume: string;
    readonly objects: number;
    readonly bandwidth: string;
    readonly pods: number;
    readonly shards: number;
    readonly routes: number;
    readonly concurrency: number;
    readonly roundTripMs: number;
    readonly utilisation: number;
    /** Share of the volume in blobs without a Content-MD5 (measure it with `data-mover inventory`). */
    readonly unchecksummedShare: number;
    readonly keyServiceCallsPerSecond: number;
    /** Share of the objects written with Azure client-side encryption (none in the Azure stack's storage today). */
    readonly clientSideShare: number;
    /** The source Key Vault's unwraps per second. */
    readonly sourceKeyCallsPerSecond: number;
    readonly windowDays: number;
}

export interface RehearsalOptions {
    readonly smallPerContainer: number;
    readonly largeCount: number;
    readonly largeBytes: number;
    readonly concurrency: number;
    /** Where to work; a fresh temporary directory by default, removed at the end unless `keep`. */
    readonly workDir?: string;
    readonly keep?: boolean;
    /** The production migration to project the measured ceiling onto. */
    readonly production: ProductionFigures;
}

export const DEFAULT_OPTIONS: RehearsalOptions = {
    smallPerContainer: 36,
    largeCount: 3,
    largeBytes: 6 * 1024 * 1024,
    concurrency: 6,
    production: {
        volume: "250TiB", objects: 40_000_000, bandwidth: "10Gbit/s", pods: 16, shards: 64, routes: 102, concurrency: 8,
        roundTripMs: 12, utilisation: 0.7, unchecksummedShare: 0.25, keyServiceCallsPerSecond: 10, windowDays: 5,
        // Key Vault allows 2,000 transactions per 10 s per vault and region on an HSM-protected RSA 2048 key
        // (Microsoft, "Azure Key Vault service limits"); the Azure stack encrypts service-side, hence no client-side.
        clientSideShare: 0, sourceKeyCallsPerSecond: 200,
    },
};

export interface Proof {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
}

export interface Ceiling {
    readonly copy: CeilingResult;
    readonly verify: VerifyCeiling;
    /** A 2-vCPU pod's copy ceiling: bounded by its main thread and by its two cores. */
    readonly podCopyBytesPerSecond: number;
    readonly podVerifyBytesPerSecond: number;
}

export interface RehearsalResult {
    readonly proofs: Proof[];
    readonly seeded: readonly SeededObject[];
    readonly interrupted: { readonly run: MoverRun; readonly recordedAtKill: number; readonly killedAtBytes: number };
    readonly resumed: { readonly run: MoverRun; readonly summary: any };
    /** Object creations on the target per bucket/key during the interrupted and resumed runs together. */
    readonly storedDuringMove: ReadonlyMap<string, number>;
    readonly delta: { readonly summary: MoveSummary; readonly stored: readonly StoredEvent[] };
    readonly verifyClean: { readonly exitCode: number; readonly report?: VerifyReport };
    readonly verifyTampered: { readonly exitCode: number; readonly report?: VerifyReport; readonly tampered: { corrupt: string; missing: string; extra: string } };
    readonly repaired: { readonly exitCode: number; readonly report?: VerifyReport };
    /** What one mover process reached on the local emulators (not the mover's ceiling: the emulators' speed). */
    readonly emulatorBytesPerSecond: number;
    readonly ceiling: Ceiling;
    readonly projection: Projection;
    readonly projectionInput: Record<string, unknown>;
    readonly seconds: number;
}

export async function rehearse(options: RehearsalOptions, io: RehearsalIo): Promise<RehearsalResult> {
    const started = Date.now();
    const say = (text: string) => io.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
    const lab = await Lab.start({ ...options, say });
    try {
        say(`seeded ${lab.seeded.length} objects, ${formatBytes(lab.seeded.reduce((n, o) => n + o.size, 0))} in ${ROUTES.length} containers (one client-side encrypted)`);
        const plan = lab.plan("main");

        // 1. A run killed half-way (SIGKILL: no handler runs) once about half of the data has passed, then resumed.
        const seededBytes = lab.seeded.reduce((n, o) => n + o.size, 0);
        const killAt = lab.sourceFront.bytes() + lab.targetFront.bytes() + Math.round(seededBytes * 0.9);
        let killedAtBytes = 0;
        const stores0 = lab.s3.stored.length;
        const interruptedRun = await lab.process(["move", "--plan", plan, "--manifest", lab.manifest("shard-000")], {
            kill: kill => {
                lab.sourceFront.controls.onBytes = lab.targetFront.controls.onBytes = () => {
                    const total = lab.sourceFront.bytes() + lab.targetFront.bytes();
                    if (total >= killAt && !killedAtBytes) { killedAtBytes = total; kill(); }
                };
            },
        });
        lab.sourceFront.controls.onBytes = lab.targetFront.controls.onBytes = undefined;
        const recordedAtKill = lab.recorded("shard-000");
        say(`move: killed the mover (${interruptedRun.signal ?? `exit ${interruptedRun.code}`}) with ${recordedAtKill}/${lab.seeded.length} objects recorded`);
        const resumedRun = await lab.process(["move", "--plan", plan, "--manifest", lab.manifest("shard-000")]);
        const resumedSummary = logLines(resumedRun.stdout).find(l => l.msg === "move finished");
        say(`move: resumed run exited ${resumedRun.code}: ${JSON.stringify(pick(resumedSummary ?? {}, ["skipped", "copied", "adopted", "recopied", "failed"]))}`);
        if (resumedRun.code !== 0) say(resumedRun.stderr.trim() || resumedRun.stdout.trim());
        const storedDuringMove = countStored(lab.storedSince(stores0));

        const proofs: Proof[] = [];
        const prove = (name: string, ok: boolean, detail: string) => {
            proofs.push({ name, ok, detail });
            say(`${ok ? "PROVEN" : "FAILED"}: ${name} (${detail})`);
        };
        prove("the first run was killed half-way",
            interruptedRun.signal === "SIGKILL" && recordedAtKill > 0 && recordedAtKill < lab.seeded.length,
            `${interruptedRun.signal ?? `exit ${interruptedRun.code}`} after ${recordedAtKill} of ${lab.seeded.length} objects`);
        prove("the resumed run finished", resumedRun.code === 0, `exit ${resumedRun.code}`);
        const expectedKeys = new Set(lab.seeded.map(o => objectKey(bucketOf(o.container), o.blob)));
        const twice = [...storedDuringMove].filter(([, n]) => n > 1).map(([k]) => k);
        const never = [...expectedKeys].filter(k => !storedDuringMove.has(k));
        prove("nothing was copied twice across the kill", twice.length === 0 && never.length === 0,
            `${storedDuringMove.size} objects stored once each` + (twice.length ? `; stored twice: ${twice.join(", ")}` : "") +
            (never.length ? `; never stored: ${never.join(", ")}` : ""));

        // 2. Independent check against the seed's own checksums, with the target key straight from the token.
        const truth = await lab.checkAgainstSeed();
        prove("every object decrypts under its target key to the source's SHA-256", truth.mismatched.length === 0 && truth.checked === lab.seeded.length,
            `${truth.checked}/${lab.seeded.length} checked` + (truth.mismatched.length ? `; wrong: ${truth.mismatched.join(", ")}` : ""));
        prove("nothing extra appeared on the target", truth.extra.length === 0,
            truth.extra.length ? `extra: ${truth.extra.join(", ")}` : `${truth.onTarget} objects on the target, all seeded`);
        const clean = await lab.verify(plan, ["--read-source"]);
        prove("the mover's verification passes (both listings in full, every object decrypted, the source read again)", clean.exitCode === 0,
            `exit ${clean.exitCode}; source ${clean.report?.source.objects} objects, target ${clean.report?.target.objects}, verified ${clean.report?.target.verified}`);

        // 3. The source keeps changing: one blob rewritten before the run, and again during it (after its copy).
        const changing = lab.seeded.find(o => o.container === "raw" && o.blob.endsWith(".csv"))!;
        const added = { container: "project-oncoprev", blob: "extract-2025-q1/late-arrival.csv" };
        lab.seeded = replace(lab.seeded, await rewrite(lab.service, lab.seedContainers[0], changing.blob, Buffer.from("pseudo_id,year\nrewritten,2025\n")));
        lab.seeded = [...lab.seeded, await rewrite(lab.service, lab.seedContainers[2], added.blob, Buffer.from("pseudo_id,year\nlate,2025\n"))];
        const storedBefore = lab.s3.stored.length;
        let duringRun: Promise<SeededObject> | undefined;
        const progress = new (class extends Progress {
            log(level: Level, msg: string, fields: Record<string, unknown> = {}) {
                // The moment the changed blob has been copied again, it changes once more: only the delta pass can see it.
                if (msg === "object recopied" && fields.blob === changing.blob && !duringRun) {
                    duringRun = rewrite(lab.service, lab.seedContainers[0], changing.blob, Buffer.from("pseudo_id,year\nrewritten-again,2026\n"));
                }
                super.log(level, msg, fields);
            }
        })({ stdout: new PassThrough().resume(), stderr: new PassThrough().resume() }, false);
        const opened = openContext(readPlan(plan), { index: 0, count: 1 }, progress);
        const manifest = Manifest.open(lab.manifest("shard-000"));
        let deltaSummary: MoveSummary;
        try {
            deltaSummary = await move({ ...opened.ctx, source: new SlowListing(opened.ctx.source, () => duringRun) }, manifest, { concurrency: options.concurrency, segmentSize: 256 * 1024 });
        } finally {
            manifest.close();
            opened.close();
        }
        if (duringRun) lab.seeded = replace(lab.seeded, await duringRun);
        const deltaStored = lab.storedSince(storedBefore);
        prove("changes at the source after their copy are caught and copied again",
            deltaSummary.recopied === 2 && deltaSummary.copied === 1 && deltaStored.length === 3 && duringRun !== undefined,
            `recopied ${deltaSummary.recopied} (before and during the run), new ${deltaSummary.copied}, ` +
            `skipped ${deltaSummary.skipped}, target writes ${deltaStored.length}`);
        const changed = lab.seeded.filter(o => o.blob === changing.blob || o.blob === added.blob);
        const afterDelta = await lab.checkAgainstSeed(changed);
        prove("after the delta pass the target holds the changed source's latest content", afterDelta.mismatched.length === 0 && afterDelta.extra.length === 0 && afterDelta.checked === changed.length,
            `${afterDelta.checked}/${changed.length} changed objects checked, ${afterDelta.onTarget} on the target` + (afterDelta.mismatched.length ? `; wrong: ${afterDelta.mismatched.join(", ")}` : ""));

        // 4. Damage on the target fails verification, naming each object; a re-run repairs what it can.
        const smalls = lab.seeded.filter(o => o.container === "project-oncoprev" && o.blob.endsWith(".csv"));
        const corrupt = smalls[0];
        const missing = smalls[1];
        const extraKey = "extract-2024-q4/not-from-the-source.csv";
        const bytes = await lab.getRaw(bucketOf(corrupt.container), corrupt.blob);
        bytes[bytes.length - 100] ^= 0x01; // one flipped bit, as a failing disk or a bad copy would leave
        await lab.putRaw(bucketOf(corrupt.container), corrupt.blob, bytes);
        await lab.deleteRaw(bucketOf(missing.container), missing.blob);
        await lab.putRaw("hdw-raw", extraKey, Buffer.from("unexpected\n"));
        const tampered = await lab.verify(plan);
        const kinds = new Map((tampered.report?.problems ?? []).map(p => [`${p.bucket}/${p.key}`, p.kind]));
        prove("a corrupted, a missing and an extra object fail verification with a non-zero exit",
            tampered.exitCode === 1 && kinds.get(`hdw-oncoprev/${corrupt.blob}`) === "corrupt" &&
            kinds.get(`hdw-oncoprev/${missing.blob}`) === "missing" && kinds.get(`hdw-raw/${extraKey}`) === "extra" && kinds.size === 3,
            `exit ${tampered.exitCode}; ${[...kinds].map(([k, v]) => `${v}: ${k}`).join("; ")}`);
        const rerun = await lab.move(plan, "shard-000");
        await lab.deleteRaw("hdw-raw", extraKey); // an extra object is a person's decision, never the mover's
        const repaired = await lab.verify(plan);
        const repairedTruth = await lab.checkAgainstSeed([corrupt, missing]);
        prove("re-running the mover repairs what verification reported",
            rerun.exitCode === 0 && repaired.exitCode === 0 && repairedTruth.checked === 2,
            `move exit ${rerun.exitCode} (copied ${rerun.summary?.copied}, recopied ${rerun.summary?.recopied}); verify exit ${repaired.exitCode}; ` +
            `${repairedTruth.checked}/2 repaired objects decrypt to the source's content`);

        // 5. Crypto-shredding: the source key goes, the source's client-side data with it; a project's key, its copy.
        const shredded = lab.seeded.find(o => o.container === "project-covidlong")!;
        lab.token.destroyKey("src-covidlong");
        const sourceReadable = await readSource(plan, shredded).then(() => true, () => false);
        const targetStill = await lab.checkAgainstSeed([shredded]);
        prove("after destroying the source key the source is unreadable and the target intact",
            !sourceReadable && targetStill.mismatched.length === 0 && targetStill.checked === 1,
            `source ${sourceReadable ? "STILL readable" : "unreadable"}; target copy ${targetStill.mismatched.length ? "damaged" : "decrypts"}`);
        const projectObjects = lab.seeded.filter(o => o.container === "project-oncoprev");
        lab.token.destroyKey(routeOf("project-oncoprev").keyId);
        const projectGone = await lab.checkAgainstSeed(projectObjects);
        const platformStill = await lab.checkAgainstSeed(lab.seeded.filter(o => o.container === "raw"));
        prove("after destroying a project's target key none of its objects can be read, and other scopes are intact",
            projectGone.checked === 0 && projectGone.mismatched.length === projectObjects.length && platformStill.mismatched.length === 0,
            `${projectGone.mismatched.length}/${projectObjects.length} project objects unreadable; ${platformStill.checked} platform objects still decrypt`);

        // The mover's own ceiling, in memory, by thread; then the projection of the production move from it.
        say("measuring the mover's ceiling in memory (check, decrypt, hash, encrypt; 2 worker threads)");
        const copy = await measureCeiling({ source: "range-md5", workers: 2, objectBytes: 32 * 1024 * 1024, objects: 4, concurrency: 4 });
        const verifyCeiling = await measureVerifyCeiling(32 * 1024 * 1024, 4);
        // The verification decrypts on the main thread: one core's worth, whatever the pod has.
        const ceiling: Ceiling = {
            copy, verify: verifyCeiling, podCopyBytesPerSecond: copy.podBytesPerSecond(2), podVerifyBytesPerSecond: verifyCeiling.perCoreBytesPerSecond,
        };
        const emulator = Number(resumedSummary?.bytesPerSecond ?? 0);
        const p = options.production;
        const projectionInput = {
            volumeBytes: parseSize(p.volume), objects: p.objects, unchecksummedShare: p.unchecksummedShare,
            bandwidthBitsPerSecond: parseBandwidth(p.bandwidth), utilisation: p.utilisation, pods: p.pods, shards: p.shards, routes: p.routes,
            concurrency: p.concurrency, podCopyBytesPerSecond: ceiling.podCopyBytesPerSecond, podVerifyBytesPerSecond: ceiling.podVerifyBytesPerSecond,
            roundTripMs: p.roundTripMs, keyServiceCallsPerSecond: p.keyServiceCallsPerSecond,
            clientSideShare: p.clientSideShare, sourceKeyCallsPerSecond: p.sourceKeyCallsPerSecond, runs: 2, windowSeconds: p.windowDays * 86400,
            partSize: DEFAULT_PART_SIZE, rangeSize: RANGE_MD5_LIMIT,
        };
        const projection = project(projectionInput);
        say(`ceiling: ${formatBytes(copy.perCoreBytesPerSecond)}/s per core, a 2-vCPU pod ${formatBytes(ceiling.podCopyBytesPerSecond)}/s ` +
            `(main thread ${copy.mainThreadSeconds.toFixed(2)} s of ${copy.cpuSeconds.toFixed(2)} CPU s); verification ${formatBytes(verifyCeiling.perCoreBytesPerSecond)}/s per core; ` +
            `the emulators moved ${formatBytes(emulator)}/s (their speed, not the mover's)`);
        say(`projection: ${p.volume} in ${p.objects.toLocaleString("en")} objects over ${p.bandwidth} (${Math.round(p.utilisation * 100)}% usable), ` +
            `${p.pods} pods: ${formatDuration(projection.seconds)}, bound by ${projection.bottleneck}; ` +
            `${projection.keyServiceCalls.total.toLocaleString("en")} key-service calls (one per object would be ${projection.perObjectKeyCalls.calls.toLocaleString("en")}), ` +
            `${projection.sourceKeyCalls.toLocaleString("en")} source Key Vault unwraps (${Math.round(p.clientSideShare * 100)}% client-side); ` +
            (projection.fitsWindow ? `within ${p.windowDays} days` : `NOT within ${p.windowDays} days: ${projection.prevents}`));
        return {
            proofs, seeded: lab.seeded, interrupted: { run: interruptedRun, recordedAtKill, killedAtBytes },
            resumed: { run: resumedRun, summary: resumedSummary }, storedDuringMove,
            delta: { summary: deltaSummary, stored: deltaStored },
            verifyClean: clean,
            verifyTampered: { ...tampered, tampered: { corrupt: `hdw-oncoprev/${corrupt.blob}`, missing: `hdw-oncoprev/${missing.blob}`, extra: `hdw-raw/${extraKey}` } },
            repaired, emulatorBytesPerSecond: emulator, ceiling, projection, projectionInput, seconds: (Date.now() - started) / 1000,
        };
    } finally {
        await lab.close();
    }
}

function replace(seeded: SeededObject[], changed: SeededObject): SeededObject[] {
    return seeded.map(o => (o.container === changed.container && o.blob === changed.blob ? changed : o));
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    return Object.fromEntries(keys.filter(k => k in o).map(k => [k, o[k]]));
}

function countStored(events: readonly StoredEvent[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(objectKey(e.bucket, e.key), (counts.get(objectKey(e.bucket, e.key)) ?? 0) + 1);
    return counts;
}

/**
 * The source as the mover sees it, except that a listing started after the mid-run rewrite was triggered waits for
 * that rewrite to land: the change then happens, deterministically, between the object's copy and the delta pass.
 */
class SlowListing implements SourceStore {
    constructor(private readonly inner: SourceStore, private readonly pending: () => Promise<unknown> | undefined) {}
    get endpoint() { return this.inner.endpoint; }
    get account() { return this.inner.account; }
    containerExists(container: string) { return this.inner.containerExists(container); }
    topLevelUnits(container: string) { return this.inner.topLevelUnits(container); }
    read(blob: SourceBlob, range?: { offset: number; count: number; md5: boolean }) { return this.inner.read(blob, range); }
    async *list(container: string, unit: string) {
        const change = this.pending();
        if (change) await change;
        yield* this.inner.list(container, unit);
    }
}

async function readSource(planFile: string, o: SeededObject): Promise<void> {
    const plan = readPlan(planFile);
    const opened = openContext(plan, { index: 0, count: 1 }, new Progress({ stdout: new PassThrough(), stderr: new PassThrough() }, false));
    try {
        const route = routeOf(o.container);
        const unit = o.blob.includes("/") ? o.blob.slice(0, o.blob.indexOf("/") + 1) : "";
        let blob: SourceBlob | undefined;
        for await (const b of opened.ctx.source.list(o.container, unit)) if (b.name === o.blob) blob = b;
        if (!blob) throw new Error(`${o.blob} is not at the source`);
        const src = await openChecked(opened.ctx.source, blob, route, opened.ctx.sourceKeys);
        await pipeline(src.body, new PassThrough().resume());
    } finally {
        opened.close();
    }
}
