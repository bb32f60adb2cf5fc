// The mover's own ceiling: how fast one process checks, decrypts, hashes and re-encrypts large objects when the
// source and the target are in memory, so that neither the emulators nor the network count. The stages are the
// mover's own (the source checks of checked-read.ts, the client-side decryption, the envelope encryption inline or
// on worker threads, the upload's cutting into parts); only the network is missing. CPU is counted by thread: the
// main thread's serial work bounds a pod whatever its cores, the total bounds it by its cores. A 2-vCPU pod moves
// at most  bytes / max(main thread seconds, all threads' seconds / 2).

import * as crypto from "crypto";
import * as fs from "fs";
import { Readable, Writable } from "stream";
import { pipeline } from "stream/promises";
import { performance } from "perf_hooks";
import { DataKeys } from "../keys/data-keys";
import { KeyEncryptionKey, staticResolver } from "../keys/key-encryption-key";
import { encryptClientSide, encryptionMetadata } from "../mover/azure-client-side";
import { openChecked } from "../mover/checked-read";
import { CryptoPool, PooledEncryptor } from "../mover/crypto-pool";
import { DEFAULT_SEGMENT_SIZE, EnvelopeDecryptor, EnvelopeEncryptor, EnvelopeHeader, newNonce } from "../mover/envelope";
import { Route } from "../mover/plan";
import { RANGE_MD5_LIMIT, SourceBlob, SourceRead, SourceStore } from "../mover/source";
import { DEFAULT_PART_SIZE, partsOf } from "../mover/target";

/** What the source looks like: a stored Content-MD5 (one read), none (ranges checked by their MD5), or client-side v2. */
export type SourceKind = "content-md5" | "range-md5" | "client-side-v2";

export interface CeilingCase {
    readonly source: SourceKind;
    /** Worker threads that encrypt (0: on the main thread). */
    readonly workers: number;
    readonly objectBytes: number;
    readonly objects: number;
    /** Objects in flight at once, as in a pod. */
    readonly concurrency: number;
}

export interface CeilingResult extends CeilingCase {
    readonly bytes: number;
    readonly wallSeconds: number;
    /** CPU of the whole process (every thread). */
    readonly cpuSeconds: number;
    /** CPU of the main thread alone (Linux per-thread accounting; the whole process elsewhere). */
    readonly mainThreadSeconds: number;
    /** Bytes per CPU-second: what one core does. */
    readonly perCoreBytesPerSecond: number;
    /** Bytes per second of a pod of `vcpus` cores: bounded by its main thread and by its cores. */
    readonly podBytesPerSecond: (vcpus: number) => number;
}

/** Decryption and hashing of what the mover wrote: the verification's ceiling (target in memory). */
export interface VerifyCeiling {
    readonly bytes: number;
    readonly cpuSeconds: number;
    readonly perCoreBytesPerSecond: number;
}

const CHUNK = 64 * 1024;

/**
 * CPU seconds of the main JavaScript thread alone, from Linux's per-thread accounting (/proc/self/task/<pid>/stat,
 * fields utime and stime, in clock ticks of 10 ms); undefined elsewhere. Node 20 has no per-thread CPU API.
 */
export function mainThreadCpuSeconds(): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
        return undefined;
    }
}

/** A source in memory serving `objects` copies of one random body, with the checksums Azure would give. */
class MemorySource implements SourceStore {
    readonly endpoint = { role: "source" as const, host: "memory" };
    readonly account = "memory";
    private readonly stored: Buffer;
    private readonly md5: string;
    private readonly metadata: Record<string, string> = {};

    constructor(private readonly kind: SourceKind, plain: Buffer, kek?: { contentKey: Buffer; wrapped: string }) {
        if (kind === "client-side-v2") {
            this.stored = encryptClientSide(plain, kek!.contentKey, 4 * 1024 * 1024);
            this.metadata = { encryptiondata: encryptionMetadata("src", "A256KW", kek!.wrapped, 4 * 1024 * 1024) };
        } else {
            this.stored = plain;
        }
        this.md5 = crypto.createHash("md5").update(this.stored).digest("base64");
    }

