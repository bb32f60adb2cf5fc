// The rehearsal's S3 front decides conditional writes as S3 does, at the server: a writer that gives up after
// sending its whole body, while the server is still storing it, cannot let the next create-only write through.

import * as http from "http";
import { AddressInfo } from "net";
import { startS3Front } from "../../../migration/rehearsal/fronts";

/** A slow object store: each PUT is stored after `delayMs`, then answered. */
async function slowStore(delayMs: number) {
    const stored: string[] = [];
    const etags = new Map<string, string>();
    const server = http.createServer((req, res) => {
        if (req.method === "GET") {
            const key = decodeURIComponent(new URL(req.url ?? "/", "http://s").pathname.slice(1));
            res.writeHead(etags.has(key) ? 200 : 404);
            res.end();
            return;
        }
        req.resume();
        req.on("end", () => setTimeout(() => {
            const key = decodeURIComponent(new URL(req.url ?? "/", "http://s").pathname.slice(1));
            stored.push(key);
            etags.set(key, `"etag-${stored.length}"`);
            res.writeHead(200, { ETag: etags.get(key)! });
            res.end();
        }, delayMs));
    });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stored, etags, close: () => new Promise<void>(r => server.close(() => r())) };
}

function put(url: string, path: string, abortAfterMs?: number): Promise<number | "aborted"> {
    return new Promise(resolve => {
        const req = http.request(`${url}${path}`, { method: "PUT", headers: { "If-None-Match": "*", "Content-Length": "5" } }, res => {
            res.resume();
            resolve(res.statusCode ?? 0);
        });
        req.on("error", () => resolve("aborted"));
        req.end("hello");
        if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
    });
}

/** A front over a store answering after `delayMs`, both closed once `fn` is done. */
async function withFront(delayMs: number, fn: (front: { url: string }, store: Awaited<ReturnType<typeof slowStore>>) => Promise<void>) {
    const store = await slowStore(delayMs);
    const front = await startS3Front(store.url, async (bucket, key) => store.etags.get(`${bucket}/${key}`), new Map());
    try {
        await fn(front, store);
    } finally {
        await front.close();
        await store.close();
    }
}

test("a create-only write abandoned while the server stores it still wins; the next one is refused (412)", () => withFront(300, async (front, store) => {
    const first = put(front.url, "/bucket/a/object", 50); // gives up before the server answers
    await new Promise(r => setTimeout(r, 100));
    const second = await put(front.url, "/bucket/a/object");
    expect(await first).toBe("aborted");
    expect(second).toBe(412);
    expect(store.stored).toEqual(["bucket/a/object"]);
}));

test("a write abandoned before its body was sent is never stored, and frees the key at once", () => withFront(10, async (front, store) => {
    const partial = await new Promise<string>(resolve => {
        const req = http.request(`${front.url}/bucket/b/object`, { method: "PUT", headers: { "If-None-Match": "*", "Content-Length": "1000" } });
        req.on("error", () => resolve("aborted"));
        req.write("only part of it");
        setTimeout(() => req.destroy(), 50);
    });
    expect(partial).toBe("aborted");
    expect(await put(front.url, "/bucket/b/object")).toBe(200);
    expect(store.stored).toEqual(["bucket/b/object"]);
}));

test("a read of an object being written waits for the write, as S3 shows an object only once it is whole", () => withFront(300, async (front, store) => {
    const write = put(front.url, "/bucket/c/object");
    await new Promise(r => setTimeout(r, 50));
    const read = await new Promise<number>(resolve => http.get(`${front.url}/bucket/c/object`, res => { res.resume(); resolve(res.statusCode ?? 0); }));
    expect(read).toBe(200);
    expect(await write).toBe(200);
}));
