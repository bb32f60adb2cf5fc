// A crypto worker thread (crypto-pool.ts): hashes and encrypts the batches of plaintext it is sent, one sealer per
// object, and sends the ciphertext back in order. It holds object keys only; it never sees a key service.

import { parentPort } from "worker_threads";
import { SegmentSealer } from "./envelope";

export type WorkerRequest =
    | { readonly t: "open"; readonly id: number; readonly objectKey: Uint8Array; readonly segmentSize: number }
    | { readonly t: "data"; readonly id: number; readonly bytes: Uint8Array }
    | { readonly t: "end"; readonly id: number }
    | { readonly t: "drop"; readonly id: number };

export type WorkerReply =
    | { readonly t: "out"; readonly id: number; readonly pieces: Uint8Array[] }
    | { readonly t: "done"; readonly id: number; readonly pieces: Uint8Array[]; readonly size: number; readonly sha256: string }
    | { readonly t: "error"; readonly id: number; readonly message: string };

const sealers = new Map<number, SegmentSealer>();

/**
 * The ciphertext pieces as they are, each moved (transferred) to the main thread rather than copied: a piece that
 * owns its whole memory goes as it is, one that shares it (a slice) is copied first, a transfer would take the rest.
 */
function movable(pieces: Buffer[]): { pieces: Uint8Array[]; transfer: ArrayBuffer[] } {
    const out: Uint8Array[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const p of pieces) {
        const own = p.byteOffset === 0 && p.byteLength === p.buffer.byteLength && !transfer.includes(p.buffer as ArrayBuffer);
        const piece = own ? p : new Uint8Array(p); // a copy with memory of its own
        out.push(piece);
        transfer.push(piece.buffer as ArrayBuffer);
    }
    return { pieces: out, transfer };
}

parentPort!.on("message", (m: WorkerRequest) => {
    try {
        switch (m.t) {
            case "open":
                sealers.set(m.id, new SegmentSealer(Buffer.from(m.objectKey), m.segmentSize));
                return;
            case "data": {
                const out = movable(sealers.get(m.id)!.write(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength)));
                parentPort!.postMessage({ t: "out", id: m.id, pieces: out.pieces } satisfies WorkerReply, out.transfer);
                return;
            }
            case "end": {
                const finished = sealers.get(m.id)!.finish();
                sealers.delete(m.id);
                const out = movable(finished.pieces);
                parentPort!.postMessage({ t: "done", id: m.id, pieces: out.pieces, size: finished.size, sha256: finished.sha256 } satisfies WorkerReply, out.transfer);
                return;
            }
            case "drop":
                sealers.delete(m.id);
                return;
        }
    } catch (e) {
        sealers.delete(m.id);
        parentPort!.postMessage({ t: "error", id: m.id, message: (e as Error).message } satisfies WorkerReply);
    }
});
