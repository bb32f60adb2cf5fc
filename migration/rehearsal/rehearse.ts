// The data-move rehearsal, end to end on one machine: Azurite as the Azure source, s3rver as the S3 target, a
// private SoftHSM token as the key service. It seeds synthetic research data, moves it with the real mover in a
// separate process that it kills half-way, resumes it, and then proves, from what the servers hold rather than
// from what the mover says:
//   1. every object arrived, decrypts under the target key to the source's SHA-256, and nothing extra appeared;
//   2. the killed run resumed without losing or re-copying anything (each object stored exactly once);
//   3. objects changed at the source after their copy, even during a run, are caught and copied again;
//   4. a corrupted, a missing and an unexpected object on the target fail verification with a non-zero exit;
//   5. destroying the source key (crypto-shredding) leaves the source unreadable and the target intact.

import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough, Writable } from "stream";
import { pipeline } from "stream/promises";
import { Pkcs11Token } from "../keys/pkcs11";
import { EXIT, runMover } from "../mover/command";
import { EnvelopeDecryptor, associatedData, headerFromMetadata } from "../mover/envelope";
import { Manifest } from "../mover/manifest";
import { MoveSummary, move } from "../mover/mover";
import { forEachLimited } from "../mover/pool";
import { Route } from "../mover/plan";
import { Level, Progress, formatBytes } from "../mover/progress";
import { Projection, formatDuration, parseBandwidth, parseSize, project } from "../mover/projection";
import { openContext, readPlan } from "../mover/settings";
import { openSourcePlaintext, readAll } from "../mover/streams";
import { S3Target } from "../mover/target";
import { AzureBlobSource, SourceBlob } from "../mover/source";
import { VerifyReport } from "../mover/verify";
import { logLines, runMoverProcess, MoverRun } from "./mover-process";
import { SeedContainer, SeededObject, rewrite, seed } from "./seed";
import { AZURITE_ACCOUNT, AZURITE_KEY, S3RVER_CREDENTIALS, StoredEvent, startAzurite, startS3Server } from "./servers";
import { createSoftHsmToken } from "./softhsm";

export interface RehearsalIo {
    readonly stdout: Writable;
    readonly stderr: Writable;
    readonly tty?: boolean;
}

export interface RehearsalOptions {
    readonly smallPerContainer: number;
    readonly largeCount: number;
    readonly largeBytes: number;
    readonly concurrency: number;
    /** Where to work; a fresh temporary directory by default, removed at the end unless `keep`. */
    readonly workDir?: string;
    readonly keep?: boolean;
    /** The production migration to project the measured throughput onto. */
    readonly production: { volume: string; objects: number; bandwidth: string; pods: number; roundTripMs: number; utilisation: number };
}

export const DEFAULT_OPTIONS: RehearsalOptions = {
    smallPerContainer: 36,
    largeCount: 3,
    largeBytes: 6 * 1024 * 1024,
    concurrency: 6,
    production: { volume: "250TiB", objects: 40_000_000, bandwidth: "10Gbit/s", pods: 16, roundTripMs: 12, utilisation: 0.7 },
};

export interface Proof {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
}

export interface RehearsalResult {
    readonly proofs: Proof[];
    readonly seeded: readonly SeededObject[];
    readonly interrupted: { readonly run: MoverRun; readonly recordedAtKill: number };
    readonly resumed: { readonly run: MoverRun; readonly summary: any };
    /** Object creations on the target per bucket/key during the interrupted and resumed runs together. */
    readonly storedDuringMove: ReadonlyMap<string, number>;
    readonly delta: { readonly summary: MoveSummary; readonly stored: readonly StoredEvent[] };
    readonly verifyClean: { readonly exitCode: number; readonly report?: VerifyReport };
    readonly verifyTampered: { readonly exitCode: number; readonly report?: VerifyReport; readonly tampered: { corrupt: string; missing: string; extra: string } };
    readonly throughputBytesPerSecond: number;
    readonly projection: Projection;
    readonly seconds: number;
}

