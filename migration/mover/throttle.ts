// A shared byte-rate limit across all of a mover's streams, so a shard uses its share of the link and no more
// (the link to Azure is shared with production traffic during the migration window).

import { Transform, TransformCallback } from "stream";

export class RateLimiter {
    private available: number;
    private last = Date.now();

    constructor(readonly bytesPerSecond: number) {
        this.available = bytesPerSecond;
    }

    /** Resolves when `bytes` may pass. */
    async take(bytes: number): Promise<void> {
        for (;;) {
            const now = Date.now();
            this.available = Math.min(this.bytesPerSecond, this.available + ((now - this.last) / 1000) * this.bytesPerSecond);
            this.last = now;
            if (this.available >= bytes || this.available >= this.bytesPerSecond) {
                this.available -= bytes;
                return;
            }
            await new Promise(r => setTimeout(r, Math.ceil(((bytes - this.available) / this.bytesPerSecond) * 1000)));
        }
    }

    stream(): Transform {
        return new Transform({
            transform: (chunk: Buffer, _enc, done: TransformCallback) => {
                this.take(chunk.length).then(() => done(null, chunk), done);
            },
        });
    }
}
