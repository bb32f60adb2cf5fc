// A mover on in-memory stores (fake-stores.ts) with local keys: moves and verifies in milliseconds, for the tests
// of what the mover accepts, repairs and refuses.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough, Readable } from "stream";
import { DataKeys } from "../../../migration/keys/data-keys";
import { KeyEncryptionKey, staticResolver } from "../../../migration/keys/key-encryption-key";
import { MoverContext } from "../../../migration/mover/context";
import { EnvelopeDecryptor } from "../../../migration/mover/envelope";
import { readAll } from "../../../migration/mover/inspect";
import { Manifest } from "../../../migration/mover/manifest";
import { MoveOptions, move } from "../../../migration/mover/mover";
import { Route } from "../../../migration/mover/plan";
import { Progress } from "../../../migration/mover/progress";
import { verify } from "../../../migration/mover/verify";
import { FakeSource, FakeTarget } from "./fake-stores";

/** A KEK held locally (AES key wrap with padding, RFC 5649): what a key service does, without one. */
export function localKek(keyId: string): KeyEncryptionKey & { destroyed: boolean; calls: number } {
    const kek = crypto.randomBytes(32);
    const iv = Buffer.from("A65959A6", "hex");
    return {
        keyId, wrapping: "test-aes-kw-pad", destroyed: false, calls: 0,
        async wrap(k) { this.calls++; const c = crypto.createCipheriv("id-aes256-wrap-pad", kek, iv); return Buffer.concat([c.update(k), c.final()]).toString("base64"); },
        async unwrap(w) {
            this.calls++;
            if (this.destroyed) throw new Error(`key ${keyId} was destroyed`);
            const d = crypto.createDecipheriv("id-aes256-wrap-pad", kek, iv); return Buffer.concat([d.update(Buffer.from(w, "base64")), d.final()]);
        },
    };
}

export const ROUTES: Route[] = [
    { container: "raw", bucket: "t-raw", keyId: "k-platform", scope: "platform", sourceEncryption: "service-side" },
    { container: "curated", bucket: "t-curated", keyId: "k-platform", scope: "platform", sourceEncryption: "service-side" },
    { container: "project-a", bucket: "t-a", keyId: "k-a", scope: "a", sourceEncryption: "service-side" },
];

export const TEST_TIMEOUTS = { requestSeconds: 5, idleSeconds: 5, attempts: 2, backoffSeconds: 0.01 };

export function lab() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-lab-"));
    const source = new FakeSource();
    const target = new FakeTarget();
    for (const r of ROUTES) { source.containers.set(r.container, new Map()); target.bucket(r.bucket); }
    const keks = { "k-platform": localKek("k-platform"), "k-a": localKek("k-a") };
    let routes = ROUTES;
    const logs: any[] = [];
    const progress = () => {
        const out = new PassThrough();
        out.on("data", d => String(d).split("\n").filter(Boolean).forEach(l => logs.push(JSON.parse(l))));
        return new Progress({ stdout: out, stderr: new PassThrough() }, false, {}, 0);
    };
    const ctx = (shard = { index: 0, count: 1 }): MoverContext => ({
        source, targetFor: () => target, keys: new DataKeys(staticResolver(Object.values(keks)), { callsPerSecond: 1000, attempts: 2, backoffMs: 1 }),
        routes, shard, progress: progress(), timeouts: TEST_TIMEOUTS,
    });
    const manifestFile = (name: string) => path.join(dir, `${name}.jsonl`);
    return {
        source, target, keks, logs, dir,
        setRoutes(r: Route[]) { routes = r; },
        context: ctx,
        async move(manifest = "m", shard?: { index: number; count: number }, options: Partial<MoveOptions> = {}) {
            const m = Manifest.open(manifestFile(manifest));
            try { return await move(ctx(shard), m, { concurrency: 4, segmentSize: 4096, ...options }); } finally { m.close(); }
        },
        async verify(_manifest = "m", readSource = false) {
            return verify(ctx(), { concurrency: 4, sourceCheck: readSource ? "reread" : "auto" });
        },
        /** Decrypts a target object with the keys given, as a reader holding only those keys would. */
        async read(bucket: string, key: string, keys: KeyEncryptionKey[]): Promise<Buffer> {
            const o = target.bucket(bucket).get(key);
            if (!o) throw new Error(`${bucket}/${key} is not on the target`);
            const resolve = staticResolver(keys);
            const dec = new EnvelopeDecryptor(async h => (await resolve(h.keyId)).unwrap(h.wrappedKey), { storedSize: o.bytes.length });
            return readAll(Readable.from([o.bytes]).pipe(dec));
        },
        cleanup() { fs.rmSync(dir, { recursive: true, force: true }); },
    };
}