const SCOPES = { platform: "platform", a: "oncoprev", b: "covidlong" } as const;
const ROUTES: Route[] = [
    { container: "raw", bucket: "hdw-raw", keyId: "tgt-platform", scope: SCOPES.platform, sourceEncryption: "service-side" },
    { container: "curated", bucket: "hdw-curated", keyId: "tgt-platform", scope: SCOPES.platform, sourceEncryption: "service-side" },
    { container: "project-oncoprev", bucket: "hdw-oncoprev", keyId: "tgt-oncoprev", scope: SCOPES.a, sourceEncryption: "service-side" },
    { container: "project-covidlong", bucket: "hdw-covidlong", keyId: "tgt-covidlong", scope: SCOPES.b, sourceEncryption: "client-side-v2" },
];
const SOURCE_KEY = "src-covidlong";

const objectKey = (bucket: string, key: string) => `${bucket}/${key}`;

export async function rehearse(options: RehearsalOptions, io: RehearsalIo): Promise<RehearsalResult> {
    const started = Date.now();
    const say = (text: string) => io.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
    const work = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "hdw-data-rehearsal-"));
    const cleanups: (() => Promise<void> | void)[] = [];
    try {
        // Keys: a private SoftHSM token with one target key per scope and the source's client-side key.
        const hsm = createSoftHsmToken(path.join(work, "softhsm"));
        const token = new Pkcs11Token({ module: hsm.module, tokenLabel: hsm.label, pin: hsm.pin });
        cleanups.push(() => token.close());
        for (const k of [...new Set(ROUTES.map(r => r.keyId)), SOURCE_KEY]) token.ensureAesKey(k);
        say(`keys: SoftHSM token "${hsm.label}" with ${ROUTES.length - 1} target keys and source key ${SOURCE_KEY}`);

        const [azurite, s3] = await Promise.all([
            startAzurite(path.join(work, "azurite")).then(a => { cleanups.push(() => a.stop()); return a; }),
            startS3Server(path.join(work, "s3"), ROUTES.map(r => r.bucket)).then(t => { cleanups.push(() => t.stop()); return t; }),
        ]);
        say(`source: Azurite at ${azurite.accountUrl}; target: s3rver at ${s3.endpoint}`);

        const service = new BlobServiceClient(azurite.accountUrl, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
        const seedContainers: SeedContainer[] = ROUTES.map(r => ({
            container: r.container,
            clientSideKey: r.sourceEncryption === "client-side-v2" ? token.key(SOURCE_KEY, "aes-key-wrap") : undefined,
        }));
        let seeded = await seed(service, seedContainers, options);
        const seededBytes = seeded.reduce((n, o) => n + o.size, 0);
        say(`seeded ${seeded.length} objects, ${formatBytes(seededBytes)} in ${ROUTES.length} containers (one client-side encrypted)`);

        const config = writeConfig(work, azurite.accountUrl, s3.endpoint, hsm, options.concurrency, Math.ceil(seededBytes / 3));
        const env = { SOFTHSM2_CONF: hsm.conf };
        const manifestFile = path.join(work, "manifests", "shard-000-of-1.jsonl");
        const target = new S3Target({ endpoint: s3.endpoint, region: "us-east-1", ...S3RVER_CREDENTIALS });
        cleanups.push(() => target.destroy());

        // 1. A run killed half-way (SIGKILL: no handler runs), then resumed.
        const threshold = Math.ceil(seeded.length * 0.4);
        let recordedAtKill = 0;
        const interruptedRun = await runMoverProcess(["move", "--plan", config.throttledPlan, "--manifest", manifestFile], {
            env, killWhen: () => (recordedAtKill = recordedObjects(manifestFile)) >= threshold,
        });
        recordedAtKill = recordedObjects(manifestFile);
        say(`move: killed the mover (pid gone, ${interruptedRun.signal ?? `exit ${interruptedRun.code}`}) with ${recordedAtKill}/${seeded.length} objects recorded`);
        const resumedRun = await runMoverProcess(["move", "--plan", config.plan, "--manifest", manifestFile], { env });
        const resumedSummary = logLines(resumedRun.stdout).find(l => l.msg === "move finished");
        say(`move: resumed run exited ${resumedRun.code}: ${JSON.stringify(pick(resumedSummary ?? {}, ["skipped", "copied", "adopted", "recopied", "failed"]))}`);
        if (resumedRun.code !== 0) say(resumedRun.stderr.trim() || resumedRun.stdout.trim());
        const storedDuringMove = countStored(s3.stored);

        const proofs: Proof[] = [];
        const prove = (name: string, ok: boolean, detail: string) => {
            proofs.push({ name, ok, detail });
            say(`${ok ? "PROVEN" : "FAILED"}: ${name} (${detail})`);
        };
        prove("the first run was killed half-way",
            interruptedRun.signal === "SIGKILL" && recordedAtKill > 0 && recordedAtKill < seeded.length,
            `${interruptedRun.signal ?? `exit ${interruptedRun.code}`} after ${recordedAtKill} of ${seeded.length} objects`);
        prove("the resumed run finished", resumedRun.code === 0, `exit ${resumedRun.code}`);
        const expectedKeys = new Set(seeded.map(o => objectKey(bucketOf(o.container), o.blob)));
        const twice = [...storedDuringMove].filter(([, n]) => n > 1).map(([k]) => k);
        const never = [...expectedKeys].filter(k => !storedDuringMove.has(k));
        prove("nothing was copied twice across the kill", twice.length === 0 && never.length === 0,
            `${storedDuringMove.size} objects stored once each` + (twice.length ? `; stored twice: ${twice.join(", ")}` : "") +
            (never.length ? `; never stored: ${never.join(", ")}` : ""));

        // 2. Independent check against the seed's own checksums, with the target key straight from the token.
        const truth = await checkAgainstSeed(target, token, seeded);
        prove("every object decrypts under its target key to the source's SHA-256", truth.mismatched.length === 0 && truth.checked === seeded.length,
            `${truth.checked}/${seeded.length} checked` + (truth.mismatched.length ? `; wrong: ${truth.mismatched.join(", ")}` : ""));
        prove("nothing extra appeared on the target", truth.extra.length === 0,
            truth.extra.length ? `extra: ${truth.extra.join(", ")}` : `${truth.onTarget} objects on the target, all seeded`);
        const clean = await verifyCommand(config.plan, manifestFile, env, true);
        prove("the mover's verification passes (counts, sizes, plaintext checksums re-read on both sides)", clean.exitCode === EXIT.ok,
            `exit ${clean.exitCode}; source ${clean.report?.source.objects} objects, target ${clean.report?.target.objects}, verified ${clean.report?.target.verified}`);

        // 3. The source keeps changing: one blob rewritten before the run, and again during it (after its copy).
        const changing = seeded.find(o => o.container === "raw" && o.blob.endsWith(".csv"))!;
        const added = { container: "project-oncoprev", blob: "extract-2025-q1/late-arrival.csv" };
        seeded = replace(seeded, await rewrite(service, seedContainers[0], changing.blob, Buffer.from("pseudo_id,year\nrewritten,2025\n")));
        seeded = [...seeded, await rewrite(service, seedContainers[2], added.blob, Buffer.from("pseudo_id,year\nlate,2025\n"))];
        const storedBefore = s3.stored.length;
        let duringRun: Promise<SeededObject> | undefined;
        const plan = readPlan(config.plan);
        const progress = new (class extends Progress {
            log(level: Level, msg: string, fields: Record<string, unknown> = {}) {
                // The moment the changed blob has been copied again, it changes once more: only the delta pass can see it.
                if (msg === "object copied" && fields.blob === changing.blob && !duringRun) {
                    duringRun = rewrite(service, seedContainers[0], changing.blob, Buffer.from("pseudo_id,year\nrewritten-again,2026\n"));
                }
                super.log(level, msg, fields);
            }
        })({ stdout: new PassThrough().resume(), stderr: new PassThrough().resume() }, false);
        const opened = openContext(plan, { index: 0, count: 1 }, progress);
        const manifest = Manifest.open(manifestFile);
        let deltaSummary: MoveSummary;
        try {
            deltaSummary = await move({ ...opened.ctx, source: new SlowListing(opened.ctx.source, () => duringRun) as unknown as AzureBlobSource }, manifest,
                { concurrency: options.concurrency });
        } finally {
            manifest.close();
            opened.close();
        }
        if (duringRun) seeded = replace(seeded, await duringRun);
        const deltaStored = s3.stored.slice(storedBefore);
        prove("changes at the source after their copy are caught and copied again",
            deltaSummary.recopied === 2 && deltaSummary.copied === 1 && deltaStored.length === 3 && duringRun !== undefined,
            `recopied ${deltaSummary.recopied} (before and during the run), new ${deltaSummary.copied}, ` +
            `skipped ${deltaSummary.skipped}, target writes ${deltaStored.length}`);
        const changed = seeded.filter(o => o.blob === changing.blob || o.blob === added.blob);
        const afterDelta = await checkAgainstSeed(target, token, changed, seeded);
        prove("after the delta pass the target holds the changed source's latest content", afterDelta.mismatched.length === 0 && afterDelta.extra.length === 0 && afterDelta.checked === changed.length,
            `${afterDelta.checked}/${changed.length} changed objects checked, ${afterDelta.onTarget} on the target` + (afterDelta.mismatched.length ? `; wrong: ${afterDelta.mismatched.join(", ")}` : ""));

        // 4. Damage on the target must fail verification, naming each object.
        const smalls = seeded.filter(o => o.container === "project-oncoprev" && o.blob.endsWith(".csv"));
        const corrupt = smalls[0];
        const missing = smalls[1];
        const extraKey = "extract-2024-q4/not-from-the-source.csv";
        await corruptObject(target, bucketOf(corrupt.container), corrupt.blob);
        await target.client.send(new DeleteObjectCommand({ Bucket: bucketOf(missing.container), Key: missing.blob }));
        await target.client.send(new PutObjectCommand({ Bucket: "hdw-raw", Key: extraKey, Body: "unexpected\n" }));
        const tampered = await verifyCommand(config.plan, manifestFile, env, false);
        const kinds = new Map((tampered.report?.problems ?? []).map(p => [`${p.bucket}/${p.key}`, p.kind]));
        prove("a corrupted, a missing and an extra object fail verification with a non-zero exit",
            tampered.exitCode === EXIT.problems && kinds.get(`hdw-oncoprev/${corrupt.blob}`) === "corrupt" &&
            kinds.get(`hdw-oncoprev/${missing.blob}`) === "missing" && kinds.get(`hdw-raw/${extraKey}`) === "extra" && kinds.size === 3,
            `exit ${tampered.exitCode}; ${[...kinds].map(([k, v]) => `${v}: ${k}`).join("; ")}`);

        // 5. Crypto-shredding: the source key goes, the source's client-side encrypted data with it.
        const shredded = seeded.find(o => o.container === "project-covidlong")!;
        token.destroyKey(SOURCE_KEY);
        const sourceReadable = await readSource(config.plan, shredded).then(() => true, () => false);
        const targetStill = await checkAgainstSeed(target, token, [shredded], seeded);
        prove("after destroying the source key the source is unreadable and the target intact",
            !sourceReadable && targetStill.mismatched.length === 0 && targetStill.checked === 1,
            `source ${sourceReadable ? "STILL readable" : "unreadable"}; target copy ${targetStill.mismatched.length ? "damaged" : "decrypts"}`);

        const throughput = Number(resumedSummary?.bytesPerSecond ?? 0);
        const p = options.production;
        const projection = project({
            volumeBytes: parseSize(p.volume), objects: p.objects, bandwidthBitsPerSecond: parseBandwidth(p.bandwidth),
            utilisation: p.utilisation, pods: p.pods, concurrency: options.concurrency,
            measuredBytesPerSecondPerPod: throughput, roundTripMs: p.roundTripMs, requestsPerObject: 4,
        });
        say(`throughput: ${formatBytes(throughput)}/s in one mover process on loopback (CPU: decrypt, hash, re-encrypt)`);
        say(`projection: ${p.volume} in ${p.objects.toLocaleString("en")} objects over ${p.bandwidth} (${Math.round(p.utilisation * 100)}% usable) with ` +
            `${p.pods} pods x ${options.concurrency} objects: ${formatDuration(projection.seconds)}, bound by ${projection.bottleneck}`);
        return {
            proofs, seeded, interrupted: { run: interruptedRun, recordedAtKill },
            resumed: { run: resumedRun, summary: resumedSummary }, storedDuringMove,
            delta: { summary: deltaSummary, stored: deltaStored },
            verifyClean: clean,
            verifyTampered: { ...tampered, tampered: { corrupt: `hdw-oncoprev/${corrupt.blob}`, missing: `hdw-oncoprev/${missing.blob}`, extra: `hdw-raw/${extraKey}` } },
            throughputBytesPerSecond: throughput, projection, seconds: (Date.now() - started) / 1000,
        };
    } finally {
        for (const c of cleanups.reverse()) {
            try { await c(); } catch { /* best effort: the rest must still be cleaned */ }
        }
        if (!options.keep && !options.workDir) fs.rmSync(work, { recursive: true, force: true });
        else say(`work directory kept: ${work}`);
    }
}

