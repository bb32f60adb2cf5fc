// Every request the mover makes has a deadline, a bounded number of attempts with backoff, and an error that names
// the endpoint, the operation and the cause. A stalled endpoint (no answer, or a body that stops flowing) fails the
// request in bounded time; refused credentials stop the run; anything else is retried, then reported once.

import { Transform, TransformCallback } from "stream";

export interface Timeouts {
    /** Deadline of a request without a streamed body (list, head, create, complete), seconds. */
    readonly requestSeconds: number;
    /** Longest silence on a connection or a streamed body before it counts as stalled, seconds. */
    readonly idleSeconds: number;
    /** Attempts per request, and per object copy. */
    readonly attempts: number;
    /** First backoff between attempts, seconds; doubled each time, with jitter. */
    readonly backoffSeconds: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { requestSeconds: 60, idleSeconds: 60, attempts: 4, backoffSeconds: 1 };

/** Where a request went: "source" (Azure) or "target" (S3), the host, and what it asked. */
export interface Endpoint {
    readonly role: "source" | "target";
    readonly host: string;
}

/** A failed request, named: `target 10.0.0.5:443: PUT hdw-raw/a.csv: connection refused`. */
export class EndpointError extends Error {
    constructor(readonly endpoint: Endpoint, readonly operation: string, readonly cause: string,
                readonly kind: "transient" | "auth" | "not-found" | "precondition" | "permanent", readonly status?: number) {
        super(`${endpoint.role} ${endpoint.host}: ${operation}: ${cause}`);
        this.name = "EndpointError";
    }
}

const NETWORK_CAUSES: Record<string, string> = {
    ECONNREFUSED: "connection refused", ECONNRESET: "connection reset by the peer", ETIMEDOUT: "connection timed out",
    ENOTFOUND: "host not found (DNS)", EAI_AGAIN: "DNS lookup failed", EPIPE: "connection closed while sending",
    EHOSTUNREACH: "host unreachable", ENETUNREACH: "network unreachable", ECONNABORTED: "connection aborted",
    ERR_STREAM_PREMATURE_CLOSE: "connection closed before the body ended", UND_ERR_SOCKET: "connection closed",
};

/** Status codes and service error codes that mean our credentials were refused. */
const AUTH_CODES = new Set(["AuthenticationFailed", "AuthorizationFailure", "AuthorizationPermissionMismatch", "InvalidAccessKeyId",
    "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken", "NoAuthenticationInformation"]);

/** Turns whatever a client library threw into an EndpointError with a readable cause. */
export function describe(endpoint: Endpoint, operation: string, e: unknown, timeouts?: Timeouts): EndpointError {
    if (e instanceof EndpointError) return e;
    const err = e as any;
    const status: number | undefined = err?.$metadata?.httpStatusCode ?? err?.statusCode ?? err?.status;
    const code: string = err?.Code ?? err?.code ?? err?.details?.errorCode ?? err?.name ?? "";
    const nested = err?.errors?.[0] ?? err?.cause;
    const errno: string = err?.code && NETWORK_CAUSES[err.code] ? err.code : nested?.code ?? "";
    // Our deadline (an abort), or the HTTP client's socket timeout: the endpoint did not answer in time.
    if (err?.name === "AbortError" || err?.name === "TimeoutError") {
        const within = timeouts ? `no answer in ${timeouts.requestSeconds} s` : "no answer in time";
        return new EndpointError(endpoint, operation, `${within} (the endpoint stalled or is unreachable)`, "transient");
    }
    if (NETWORK_CAUSES[errno]) return new EndpointError(endpoint, operation, NETWORK_CAUSES[errno], "transient");
    if (status === 401 || status === 403 || AUTH_CODES.has(code)) {
        return new EndpointError(endpoint, operation, `credentials refused (HTTP ${status ?? "?"} ${code})`.trim(), "auth", status);
    }
    if (status === 404 || code === "NoSuchKey" || code === "NotFound" || code === "BlobNotFound" || code === "ContainerNotFound" || code === "NoSuchBucket") {
        return new EndpointError(endpoint, operation, `not found (${code || "HTTP 404"})`, "not-found", status);
    }
    if (status === 412 || code === "PreconditionFailed" || code === "ConditionNotMet") {
        return new EndpointError(endpoint, operation, `precondition failed (${code || "HTTP 412"}): it changed meanwhile`, "precondition", status);
    }
    if (status === 409 && code === "ConditionalRequestConflict") {
        return new EndpointError(endpoint, operation, "a concurrent conditional write to the same key", "precondition", status);
    }
    // "UnknownError" is what the S3 client says when the body it got is not an S3 error: say what we know instead.
    const message = err?.message && err.message !== "UnknownError" ? err.message : "";
    const what = [status ? `HTTP ${status}` : "", code && code !== "UnknownError" && code !== "Error" ? code : "", message].filter(Boolean).join(" ");
    const transient = status === undefined || status === 429 || status >= 500 || status === 408;
    return new EndpointError(endpoint, operation, what || "the request failed with no detail", transient ? "transient" : "permanent", status);
}

/** Runs `fn` with a deadline per attempt and bounded retries with jittered exponential backoff. */
export async function withRetries<T>(endpoint: Endpoint, operation: string, timeouts: Timeouts,
                                     fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        const signal = AbortSignal.timeout(timeouts.requestSeconds * 1000);
        try {
            return await fn(signal);
        } catch (e) {
            const failure = describe(endpoint, operation, signal.aborted ? Object.assign(new Error("aborted"), { name: "AbortError" }) : e, timeouts);
            if (failure.kind !== "transient" || attempt >= timeouts.attempts) throw failure;
            await backoff(timeouts, attempt);
        }
    }
}

