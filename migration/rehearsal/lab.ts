// The rehearsal's laboratory, shared by `rehearse data` and the chaos suite: a private SoftHSM token with the target
// keys and the source's client-side key, Azurite as the source and s3rver as the target, each behind a front
// (fronts.ts) that can stall, corrupt in transit and count bytes, seeded data, and the plan and settings directories
// written exactly as the Job mounts them. Mover runs go through the real command, in this process or as a separate
// process that can be killed.

import { PutObjectCommand } from "@aws-sdk/client-s3";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough, Writable } from "stream";
import { pipeline } from "stream/promises";
import { Pkcs11Token } from "../keys/pkcs11";
import { runMover } from "../mover/command";
import { EnvelopeDecryptor, EnvelopeHeader } from "../mover/envelope";
import { readAll } from "../mover/inspect";
import { Manifest } from "../mover/manifest";
import { Route } from "../mover/plan";
import { S3Target } from "../mover/target";
import { VerifyReport } from "../mover/verify";
import { DeclaredBucket, Front, startFront, startS3Front } from "./fronts";
import { MoverRun, logLines, runMoverProcess } from "./mover-process";
import { SeedContainer, SeedOptions, SeededObject, seed } from "./seed";
import { AZURITE_ACCOUNT, AZURITE_KEY, Azurite, S3RVER_CREDENTIALS, S3Server, StoredEvent, startAzurite, startS3Server } from "./servers";
import { SoftHsmToken, createSoftHsmToken } from "./softhsm";

export const SCOPES = { platform: "platform", a: "oncoprev", b: "covidlong" } as const;

/** The rehearsal's routes, with the protections a target stack declares for each bucket. */
export const ROUTES: Route[] = [
    { container: "raw", bucket: "hdw-raw", keyId: "tgt-platform", scope: SCOPES.platform, sourceEncryption: "service-side",
        protections: { versioning: true, objectLock: { mode: "COMPLIANCE", days: 365 }, abortIncompleteMultipartUploadDays: 1 } },
    { container: "curated", bucket: "hdw-curated", keyId: "tgt-platform", scope: SCOPES.platform, sourceEncryption: "service-side",
        protections: { versioning: true, noncurrentVersionExpirationDays: 90, abortIncompleteMultipartUploadDays: 1 } },
    { container: "project-oncoprev", bucket: "hdw-oncoprev", keyId: "tgt-oncoprev", scope: SCOPES.a, sourceEncryption: "service-side",
        protections: { versioning: true, abortIncompleteMultipartUploadDays: 1 } },
    { container: "project-covidlong", bucket: "hdw-covidlong", keyId: "tgt-covidlong", scope: SCOPES.b, sourceEncryption: "client-side-v2",
        protections: { versioning: true, abortIncompleteMultipartUploadDays: 1 } },
];
export const SOURCE_KEY = "src-covidlong";

/** How the rehearsal's buckets are configured: as the routes declare (s3rver has none of it: the S3 front answers). */
export function declaredBuckets(): Map<string, DeclaredBucket> {
    return new Map(ROUTES.map(r => [r.bucket, {
        versioning: r.protections?.versioning ? "Enabled" : "Off",
        objectLock: r.protections?.objectLock, noncurrentVersionExpirationDays: r.protections?.noncurrentVersionExpirationDays,
        abortIncompleteMultipartUploadDays: r.protections?.abortIncompleteMultipartUploadDays,
    } as DeclaredBucket]));
}

export const bucketOf = (container: string) => ROUTES.find(r => r.container === container)!.bucket;
export const routeOf = (container: string) => ROUTES.find(r => r.container === container)!;
export const objectKey = (bucket: string, key: string) => `${bucket}/${key}`;

export interface MoverResult {
    readonly exitCode: number;
    readonly lines: any[];
    readonly report?: VerifyReport;
    readonly summary?: any;
}

export interface LabOptions extends SeedOptions {
    readonly workDir?: string;
    readonly keep?: boolean;
    readonly concurrency: number;
    readonly say: (text: string) => void;
}

export class Lab {
    readonly env: Record<string, string>;
    seeded: SeededObject[] = [];
    private readonly cleanups: (() => Promise<void> | void)[] = [];
    readonly plans = new Map<string, string>();

    private constructor(readonly work: string, readonly options: LabOptions, readonly hsm: SoftHsmToken, readonly token: Pkcs11Token,
                        readonly azurite: Azurite, readonly s3: S3Server, readonly sourceFront: Front, readonly targetFront: Front,
                        readonly service: BlobServiceClient, readonly target: S3Target, readonly seedContainers: SeedContainer[],
                        /** The buckets' configuration the S3 front answers with: a scenario may change it. */
                        readonly declared: Map<string, DeclaredBucket>) {
        this.env = { SOFTHSM2_CONF: hsm.conf };
    }