    blob(i: number): SourceBlob {
        return { container: "c", name: `o${i}`, size: this.stored.length, etag: '"e"', lastModified: "2026-01-01T00:00:00.000Z",
            contentMd5: this.kind === "range-md5" ? undefined : this.md5 };
    }

    async containerExists() { return true; }
    async topLevelUnits() { return [""]; }
    async *list(): AsyncGenerator<SourceBlob> { /* not used */ }

    async read(_blob: SourceBlob, range?: { offset: number; count: number; md5: boolean }): Promise<SourceRead> {
        const bytes = range ? this.stored.subarray(range.offset, range.offset + range.count) : this.stored;
        // The service computes a range's MD5 on its side; here it is precomputed so that only the mover's work counts.
        return { body: Readable.from(slices(bytes)), metadata: this.metadata, rangeMd5: range?.md5 ? this.rangeMd5(range.offset, range.count) : undefined };
    }

    private readonly rangeMd5s = new Map<string, string>();

    private rangeMd5(offset: number, count: number): string {
        const id = `${offset}:${count}`;
        let v = this.rangeMd5s.get(id);
        if (!v) {
            v = crypto.createHash("md5").update(this.stored.subarray(offset, offset + count)).digest("base64");
            this.rangeMd5s.set(id, v);
        }
        return v;
    }
}

function* slices(b: Buffer): Generator<Buffer> {
    for (let i = 0; i < b.length; i += CHUNK) yield b.subarray(i, i + CHUNK);
}

/** The target in memory: cuts the body into upload parts with S3Target's own code, then drops them. */
async function memoryTarget(body: Readable, partSize: number): Promise<void> {
    for await (const part of partsOf(body, partSize)) if (part.size === 0) break;
}

function localKek(): KeyEncryptionKey {
    const kek = crypto.randomBytes(32);
    const iv = Buffer.from("A65959A6", "hex");
    return {
        keyId: "k", wrapping: "local",
        async wrap(k) { const c = crypto.createCipheriv("id-aes256-wrap-pad", kek, iv); return Buffer.concat([c.update(k), c.final()]).toString("base64"); },
        async unwrap(w) { const d = crypto.createDecipheriv("id-aes256-wrap-pad", kek, iv); return Buffer.concat([d.update(Buffer.from(w, "base64")), d.final()]); },
    };
}