export function backoff(timeouts: Timeouts, attempt: number): Promise<void> {
    const ms = timeouts.backoffSeconds * 1000 * 2 ** (attempt - 1) * (0.5 + Math.random());
    return new Promise(r => setTimeout(r, Math.min(ms, 60_000)));
}

/** The slowest body accepted, counted over the time the reader waited: below it, a body is stalled in all but name. */
export const MIN_BODY_BYTES_PER_SECOND = 16 * 1024;

/**
 * Passes bytes through, failing the stream when none arrive for `idleSeconds` while its reader is waiting for them
 * (a body that stalls mid-way), or when, over `idleSeconds` of such waiting, they arrive slower than
 * MIN_BODY_BYTES_PER_SECOND (a body that trickles a byte now and then, which no idle timer would catch). Time the
 * reader itself is busy (a part uploading, a rate limit) does not count.
 */
export function idleGuard(endpoint: Endpoint, operation: string, timeouts: Timeouts): Transform {
    let timer: NodeJS.Timeout | undefined;
    let armedAt = 0;
    // The current window of waiting: how long the reader has waited, and what arrived meanwhile.
    let waitedMs = 0;
    let bytes = 0;
    const disarm = () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
    };
    const guard: Transform = new Transform({
        transform(chunk: Buffer, _enc, done: TransformCallback) {
            if (timer) {
                waitedMs += Date.now() - armedAt;
                bytes += chunk.length;
            }
            disarm();
            if (waitedMs >= timeouts.idleSeconds * 1000) {
                const seconds = waitedMs / 1000;
                if (bytes / seconds < MIN_BODY_BYTES_PER_SECOND) {
                    return done(new EndpointError(endpoint, operation, `${bytes} bytes in ${seconds.toFixed(1)} s of waiting, under ` +
                        `${MIN_BODY_BYTES_PER_SECOND / 1024} KiB/s (the body trickles)`, "transient"));
                }
                waitedMs = 0;
                bytes = 0;
            }
            done(null, chunk);
        },
        flush(done: TransformCallback) {
            disarm();
            done();
        },
        destroy(err, done) {
            disarm();
            done(err);
        },
    });
    const read = guard._read.bind(guard);
    // The reader asks for more: from now on, silence is the endpoint's.
    guard._read = (size: number) => {
        if (!timer && !guard.writableFinished) {
            armedAt = Date.now();
            timer = setTimeout(() => guard.destroy(new EndpointError(endpoint, operation,
                `no byte for ${timeouts.idleSeconds} s (the body stalled)`, "transient")), timeouts.idleSeconds * 1000);
        }
        read(size);
    };
    return guard;
}

export function hostOf(url: string): string {
    try {
        return new URL(url).host;
    } catch {
        return url;
    }
}
