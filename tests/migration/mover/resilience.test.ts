import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { PassThrough, Readable } from "stream";
import { runMover } from "../../../migration/mover/command";
import { AzureBlobSource } from "../../../migration/mover/source";
import { idleGuard } from "../../../migration/mover/requests";
import { S3Target } from "../../../migration/mover/target";

// Defect 5: a stalled endpoint must not hang the mover, and a network failure must name the endpoint and its cause.

/** A server that accepts connections and reads requests but never answers. */
async function stallServer(): Promise<{ url: string; close(): Promise<void> }> {
    const sockets = new Set<any>();
    const server = http.createServer(req => { req.resume(); });
    server.on("connection", s => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>(r => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
    };
}

function within<T>(ms: number, p: Promise<T>): Promise<T> {
    return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms: the request hangs`)), ms).unref())]);
}

const TIMEOUTS = { requestSeconds: 1, idleSeconds: 1, attempts: 2, backoffSeconds: 0.1 };

describe("defect 5: stalled endpoints and network failures", () => {
    jest.setTimeout(30_000);

    test("a stalled source fails within its timeouts, naming the endpoint and the cause", async () => {
        const stall = await stallServer();
        const source = new AzureBlobSource({ accountUrl: `${stall.url}/devstoreaccount1`, accountName: "devstoreaccount1", accountKey: Buffer.from("k").toString("base64"), timeouts: TIMEOUTS } as any);
        const error = await within(15_000, source.topLevelUnits("raw")).then(() => undefined, e => e as Error);
        await stall.close();
        expect(error?.message).toMatch(new RegExp(`${stall.url.replace("http://", "")}.*(no answer|timed out|stalled)`));
    });

    test("a stalled target fails within its timeouts, naming the endpoint and the cause", async () => {
        const stall = await stallServer();
        const target = new S3Target({ endpoint: stall.url, region: "us-east-1", accessKeyId: "a", secretAccessKey: "b", timeouts: TIMEOUTS } as any);
        const error = await within(15_000, target.put("bucket", "key", Readable.from([Buffer.from("x")]), 1, { ifNoneMatch: "*" })).then(() => undefined, e => e as Error);
        target.destroy();
        await stall.close();
        expect(error?.message).toMatch(new RegExp(`${stall.url.replace("http://", "")}.*(no answer|timed out|stalled)`));
    });

    test("a refused connection is logged with the endpoint and the cause, not as 'the mover failed: ' or UnknownError", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-refused-"));
        const closed = await stallServer();
        await closed.close(); // nothing listens on this port any more
        const write = (sub: string, files: Record<string, string>) => {
            fs.mkdirSync(path.join(dir, sub), { recursive: true });
            for (const [k, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, sub, k), v);
            return path.join(dir, sub);
        };
        const credentialsDir = write("source", { AZURE_STORAGE_ACCOUNT_NAME: "devstoreaccount1", AZURE_STORAGE_ACCOUNT_KEY: Buffer.from("k").toString("base64") });
        write("access/platform", { S3_ENDPOINT: closed.url, S3_ACCESS_KEY_ID: "a", S3_SECRET_ACCESS_KEY: "b", VAULT_ADDR: closed.url, VAULT_TOKEN: "t" });
        const plan = path.join(dir, "plan.json");
        fs.writeFileSync(plan, JSON.stringify({
            source: { accountUrl: `${closed.url}/devstoreaccount1`, credentialsDir }, accessDir: path.join(dir, "access"),
            routes: [{ container: "raw", bucket: "raw", keyId: "k", scope: "platform", sourceEncryption: "service-side" }],
            timeouts: TIMEOUTS,
        }));
        const out = new PassThrough();
        let text = "";
        out.on("data", d => { text += d; });
        const code = await within(20_000, runMover(["move", "--plan", plan, "--manifest", path.join(dir, "m.jsonl")], { stdout: out, stderr: out, tty: false, env: {} }));
        fs.rmSync(dir, { recursive: true, force: true });
        expect(code).not.toBe(0);
        expect(text).not.toMatch(/the mover failed: "|UnknownError/);
        expect(text).toMatch(new RegExp(`${closed.url.replace("http://", "")}.*connection refused`));
    });

    test("a body that goes silent while its reader waits fails; a reader that is busy itself does not count as silence", async () => {
        const endpoint = { role: "source" as const, host: "source.test:443" };
        const quick = { ...TIMEOUTS, idleSeconds: 0.3 };
        const stalled = new PassThrough();
        stalled.write(Buffer.alloc(10));
        const guarded = stalled.pipe(idleGuard(endpoint, "GET raw/a", quick));
        const failure = await new Promise<Error>(resolve => { guarded.on("error", resolve); guarded.resume(); });
        expect(failure.message).toBe("source source.test:443: GET raw/a: no byte for 0.3 s (the body stalled)");
        // The reader takes a second per chunk (a part uploading): the body itself never stalls, so nothing fails.
        const big = () => Buffer.alloc(64 * 1024);
        const slowReader = Readable.from([big(), big(), big(), big()]).pipe(idleGuard(endpoint, "GET raw/b", quick));
        let received = 0;
        for await (const chunk of slowReader) {
            received += (chunk as Buffer).length;
            await new Promise(r => setTimeout(r, 1000));
        }
        expect(received).toBe(4 * 64 * 1024);
    });

    test("a body that trickles (a byte now and then, never silent for long) fails once the reader has waited its idle time", async () => {
        const endpoint = { role: "source" as const, host: "source.test:443" };
        const trickle = new PassThrough();
        const feeding = setInterval(() => trickle.write(Buffer.alloc(1)), 100);
        const started = Date.now();
        const guarded = trickle.pipe(idleGuard(endpoint, "GET raw/slow", { ...TIMEOUTS, idleSeconds: 0.5 }));
        const failure = await within(5_000, new Promise<Error>(resolve => { guarded.on("error", resolve); guarded.resume(); }))
            .finally(() => { clearInterval(feeding); trickle.destroy(); });
        expect(failure.message).toMatch(/^source source\.test:443: GET raw\/slow: \d+ bytes in [\d.]+ s of waiting, under 16 KiB\/s \(the body trickles\)$/);
        expect(Date.now() - started).toBeLessThan(3000);
    });
});