export async function measureCeiling(c: CeilingCase): Promise<CeilingResult> {
    const plain = crypto.randomBytes(c.objectBytes);
    const route: Route = { container: "c", bucket: "b", keyId: "k", scope: "s", sourceEncryption: c.source === "client-side-v2" ? "client-side-v2" : "service-side" };
    const kek = localKek();
    const contentKey = crypto.randomBytes(32);
    // Azure's client-side v2 wraps the protocol version with the content key (azure-client-side.ts).
    const wrapped = await kek.wrap(Buffer.concat([Buffer.from("2.0\0\0\0\0\0"), contentKey]));
    const source = new MemorySource(c.source, plain, { contentKey, wrapped });
    const keys = new DataKeys(staticResolver([kek]), { callsPerSecond: 1000, attempts: 1, backoffMs: 1 });
    const writing = await keys.forWriting("k");
    const pool = c.workers > 0 ? new CryptoPool(c.workers) : undefined;
    const sourceKeys = staticResolver([{ ...kek, keyId: "src" }]);
    try {
        // Warm up (JIT, every worker's start and first objects) before counting: as many objects as will be in flight.
        await Promise.all(Array.from({ length: c.concurrency }, (_, i) => copyOne(source, i, route, writing, sourceKeys, pool)));
        const cpu0 = process.cpuUsage();
        const main0 = mainThreadCpuSeconds();
        const wall0 = performance.now();
        let next = 0;
        const lane = async () => { for (let i = next++; i < c.objects; i = next++) await copyOne(source, i, route, writing, sourceKeys, pool); };
        await Promise.all(Array.from({ length: c.concurrency }, lane));
        const wallSeconds = (performance.now() - wall0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        const main = mainThreadCpuSeconds();
        const mainThreadSeconds = Math.max(main !== undefined && main0 !== undefined ? main - main0 : cpuSeconds, 0.001);
        const bytes = c.objectBytes * c.objects;
        return {
            ...c, bytes, wallSeconds, cpuSeconds, mainThreadSeconds,
            perCoreBytesPerSecond: bytes / cpuSeconds,
            podBytesPerSecond: (vcpus: number) => bytes / Math.max(mainThreadSeconds, cpuSeconds / vcpus),
        };
    } finally {
        await pool?.close();
    }
}

async function copyOne(source: MemorySource, i: number, route: Route, writing: { keyId: string; wrapping: string; dataKey: Buffer; wrappedKey: string },
                       sourceKeys: ReturnType<typeof staticResolver>, pool: CryptoPool | undefined): Promise<void> {
    const blob = source.blob(i);
    const checked = await openChecked(source, blob, route, sourceKeys, RANGE_MD5_LIMIT);
    const header: EnvelopeHeader = {
        bucket: "b", key: blob.name, scope: "s", keyId: writing.keyId, wrapping: writing.wrapping, wrappedKey: writing.wrappedKey,
        nonce: newNonce(), segmentSize: DEFAULT_SEGMENT_SIZE, size: checked.plaintextSize,
        source: { account: "memory", container: "c", blob: blob.name, etag: blob.etag, lastModified: blob.lastModified, length: blob.size,
            ...(blob.contentMd5 ? { contentMd5: blob.contentMd5 } : {}), encryption: checked.encryption, check: checked.check },
    };
    const encryptor = pool ? new PooledEncryptor(pool, writing.dataKey, header) : new EnvelopeEncryptor(writing.dataKey, header);
    await Promise.all([pipeline(checked.body, encryptor), memoryTarget(encryptor, DEFAULT_PART_SIZE)]);
}

/** Decrypts and hashes `objects` objects of `objectBytes` (the verification's work on the target's side), in memory. */
export async function measureVerifyCeiling(objectBytes: number, objects: number): Promise<VerifyCeiling> {
    const dataKey = crypto.randomBytes(32);
    const plain = crypto.randomBytes(objectBytes);
    const header: EnvelopeHeader = {
        bucket: "b", key: "o", scope: "s", keyId: "k", wrapping: "w", wrappedKey: "d3JhcHBlZA==", nonce: newNonce(), segmentSize: DEFAULT_SEGMENT_SIZE,
        size: objectBytes, source: { account: "a", container: "c", blob: "o", etag: '"e"', lastModified: "2026-01-01T00:00:00.000Z", length: objectBytes, encryption: "service-side", check: "range-md5" },
    };
    const chunks: Buffer[] = [];
    await pipeline(Readable.from(slices(plain)), new EnvelopeEncryptor(dataKey, header), new Writable({ write(c, _e, d) { chunks.push(c); d(); } }));
    const stored = Buffer.concat(chunks);
    const decrypt = () => pipeline(Readable.from(slices(stored)), new EnvelopeDecryptor(async () => dataKey, { storedSize: stored.length, md5: true }), new Writable({ write(_c, _e, d) { d(); } }));
    await decrypt(); // warm-up: JIT
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < objects; i++) {
        await pipeline(Readable.from(slices(stored)), new EnvelopeDecryptor(async () => dataKey, { storedSize: stored.length, md5: true }), new Writable({ write(_c, _e, d) { d(); } }));
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return { bytes: objectBytes * objects, cpuSeconds, perCoreBytesPerSecond: (objectBytes * objects) / cpuSeconds };
}