function bucketOf(container: string): string {
    return ROUTES.find(r => r.container === container)!.bucket;
}

function replace(seeded: SeededObject[], changed: SeededObject): SeededObject[] {
    return seeded.map(o => (o.container === changed.container && o.blob === changed.blob ? changed : o));
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    return Object.fromEntries(keys.filter(k => k in o).map(k => [k, o[k]]));
}

function recordedObjects(manifestFile: string): number {
    try {
        return Manifest.read(manifestFile).filter(l => l.event !== "run").length;
    } catch {
        return 0;
    }
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
class SlowListing {
    constructor(private readonly inner: AzureBlobSource, private readonly pending: () => Promise<unknown> | undefined) {}
    topLevelUnits(container: string) { return this.inner.topLevelUnits(container); }
    open(blob: SourceBlob) { return this.inner.open(blob); }
    async *list(container: string, unit: string) {
        const change = this.pending();
        if (change) await change;
        yield* this.inner.list(container, unit);
    }
}

interface SeedCheck { checked: number; mismatched: string[]; extra: string[]; onTarget: number }

/** Decrypts every seeded object from the target with the key on the token and compares with the seed's SHA-256. */
async function checkAgainstSeed(target: S3Target, token: Pkcs11Token, seeded: readonly SeededObject[],
                                everything: readonly SeededObject[] = seeded): Promise<SeedCheck> {
    const mismatched: string[] = [];
    let checked = 0;
    await forEachLimited(seeded, 8, async o => {
        const bucket = bucketOf(o.container);
        try {
            const object = await target.get(bucket, o.blob);
            const header = headerFromMetadata(object.metadata);
            const route = ROUTES.find(r => r.container === o.container)!;
            if (header.keyId !== route.keyId) throw new Error(`wrapped under ${header.keyId}, expected ${route.keyId}`);
            const dataKey = await token.key(header.keyId).unwrap(header.wrappedKey);
            const decryptor = new EnvelopeDecryptor(dataKey, header, associatedData(o.blob), object.size);
            const plain = await readAll(object.body.pipe(decryptor));
            const sha = crypto.createHash("sha256").update(plain).digest("hex");
            if (sha !== o.sha256 || plain.length !== o.size) throw new Error("checksum differs");
            checked++;
        } catch (e) {
            mismatched.push(`${bucket}/${o.blob} (${(e as Error).message})`);
        }
    });
    const expected = new Set(everything.map(o => objectKey(bucketOf(o.container), o.blob)));
    const extra: string[] = [];
    let onTarget = 0;
    for (const bucket of new Set(everything.map(o => bucketOf(o.container)))) {
        for await (const o of target.list(bucket)) {
            onTarget++;
            if (!expected.has(objectKey(bucket, o.key))) extra.push(objectKey(bucket, o.key));
        }
    }
    return { checked, mismatched, extra, onTarget };
}

async function corruptObject(target: S3Target, bucket: string, key: string): Promise<void> {
    const object = await target.get(bucket, key);
    const bytes = await readAll(object.body);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01; // one flipped bit, as a failing disk or a bad copy would leave
    await target.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, Metadata: object.metadata }));
}

