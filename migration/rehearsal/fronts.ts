// HTTP fronts between the mover and the rehearsal's servers. Each forwards requests as they are (headers included,
// so signatures still verify) and lets the rehearsal break the link on purpose: stall (accept a request and never
// answer, or stop a body half-way), corrupt a response body in transit, and kill a mover process after a seeded
// number of bytes has passed.
//
// The S3 front also supplies what s3rver lacks, as AWS and OVHcloud document it, so that the mover's use of it is
// exercised for real:
//   - conditional writes: If-None-Match: * and If-Match: <ETag> on PutObject and CompleteMultipartUpload, answered
//     412 PreconditionFailed when they do not hold, checked and applied under one lock per key (s3rver ignores both);
//   - no partial object: a read of a key being written, or a listing under it, waits for the write (s3rver writes in
//     place and lists what it has so far);
//   - bucket configuration reads (versioning, Object Lock, lifecycle), answered from the table the rehearsal sets as
//     the stack would configure the buckets (s3rver answers NotImplemented).
// What the rehearsal proves with them is the mover's behaviour under these semantics, not s3rver's.

import * as http from "http";
import { AddressInfo } from "net";

export type Stall =
    /** Read the request, never answer. */
    | { readonly mode: "hang" }
    /** Answer headers and the first `bytes` of the body, then nothing more. */
    | { readonly mode: "stop-body"; readonly bytes: number };

export interface FrontControls {
    /** Stall requests whose path matches (all when no pattern). */
    stall?: { readonly how: Stall; readonly path?: RegExp };
    /** Flip one byte of every response body whose path matches: a bad read in transit, after the server's checksums. */
    corrupt?: RegExp;
    /** Called with the bytes forwarded so far (requests and responses), after each chunk. */
    onBytes?: (total: number) => void;
}

export interface Front {
    readonly url: string;
    readonly controls: FrontControls;
    /** Bytes forwarded both ways since the start. */
    readonly bytes: () => number;
    close(): Promise<void>;
}

interface Options {
    /** Answers a request itself instead of forwarding it (the S3 front's additions); undefined to forward. */
    readonly intercept?: (req: http.IncomingMessage) => Promise<{ status: number; body: string } | undefined>;
    /** Holds a lock for the whole exchange, keyed by the request (conditional writes); undefined for none. */
    readonly lockKey?: (req: http.IncomingMessage) => string | undefined;
    /**
     * Waits for the locks held now on the keys it accepts, without taking them (reads and listings see a write whole
     * or not at all); undefined for none.
     */
    readonly waitFor?: (req: http.IncomingMessage) => ((lockKey: string) => boolean) | undefined;
}

export async function startFront(upstream: string, options: Options = {}): Promise<Front> {
    const target = new URL(upstream);
    const controls: FrontControls = {};
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const sockets = new Set<import("net").Socket>();
    const locks = new Map<string, Promise<void>>();
    let total = 0;
    const count = (n: number) => {
        total += n;
        controls.onBytes?.(total);
    };

    const forward = (req: http.IncomingMessage, res: http.ServerResponse) => new Promise<void>(resolve => {
        let up: http.ClientRequest | undefined;
        let answered = false;
        // The exchange ends when the client hangs up (its own deadline), with one exception: a request whose whole
        // body reached the server is decided by the server, as a real S3 decides a conditional write at commit, so
        // the exchange (and the key's write lock) lasts until the server answers. Without it, a writer that gave up
        // while the server was still storing let the next writer's If-None-Match pass: two stores of one object.
        res.on("close", () => {
            if (!up || answered) return resolve();
            if (req.complete) return; // the server's answer (or error) resolves
            up.destroy(); // an incomplete body is never stored
            resolve();
        });
        const stall = controls.stall && (!controls.stall.path || controls.stall.path.test(req.url ?? "")) ? controls.stall.how : undefined;
        if (stall?.mode === "hang") {
            req.resume();
            return; // never answered: only the client's deadline ends it
        }
        up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, upRes => {
            answered = true;
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            const corrupt = controls.corrupt?.test(req.url ?? "") ?? false;
            let sent = 0;
            let flipped = false;
            upRes.on("data", (chunk: Buffer) => {
                if (stall?.mode === "stop-body" && sent + chunk.length > stall.bytes) {
                    const keep = Math.max(0, stall.bytes - sent);
                    if (keep > 0) res.write(chunk.subarray(0, keep));
                    sent = stall.bytes;
                    upRes.pause(); // and nothing more, ever: the client's idle timeout must end it
                    return;
                }
                if (corrupt && !flipped && chunk.length > 0) {
                    chunk = Buffer.from(chunk);
                    chunk[0] ^= 0x01;
                    flipped = true;
                }
                sent += chunk.length;
                count(chunk.length);
                res.write(chunk);
            });
            upRes.on("end", () => { res.end(); resolve(); });
            upRes.on("error", () => { res.destroy(); resolve(); });
        });
        up.on("error", () => { if (!res.headersSent) res.writeHead(502); res.end(); resolve(); });
        req.on("data", (chunk: Buffer) => count(chunk.length));
        req.pipe(up);
    });

    const server = http.createServer(async (req, res) => {
        try {
            const key = options.lockKey?.(req);
            if (key === undefined) {
                const waits = options.waitFor?.(req);
                if (waits) await Promise.all([...locks].filter(([k]) => waits(k)).map(([, writing]) => writing));
                const answer = await options.intercept?.(req);
                if (answer) return reply(res, answer);
                return await forward(req, res);
            }
            // Conditional writes: the check and the write happen under one lock per key, so two writers cannot both pass.
            const previous = locks.get(key) ?? Promise.resolve();
            let release!: () => void;
            const mine = new Promise<void>(r => { release = r; });
            const chained = previous.then(() => mine);
            locks.set(key, chained);
            await previous;
            try {
                const answer = await options.intercept?.(req);
                if (answer) return reply(res, answer);
                await forward(req, res);
            } finally {
                release();
                if (locks.get(key) === chained) locks.delete(key);
            }
        } catch (e) {
            if (!res.headersSent) res.writeHead(500);
            res.end(String(e));
        }
    });
    server.on("connection", s => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        controls,
        bytes: () => total,
        close: () => new Promise<void>(resolve => {
            for (const s of sockets) s.destroy();
            agent.destroy();
            server.close(() => resolve());
        }),
    };
}