    static async start(options: LabOptions): Promise<Lab> {
        const work = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "hdw-data-rehearsal-"));
        fs.mkdirSync(work, { recursive: true });
        const undo: (() => Promise<void> | void)[] = [];
        try {
            // Keys: a private SoftHSM token with one target key per scope and the source's client-side key.
            const hsm = createSoftHsmToken(path.join(work, "softhsm"));
            const token = new Pkcs11Token({ module: hsm.module, tokenLabel: hsm.label, pin: hsm.pin });
            undo.push(() => token.close());
            for (const k of [...new Set(ROUTES.map(r => r.keyId)), SOURCE_KEY]) token.ensureAesKey(k);
            options.say(`keys: SoftHSM token "${hsm.label}" with ${new Set(ROUTES.map(r => r.keyId)).size} target keys and source key ${SOURCE_KEY}`);
            const [azurite, s3] = await Promise.all([
                startAzurite(path.join(work, "azurite")).then(a => { undo.push(() => a.stop()); return a; }),
                startS3Server(path.join(work, "s3"), ROUTES.map(r => r.bucket)).then(t => { undo.push(() => t.stop()); return t; }),
            ]);
            const declared = declaredBuckets();
            const sourceFront = await startFront(new URL(azurite.accountUrl).origin);
            undo.push(() => sourceFront.close());
            const targetFront = await startS3Front(s3.endpoint, (b, k) => s3.etagOf(b, k), declared);
            undo.push(() => targetFront.close());
            options.say(`source: Azurite at ${azurite.accountUrl} (front ${sourceFront.url}); target: s3rver at ${s3.endpoint} (front ${targetFront.url})`);
            const service = new BlobServiceClient(azurite.accountUrl, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
            const target = new S3Target({ endpoint: s3.endpoint, region: "us-east-1", ...S3RVER_CREDENTIALS });
            undo.push(() => target.destroy());
            const seedContainers: SeedContainer[] = ROUTES.map(r => ({
                container: r.container,
                clientSideKey: r.sourceEncryption === "client-side-v2" ? token.key(SOURCE_KEY, "aes-key-wrap") : undefined,
            }));
            const lab = new Lab(work, options, hsm, token, azurite, s3, sourceFront, targetFront, service, target, seedContainers, declared);
            lab.cleanups.push(...undo);
            lab.seeded = await seed(service, seedContainers, options);
            lab.writeSettings();
            return lab;
        } catch (e) {
            for (const u of undo.reverse()) { try { await u(); } catch { /* best effort */ } }
            throw e;
        }
    }

    get sourceUrl(): string {
        return `${this.sourceFront.url}/${AZURITE_ACCOUNT}`;
    }

    /** Settings directories, one file per setting, as the Job mounts them; the PIN of the targets' token can be wrong. */
    private writeSettings(): void {
        const dir = path.join(this.work, "config");
        const writeDir = (sub: string, settings: Record<string, string>) => {
            const d = path.join(dir, sub);
            fs.mkdirSync(d, { recursive: true, mode: 0o700 });
            for (const [k, v] of Object.entries(settings)) fs.writeFileSync(path.join(d, k), v, { mode: 0o600 });
            return d;
        };
        const pkcs11 = (pin: string) => ({ PKCS11_MODULE: this.hsm.module, PKCS11_TOKEN_LABEL: this.hsm.label, PKCS11_PIN: pin });
        writeDir("source", { AZURE_STORAGE_ACCOUNT_NAME: AZURITE_ACCOUNT, AZURE_STORAGE_ACCOUNT_KEY: AZURITE_KEY });
        writeDir("source-keys", pkcs11(this.hsm.pin));
        for (const [access, pin] of [["access", this.hsm.pin], ["access-wrong-pin", "not-the-pin"]] as const) {
            for (const scope of new Set(ROUTES.map(r => r.scope))) {
                writeDir(path.join(access, scope), {
                    S3_ENDPOINT: this.targetFront.url, S3_REGION: "us-east-1",
                    S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey, ...pkcs11(pin),
                });
            }
        }
    }

    /** Writes a plan (the base, with changes) and returns its file. */
    plan(name: string, changes: Record<string, unknown> = {}): string {
        const dir = path.join(this.work, "config");
        const file = path.join(dir, `plan-${name}.json`);
        const base = {
            source: { accountUrl: this.sourceUrl, credentialsDir: path.join(dir, "source"), keysDir: path.join(dir, "source-keys") },
            accessDir: path.join(dir, "access"),
            routes: ROUTES,
            concurrency: this.options.concurrency,
            // Small parts and segments so the rehearsal's large objects really go up in several parts.
            partSize: 5 * 1024 * 1024,
            segmentSize: 256 * 1024,
            timeouts: { requestSeconds: 10, idleSeconds: 10, attempts: 3, backoffSeconds: 0.2 },
            keyService: { callsPerSecond: 50 },
        };
        fs.writeFileSync(file, JSON.stringify({ ...base, ...changes }, null, 2));
        this.plans.set(name, file);
        return file;
    }

    manifest(name: string): string {
        return path.join(this.work, "manifests", `${name}.jsonl`);
    }

    /** Runs the mover's command in this process (the same code the image runs), reading its JSON log back. */
    async run(args: string[]): Promise<MoverResult> {
        const out = new PassThrough();
        const chunks: Buffer[] = [];
        out.on("data", c => chunks.push(c));
        const exitCode = await runMover(args, { stdout: out, stderr: out, tty: false, env: { ...process.env, ...this.env } });
        const lines = logLines(Buffer.concat(chunks).toString());
        const report = lines.find(l => /^verification /.test(l.msg));
        return {
            exitCode, lines,
            report: report ? { ok: report.msg === "verification passed", source: report.source, target: report.target, checkedAgainst: report.checkedAgainst, problems: report.problems } : undefined,
            summary: lines.find(l => l.msg === "move finished"),
        };
    }

    async move(plan: string, manifest: string, extra: string[] = []): Promise<MoverResult> {
        return this.run(["move", "--plan", plan, "--manifest", this.manifest(manifest), ...extra]);
    }

    async verify(plan: string, extra: string[] = []): Promise<MoverResult> {
        return this.run(["verify", "--plan", plan, ...extra]);
    }

    /** Runs the mover as its own process, as a Job's container would, so that it can be killed for real. */
    process(args: string[], options: { kill?: (kill: () => void) => void; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<MoverRun> {
        return runMoverProcess(args, { env: this.env, onStart: options.kill, nodeArgs: options.nodeArgs, timeoutMs: options.timeoutMs });
    }

    /** Objects created on the target (PUT or completed upload) since `from`, the mover's own record aside. */
    storedSince(from: number): StoredEvent[] {
        return this.s3.stored.slice(from).filter(e => !e.key.startsWith(".hdw-mover/"));
    }

    /**
     * Decrypts every seeded object from the target with the route's key straight from the token and compares with
     * the seed's SHA-256; lists what the target holds beyond the seed. Independent of the mover's records.
     */
    async checkAgainstSeed(objects: readonly SeededObject[] = this.seeded): Promise<{ checked: number; mismatched: string[]; extra: string[]; onTarget: number }> {
        const mismatched: string[] = [];
        let checked = 0;
        for (const o of objects) {
            const bucket = bucketOf(o.container);
            try {
                const plain = await this.readTarget(bucket, o.blob, routeOf(o.container).keyId);
                const sha = crypto.createHash("sha256").update(plain).digest("hex");
                if (sha !== o.sha256 || plain.length !== o.size) throw new Error("checksum differs");
                checked++;
            } catch (e) {
                mismatched.push(`${bucket}/${o.blob} (${(e as Error).message})`);
            }
        }
        const expected = new Set(this.seeded.map(o => objectKey(bucketOf(o.container), o.blob)));
        const extra: string[] = [];
        let onTarget = 0;
        for (const bucket of new Set(ROUTES.map(r => r.bucket))) {
            for (const prefix of await this.target.topLevelPrefixes(bucket)) {
                for await (const o of this.target.list(bucket, prefix)) {
                    if (o.key.startsWith(".hdw-mover/")) continue;
                    onTarget++;
                    if (!expected.has(objectKey(bucket, o.key))) extra.push(objectKey(bucket, o.key));
                }
            }
        }
        return { checked, mismatched, extra, onTarget };
    }

    /** A target object's plaintext, decrypted with `keyId` from the token only (refusing any other key). */
    async readTarget(bucket: string, key: string, keyId: string): Promise<Buffer> {
        const object = await this.target.get(bucket, key);
        const dec = new EnvelopeDecryptor(async (h: EnvelopeHeader) => {
            if (h.keyId !== keyId) throw new Error(`wrapped under ${h.keyId}, expected ${keyId}`);
            return this.token.key(keyId).unwrap(h.wrappedKey);
        });
        const chunks: Buffer[] = [];
        // pipeline, not pipe: a refused key must close the object's stream too, not leave it open to fail later.
        await pipeline(object.body, dec, new Writable({ write(c, _e, done) { chunks.push(c); done(); } }));
        return Buffer.concat(chunks);
    }

    /** Puts raw bytes on the target, bypassing the mover and its front (someone with write access to the bucket). */
    async putRaw(bucket: string, key: string, bytes: Buffer): Promise<void> {
        await this.target.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    }

    async getRaw(bucket: string, key: string): Promise<Buffer> {
        return readAll((await this.target.get(bucket, key)).body);
    }

    async deleteRaw(bucket: string, key: string): Promise<void> {
        await this.target.delete(bucket, key, {});
    }

    recorded(manifest: string): number {
        try {
            return Manifest.read(this.manifest(manifest)).filter(l => l.event !== "run").length;
        } catch {
            return 0;
        }
    }

    async close(): Promise<void> {
        for (const c of this.cleanups.reverse()) {
            try { await c(); } catch { /* best effort: the rest must still be cleaned */ }
        }
        if (!this.options.keep && !this.options.workDir) fs.rmSync(this.work, { recursive: true, force: true });
        else this.options.say(`work directory kept: ${this.work}`);
    }
}