/** Runs `data-mover verify` in this process and reads its report back from the JSON log. */
async function verifyCommand(planFile: string, manifestFile: string, env: Record<string, string>,
                             readSourceAgain: boolean): Promise<{ exitCode: number; report?: VerifyReport }> {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", c => chunks.push(c));
    const exitCode = await runMover(["verify", "--plan", planFile, "--manifest", manifestFile, ...(readSourceAgain ? ["--read-source"] : [])],
        { stdout: out, stderr: out, tty: false, env: { ...process.env, ...env } });
    const line = logLines(Buffer.concat(chunks).toString()).find(l => /^verification /.test(l.msg));
    return { exitCode, report: line ? { ok: line.msg === "verification passed", source: line.source, target: line.target, problems: line.problems } : undefined };
}

async function readSource(planFile: string, o: SeededObject): Promise<void> {
    const plan = readPlan(planFile);
    const opened = openContext(plan, { index: 0, count: 1 }, new Progress({ stdout: new PassThrough(), stderr: new PassThrough() }, false));
    try {
        const route = plan.routes.find(r => r.container === o.container)!;
        const blob = await first(opened.ctx.source.list(o.container, o.blob.includes("/") ? o.blob.slice(0, o.blob.indexOf("/") + 1) : ""), o.blob);
        const src = await openSourcePlaintext(opened.ctx.source, blob, route, opened.ctx.sourceKeys);
        await pipeline([...src.stages, new PassThrough().resume()] as any);
    } finally {
        opened.close();
    }
}

