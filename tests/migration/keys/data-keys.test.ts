import * as crypto from "crypto";
import { DataKeys } from "../../../migration/keys/data-keys";
import { KeyServiceAuthError, KeyServiceError } from "../../../migration/keys/key-errors";
import { staticResolver } from "../../../migration/keys/key-encryption-key";
import { localKek } from "../support/lab";

// The key hierarchy: one wrap per route and run (and one unwrap proving it), one unwrap per distinct wrapped key
// for readers; refused credentials are never tried twice; throttling is retried with backoff.

describe("data keys", () => {
    const options = { callsPerSecond: 1000, attempts: 3, backoffMs: 1 };

    test("one wrap and one unwrap per key and run, however many objects; readers unwrap each wrapped key once", async () => {
        const kek = localKek("k");
        const keys = new DataKeys(staticResolver([kek]), options);
        const a = await Promise.all(Array.from({ length: 50 }, () => keys.forWriting("k")));
        expect(new Set(a.map(k => k.wrappedKey)).size).toBe(1);
        expect(keys.calls).toEqual({ wrap: 1, unwrap: 1 });
        // The key written is readable without another call; another run's wrapped key costs one unwrap, once.
        expect((await keys.forReading("k", a[0].wrappedKey)).equals(a[0].dataKey)).toBe(true);
        const other = await kek.wrap(crypto.randomBytes(32));
        await Promise.all(Array.from({ length: 20 }, () => keys.forReading("k", other)));
        expect(keys.calls).toEqual({ wrap: 1, unwrap: 2 });
    });

    test("a key service that refuses our credentials is asked once, and everything after fails without asking", async () => {
        let asked = 0;
        const refusing = { keyId: "k", wrapping: "x", async wrap(): Promise<string> { asked++; throw new KeyServiceAuthError("HTTP 403"); }, async unwrap(): Promise<Buffer> { asked++; throw new KeyServiceAuthError("HTTP 403"); } };
        const keys = new DataKeys(staticResolver([refusing]), options);
        await expect(keys.forWriting("k")).rejects.toThrow(KeyServiceAuthError);
        await expect(keys.forReading("k", "w")).rejects.toThrow(KeyServiceAuthError);
        expect(asked).toBe(1);
    });

    test("a throttled key service is retried with backoff, a broken one is not retried for ever", async () => {
        let calls = 0;
        const kek = localKek("k");
        const throttled = { ...kek, async wrap(k: Buffer) { if (++calls < 3) throw new KeyServiceError("HTTP 429", 429); return kek.wrap(k); } };
        const keys = new DataKeys(staticResolver([throttled]), options);
        await keys.forWriting("k");
        expect(calls).toBe(3);
        const broken = { ...kek, async wrap(): Promise<string> { throw new KeyServiceError("HTTP 503", 503); } };
        await expect(new DataKeys(staticResolver([broken]), options).forWriting("k")).rejects.toThrow(/503/);
    });

    test("a key that does not give back what it wrapped is refused before any object is written", async () => {
        const kek = localKek("k");
        const lying = { ...kek, async unwrap(): Promise<Buffer> { return crypto.randomBytes(32); } };
        await expect(new DataKeys(staticResolver([lying]), options).forWriting("k")).rejects.toThrow(/does not give back the data key/);
    });

    test("calls are spread to the allowed rate", async () => {
        const kek = localKek("k");
        const keys = new DataKeys(staticResolver([kek]), { ...options, callsPerSecond: 20 });
        const wrapped = await Promise.all(Array.from({ length: 30 }, () => kek.wrap(crypto.randomBytes(32))));
        const t0 = Date.now();
        await Promise.all(wrapped.map(w => keys.forReading("k", w)));
        // 20 at once from the bucket, then 10 more at 20 per second: at least about half a second.
        expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    });
});
