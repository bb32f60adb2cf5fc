// Encryption on worker threads, so a mover pod uses all its vCPUs: the main thread keeps the network (HTTP, TLS,
// the source checks), the workers hash and encrypt. Each object goes to one worker (its SHA-256 is sequential);
// plaintext travels in batches of about 1 MiB, transferred rather than copied back, with a few batches in flight
// per object so that reading, encrypting and uploading overlap. The output is byte for byte the inline
// EnvelopeEncryptor's (the same SegmentSealer runs in the worker).

import * as path from "path";
import { TransformCallback } from "stream";
import { Worker } from "worker_threads";
import type { WorkerReply, WorkerRequest } from "./crypto-worker";
import { EnvelopeHeader, EnvelopeWriter } from "./envelope";

const BATCH = 1024 * 1024;
const IN_FLIGHT = 3;

interface Session {
    onReply(reply: WorkerReply): void;
}

type Outgoing = { readonly t: "data"; readonly bytes: Uint8Array } | { readonly t: "end" };

interface Channel {
    send(m: Outgoing, transfer?: ArrayBuffer[]): void;
    close(): void;
}

function startWorker(): Worker {
    const js = path.join(__dirname, "crypto-worker.js");
    if (__filename.endsWith(".js")) return new Worker(js);
    // From the TypeScript sources (tests, the rehearsal): the worker transpiles its module as the main thread does.
    const ts = path.join(__dirname, "crypto-worker.ts");
    return new Worker(`require("ts-node/register/transpile-only"); require(${JSON.stringify(ts)});`, { eval: true });
}

export class CryptoPool {
    private readonly workers: Worker[];
    private readonly sessions = new Map<number, Session>();
    private readonly load: number[];
    private nextId = 1;
    private failure?: Error;

    constructor(readonly size: number) {
        this.workers = Array.from({ length: size }, () => startWorker());
        this.load = this.workers.map(() => 0);
        this.workers.forEach((w, i) => {
            w.on("message", (reply: WorkerReply) => this.sessions.get(reply.id)?.onReply(reply));
            w.on("error", e => {
                this.failure = e;
                for (const s of this.sessions.values()) s.onReply({ t: "error", id: 0, message: `crypto worker ${i} failed: ${e.message}` });
            });
        });
    }

    /** Opens a session on the least-loaded worker. */
    open(objectKey: Buffer, segmentSize: number, session: Session): Channel {
        if (this.failure) throw this.failure;
        const id = this.nextId++;
        const index = this.load.indexOf(Math.min(...this.load));
        const worker = this.workers[index];
        this.load[index]++;
        this.sessions.set(id, session);
        worker.postMessage({ t: "open", id, objectKey: new Uint8Array(objectKey), segmentSize } satisfies WorkerRequest);
        return {
            send: (m, transfer) => worker.postMessage({ ...m, id } as WorkerRequest, transfer ?? []),
            close: () => {
                if (!this.sessions.delete(id)) return;
                this.load[index]--;
                worker.postMessage({ t: "drop", id } satisfies WorkerRequest);
            },
        };
    }

    async close(): Promise<void> {
        await Promise.all(this.workers.map(w => w.terminate()));
    }
}

/** An encryptor stage backed by the pool: same interface and output as EnvelopeEncryptor. */
export class PooledEncryptor extends EnvelopeWriter {
    private readonly channel: Channel;
    private batch: Buffer[] = [];
    private batchBytes = 0;
    private inFlight = 0;
    private waiting?: () => void;
    private finishing?: TransformCallback;
    private error?: Error;

    constructor(pool: CryptoPool, dataKey: Buffer, header: EnvelopeHeader) {
        super(dataKey, header, { readable: 4 * BATCH, writable: BATCH });
        this.channel = pool.open(this.objectKey, header.segmentSize, { onReply: r => this.onReply(r) });
    }

    _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
        if (this.error) return done(this.error);
        this.start();
        this.batch.push(chunk);
        this.batchBytes += chunk.length;
        if (this.batchBytes < BATCH) return done();
        this.sendBatch();
        if (this.inFlight < IN_FLIGHT) return done();
        this.waiting = () => done(this.error);
    }

    _flush(done: TransformCallback): void {
        if (this.error) return done(this.error);
        this.start();
        if (this.batchBytes > 0) this.sendBatch();
        this.finishing = done;
        this.channel.send({ t: "end" });
    }

    _destroy(err: Error | null, done: (error: Error | null) => void): void {
        this.channel.close();
        done(err);
    }

    private sendBatch(): void {
        // One contiguous buffer of its own (not zero-filled: every byte is written next), transferred, not copied again.
        const bytes: Uint8Array = Buffer.allocUnsafeSlow(this.batchBytes);
        let at = 0;
        for (const b of this.batch) {
            bytes.set(b, at);
            at += b.length;
        }
        this.batch = [];
        this.batchBytes = 0;
        this.inFlight++;
        this.channel.send({ t: "data", bytes }, [bytes.buffer as ArrayBuffer]);
    }

    private onReply(reply: WorkerReply): void {
        if (reply.t === "error") {
            this.error = new Error(reply.message);
            this.release();
            if (this.finishing) this.finishing(this.error);
            else this.destroy(this.error);
            return;
        }
        for (const piece of reply.pieces) this.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
        if (reply.t === "out") {
            this.inFlight--;
            this.release();
            return;
        }
        this.channel.close();
        this.finishing!(this.finished(reply.size, reply.sha256));
    }

    private release(): void {
        const w = this.waiting;
        this.waiting = undefined;
        w?.();
    }
}

/** The `encryptor` option of a move, on the pool. */
export function cryptoEncryptor(pool: CryptoPool) {
    return (dataKey: Buffer, header: EnvelopeHeader) => new PooledEncryptor(pool, dataKey, header);
}