async function first(items: AsyncIterable<any>, name: string): Promise<any> {
    for await (const i of items) if (i.name === name) return i;
    throw new Error(`${name} is not at the source`);
}

interface Config { plan: string; throttledPlan: string }

/** Writes the plan and settings directories exactly as the Job mounts them (one file per setting). */
function writeConfig(work: string, accountUrl: string, s3Endpoint: string, hsm: { module: string; label: string; pin: string },
                     concurrency: number, bytesPerSecond: number): Config {
    const dir = path.join(work, "config");
    const writeDir = (sub: string, settings: Record<string, string>) => {
        const d = path.join(dir, sub);
        fs.mkdirSync(d, { recursive: true, mode: 0o700 });
        for (const [k, v] of Object.entries(settings)) fs.writeFileSync(path.join(d, k), v, { mode: 0o600 });
        return d;
    };
    const pkcs11 = { PKCS11_MODULE: hsm.module, PKCS11_TOKEN_LABEL: hsm.label, PKCS11_PIN: hsm.pin };
    const credentialsDir = writeDir("source", { AZURE_STORAGE_ACCOUNT_NAME: AZURITE_ACCOUNT, AZURE_STORAGE_ACCOUNT_KEY: AZURITE_KEY });
    const keysDir = writeDir("source-keys", pkcs11);
    for (const scope of new Set(ROUTES.map(r => r.scope))) {
        writeDir(path.join("access", scope), {
            S3_ENDPOINT: s3Endpoint, S3_REGION: "us-east-1",
            S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey, ...pkcs11,
        });
    }
    const base = {
        source: { accountUrl, credentialsDir, keysDir },
        accessDir: path.join(dir, "access"),
        routes: ROUTES,
        concurrency,
        // Small parts so the rehearsal's large objects really go up in several parts.
        partSize: 5 * 1024 * 1024,
        segmentSize: 256 * 1024,
    };
    const plan = path.join(dir, "plan.json");
    const throttledPlan = path.join(dir, "plan-throttled.json");
    fs.writeFileSync(plan, JSON.stringify(base, null, 2));
    // The run that gets killed is slowed to a share of the link, so the kill lands with objects in flight.
    fs.writeFileSync(throttledPlan, JSON.stringify({ ...base, maxBytesPerSecond: bytesPerSecond }, null, 2));
    return { plan, throttledPlan };
}

