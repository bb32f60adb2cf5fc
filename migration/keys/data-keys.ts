// The key hierarchy between the key services and the objects (docs/data-move.md, "Keys"):
//
//   route's key (KMS, OpenBao transit, HSM)  --wraps once per run-->  data key (32 random bytes, per route and run)
//   data key + object nonce + object header  --HKDF-SHA-256-->         object key (one per object, never stored)
//
// A mover pod asks its key service for one wrap per route when it starts (and one unwrap to prove the key works),
// not one per object: 40 million objects cost a few thousand key-service calls instead of 80 million. Readers
// unwrap each distinct wrapped data key once. Destroying a route's key still destroys everything under it: every
// object's key derives from a data key that only that route's key can unwrap.

import * as crypto from "crypto";
import { KeyEncryptionKey, KeyResolver } from "./key-encryption-key";
import { KeyServiceAuthError, UnwrapRefusedError, isTransientKeyError } from "./key-errors";

export interface WritingKey {
    readonly keyId: string;
    readonly wrapping: string;
    readonly dataKey: Buffer;
    readonly wrappedKey: string;
}

export interface DataKeyOptions {
    /** Calls per second this process may make to its key services (token bucket). */
    readonly callsPerSecond: number;
    /** Attempts per call on a transient failure (throttled, unavailable, timed out). */
    readonly attempts: number;
    readonly backoffMs: number;
}

export const DEFAULT_DATA_KEY_OPTIONS: DataKeyOptions = { callsPerSecond: 20, attempts: 4, backoffMs: 500 };

export class DataKeys {
    private readonly writing = new Map<string, Promise<WritingKey>>();
    private readonly reading = new Map<string, Promise<Buffer>>();
    private readonly limiter: CallLimiter;
    /** Key-service calls made, for the logs and the projection. */
    readonly calls = { wrap: 0, unwrap: 0 };
    private fatal?: Error;

    constructor(private readonly resolve: KeyResolver, private readonly options: DataKeyOptions = DEFAULT_DATA_KEY_OPTIONS) {
        this.limiter = new CallLimiter(options.callsPerSecond);
    }

    /**
     * The run's data key for a route's key: generated here, wrapped once by the key service, and unwrapped once to
     * prove the key service can give it back (the pre-flight's "each key wraps and unwraps").
     */
    forWriting(keyId: string): Promise<WritingKey> {
        let k = this.writing.get(keyId);
        if (!k) {
            k = this.createWritingKey(keyId);
            this.writing.set(keyId, k);
            k.catch(() => this.writing.delete(keyId));
        }
        return k;
    }

    /** The data key of a wrapped one, asked of `keyId`'s service once per distinct wrapped value. */
    forReading(keyId: string, wrappedKey: string): Promise<Buffer> {
        const id = `${keyId}\n${wrappedKey}`;
        let k = this.reading.get(id);
        if (!k) {
            k = this.call(keyId, "unwrap", kek => kek.unwrap(wrappedKey)).then(key => {
                if (key.length !== 32) throw new UnwrapRefusedError(keyId, `it gives ${key.length} bytes, a data key has 32`);
                return key;
            }, e => {
                // Refused credentials and outages are not about this object; anything else the key said is.
                if (e instanceof KeyServiceAuthError || isTransientKeyError(e)) throw e;
                throw new UnwrapRefusedError(keyId, (e as Error).message);
            });
            this.reading.set(id, k);
            // A failure is not cached, except an authentication failure: that one stops the run (see call).
            k.catch(() => this.reading.delete(id));
        }
        return k;
    }

    private async createWritingKey(keyId: string): Promise<WritingKey> {
        const dataKey = crypto.randomBytes(32);
        let wrapping = "";
        const wrappedKey = await this.call(keyId, "wrap", async kek => { wrapping = kek.wrapping; return kek.wrap(dataKey); });
        const back = await this.call(keyId, "unwrap", kek => kek.unwrap(wrappedKey));
        if (back.length !== 32 || !crypto.timingSafeEqual(back, dataKey)) {
            throw new Error(`key "${keyId}" does not give back the data key it wrapped`);
        }
        this.reading.set(`${keyId}\n${wrappedKey}`, Promise.resolve(dataKey));
        return { keyId, wrapping, dataKey, wrappedKey };
    }

    /** One key-service call: rate-limited, retried with backoff when transient, fatal when credentials are refused. */
    private async call<T>(keyId: string, op: "wrap" | "unwrap", fn: (kek: KeyEncryptionKey) => Promise<T>): Promise<T> {
        if (this.fatal) throw this.fatal;
        const kek = await this.resolve(keyId).catch(e => { if (e instanceof KeyServiceAuthError) this.fatal = e; throw e; });
        for (let attempt = 1; ; attempt++) {
            await this.limiter.take();
            this.calls[op]++;
            try {
                return await fn(kek);
            } catch (e) {
                if (e instanceof KeyServiceAuthError) {
                    // Another try with refused credentials could lock an HSM token: remember it and stop everything.
                    this.fatal = e;
                    throw e;
                }
                if (attempt >= this.options.attempts || !isTransientKeyError(e)) throw e;
                await sleep(this.options.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
            }
        }
    }
}

/** A token bucket shared by every call of a process, so a mover never floods its key service. */
export class CallLimiter {
    private tokens: number;
    private last = Date.now();
    private queue: Promise<void> = Promise.resolve();

    constructor(private readonly perSecond: number) {
        this.tokens = perSecond;
    }

    take(): Promise<void> {
        const next = this.queue.then(async () => {
            for (;;) {
                const now = Date.now();
                this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
                this.last = now;
                if (this.tokens >= 1) {
                    this.tokens -= 1;
                    return;
                }
                await sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
            }
        });
        this.queue = next.catch(() => undefined);
        return next;
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise(r => setTimeout(r, ms));
}