function reply(res: http.ServerResponse, answer: { status: number; body: string }): void {
    res.writeHead(answer.status, { "content-type": "application/xml", "content-length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
}

/** How the rehearsal's buckets are configured, as the stack would declare them (answered by the S3 front). */
export interface DeclaredBucket {
    versioning: "Enabled" | "Suspended" | "Off";
    objectLock?: { mode: "COMPLIANCE" | "GOVERNANCE"; days: number };
    noncurrentVersionExpirationDays?: number;
    abortIncompleteMultipartUploadDays?: number;
}

/** The query parameters of ListObjects and ListObjectsV2: a bucket GET with only these is a listing. */
const LIST_PARAMETERS = new Set(["list-type", "prefix", "delimiter", "continuation-token", "start-after", "max-keys", "encoding-type", "fetch-owner", "marker"]);

/** The S3 front: conditional writes and bucket configuration reads on top of s3rver (see the top of this file). */
export async function startS3Front(upstream: string, etagOf: (bucket: string, key: string) => Promise<string | undefined>,
                                   buckets: Map<string, DeclaredBucket>): Promise<Front> {
    const parse = (req: http.IncomingMessage) => {
        const url = new URL(req.url ?? "/", "http://front");
        const [bucket, ...rest] = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
        return { url, bucket, key: rest.join("/") };
    };
    const isWrite = (req: http.IncomingMessage) => {
        const { url, key } = parse(req);
        if (!key) return false;
        const single = req.method === "PUT" && !url.searchParams.has("uploadId") && !url.searchParams.has("partNumber");
        const complete = req.method === "POST" && url.searchParams.has("uploadId");
        return single || complete;
    };
    return startFront(upstream, {
        lockKey: req => (isWrite(req) ? `${parse(req).bucket}/${parse(req).key}` : undefined),
        // S3 stores an object whole or not at all, so a write shows, to a read or a listing, only once it is stored
        // whole (AWS S3 API reference, PutObject: no partial object is ever added, and a success answer means the
        // whole object was; CompleteMultipartUpload commits the assembled object at once). The local server writes in
        // place (a completed upload is assembled into the object's file), so a read of a key being written, or a
        // listing under a prefix that holds one, waits for those writes. Without the listing's wait, a second mover
        // listed an object short while the first completed its upload, judged it truncated and wrote it again over
        // the ETag it was shown (which the local server had cached from the partial bytes): two stores of one object.
        waitFor: req => {
            if (req.method !== "GET" && req.method !== "HEAD") return undefined;
            const { url, bucket, key } = parse(req);
            if (key) return k => k === `${bucket}/${key}`;
            const listing = req.method === "GET" && bucket && [...url.searchParams.keys()].every(p => LIST_PARAMETERS.has(p));
            if (!listing) return undefined;
            const under = `${bucket}/${url.searchParams.get("prefix") ?? ""}`;
            return k => k.startsWith(under);
        },
        intercept: async req => {
            const { url, bucket, key } = parse(req);
            if (!key && req.method === "GET" && bucket && buckets.has(bucket)) {
                const declared = buckets.get(bucket)!;
                if (url.searchParams.has("versioning")) {
                    const status = declared.versioning === "Off" ? "" : `<Status>${declared.versioning}</Status>`;
                    return { status: 200, body: `<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${status}</VersioningConfiguration>` };
                }
                if (url.searchParams.has("object-lock")) {
                    if (!declared.objectLock) return s3Error(404, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket");
                    return { status: 200, body: `<?xml version="1.0" encoding="UTF-8"?><ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>${declared.objectLock.mode}</Mode><Days>${declared.objectLock.days}</Days></DefaultRetention></Rule></ObjectLockConfiguration>` };
                }
                if (url.searchParams.has("lifecycle")) {
                    const rules = [
                        declared.abortIncompleteMultipartUploadDays ? `<Rule><ID>abort-incomplete-uploads</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>${declared.abortIncompleteMultipartUploadDays}</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>` : "",
                        declared.noncurrentVersionExpirationDays ? `<Rule><ID>expire-noncurrent-versions</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>${declared.noncurrentVersionExpirationDays}</NoncurrentDays></NoncurrentVersionExpiration></Rule>` : "",
                    ].join("");
                    if (!rules) return s3Error(404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist");
                    return { status: 200, body: `<?xml version="1.0" encoding="UTF-8"?><LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</LifecycleConfiguration>` };
                }
            }
            if (!isWrite(req)) return undefined;
            const ifNoneMatch = req.headers["if-none-match"];
            const ifMatch = req.headers["if-match"];
            if (ifNoneMatch === undefined && ifMatch === undefined) return undefined;
            const current = await etagOf(bucket, key);
            const unquote = (s: string) => s.replace(/^"|"$/g, "");
            const fails = (ifNoneMatch === "*" && current !== undefined) ||
                (ifMatch !== undefined && (current === undefined || unquote(String(ifMatch)) !== unquote(current)));
            if (!fails) return undefined;
            req.resume();
            return s3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
        },
    });
}

function s3Error(status: number, code: string, message: string): { status: number; body: string } {
    return { status, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>` };
}
