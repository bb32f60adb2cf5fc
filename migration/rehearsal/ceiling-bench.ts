// The mover's ceiling, measured: `node -r ts-node/register/transpile-only migration/rehearsal/ceiling-bench.ts
// [--mib N] [--runs N]`. A benchmark, not a test: it prints CPU seconds by thread (the machine may be shared, so
// wall-clock is reported but not trusted), per core and for a 2-vCPU pod, for each kind of source, inline and with
// worker threads; then the verification's decryption, and the decryptor on a forged header (defect 7).
// The figures in docs/data-move.md come from here.

import * as crypto from "crypto";
import { Readable, Writable } from "stream";
import { pipeline } from "stream/promises";
import { EnvelopeDecryptor, EnvelopeEncryptor, EnvelopeHeader, PREFIX_SIZE, newNonce } from "../mover/envelope";
import { CeilingResult, SourceKind, mainThreadCpuSeconds, measureCeiling, measureVerifyCeiling } from "./ceiling";

const MiB = 2 ** 20;

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

async function forgedHeader(sizeMiB: number): Promise<Record<string, unknown>> {
    const dataKey = crypto.randomBytes(32);
    const size = sizeMiB * MiB;
    const header: EnvelopeHeader = {
        bucket: "b", key: "o", scope: "s", keyId: "k", wrapping: "w", wrappedKey: "d3JhcHBlZA==", nonce: newNonce(), segmentSize: MiB, size,
        source: { account: "a", container: "c", blob: "o", etag: '"e"', lastModified: "2026-01-01T00:00:00.000Z", length: size, encryption: "service-side", check: "range-md5" },
    };
    const chunks: Buffer[] = [];
    const plain = crypto.randomBytes(size);
    await pipeline(Readable.from(slices(plain)), new EnvelopeEncryptor(dataKey, header), new Writable({ write(c, _e, d) { chunks.push(c); d(); } }));
    const stored = Buffer.concat(chunks);
    const forge = (segmentSize: number) => {
        const length = stored.readUInt16BE(6);
        const json = JSON.parse(stored.subarray(PREFIX_SIZE, PREFIX_SIZE + length).toString());
        json.segmentSize = segmentSize;
        const text = Buffer.from(JSON.stringify(json));
        const prefix = Buffer.from(stored.subarray(0, PREFIX_SIZE));
        prefix.writeUInt16BE(text.length, 6);
        return Buffer.concat([prefix, text, stored.subarray(PREFIX_SIZE + length)]);
    };
    const run = async (bytes: Buffer) => {
        const rss0 = process.memoryUsage().rss;
        let peak = rss0;
        const cpu0 = process.cpuUsage();
        let fed = 0;
        let error = "";
        const dec = new EnvelopeDecryptor(async () => dataKey, { storedSize: bytes.length });
        try {
            await pipeline(Readable.from((function* () { for (const s of slices(bytes)) { fed += s.length; peak = Math.max(peak, process.memoryUsage.rss()); yield s; } })()),
                dec, new Writable({ write(_c, _e, d) { d(); } }));
        } catch (e) {
            error = (e as Error).message;
        }
        const cpu = process.cpuUsage(cpu0);
        return { cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)), bytesReadBeforeTheVerdict: fed, rssGrowthMiB: Math.round((peak - rss0) / MiB), maxHeldBytes: dec.maxHeld, error: error || undefined };
    };
    return {
        objectMiB: sizeMiB,
        authentic: await run(stored),
        segmentSizeOutOfBounds: await run(forge(2 ** 40)),
        segmentSizeInBoundsButForged: await run(forge(4 * MiB)),
    };
}

function* slices(b: Buffer): Generator<Buffer> {
    for (let i = 0; i < b.length; i += 64 * 1024) yield b.subarray(i, i + 64 * 1024);
}

async function main(argv: string[]): Promise<void> {
    const arg = (name: string, fallback: number) => {
        const i = argv.indexOf(name);
        return i === -1 ? fallback : Number(argv[i + 1]);
    };
    const objectMiB = arg("--mib", 64);
    const objects = arg("--objects", 8);
    const runs = arg("--runs", 3);
    process.stdout.write(`mover ceiling: ${objects} objects of ${objectMiB} MiB per run, median of ${runs} runs, 4 objects in flight; ` +
        `per-thread CPU ${mainThreadCpuSeconds() === undefined ? "unavailable (not Linux)" : "from /proc"}\n`);
    process.stdout.write("source          workers  CPU s  main s  MiB/s/core  2-vCPU pod MiB/s  wall MiB/s\n");
    const rows: Record<string, unknown>[] = [];
    for (const source of ["content-md5", "range-md5", "client-side-v2"] as SourceKind[]) {
        for (const workers of [0, 2]) {
            const results: CeilingResult[] = [];
            for (let r = 0; r < runs; r++) results.push(await measureCeiling({ source, workers, objectBytes: objectMiB * MiB, objects, concurrency: 4 }));
            const row = {
                source, workers,
                cpuSeconds: median(results.map(r => r.cpuSeconds)),
                mainThreadSeconds: median(results.map(r => r.mainThreadSeconds)),
                perCoreMiBps: median(results.map(r => r.perCoreBytesPerSecond / MiB)),
                pod2MiBps: median(results.map(r => r.podBytesPerSecond(2) / MiB)),
                wallMiBps: median(results.map(r => r.bytes / r.wallSeconds / MiB)),
            };
            rows.push(row);
            process.stdout.write(`${source.padEnd(16)}${String(workers).padStart(7)}  ${row.cpuSeconds.toFixed(2).padStart(5)}  ${row.mainThreadSeconds.toFixed(2).padStart(6)}  ` +
                `${row.perCoreMiBps.toFixed(0).padStart(10)}  ${row.pod2MiBps.toFixed(0).padStart(16)}  ${row.wallMiBps.toFixed(0).padStart(10)}\n`);
        }
    }
    const verify = [];
    for (let r = 0; r < runs; r++) verify.push(await measureVerifyCeiling(objectMiB * MiB, objects));
    process.stdout.write(`verification (decrypt, SHA-256, MD5): ${median(verify.map(v => v.perCoreBytesPerSecond / MiB)).toFixed(0)} MiB/s per core\n`);
    const forged = await forgedHeader(120);
    process.stdout.write(`decryptor on a 120 MiB object (defect 7): ${JSON.stringify(forged)}\n`);
    if (argv.includes("--json")) process.stdout.write(JSON.stringify({ rows, verify: median(verify.map(v => v.perCoreBytesPerSecond)), forged }) + "\n");
}

main(process.argv.slice(2)).catch(e => { process.stderr.write(`${e?.stack ?? e}\n`); process.exitCode = 1; });
