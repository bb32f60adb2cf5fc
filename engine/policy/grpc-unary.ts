// Unary gRPC calls over Node's own HTTP/2: all the analyzer protocol needs (every Analyzer method is unary), at a
// third of @grpc/grpc-js's cost per call. A check makes one call per resource; grpc-js's layers (interceptors,
// filters, channelz, call credentials, load balancing) were most of the CLI's share of a check, and its requests
// cost the pack more to parse (docs/benchmark.md). The wire format is gRPC's: a POST per call on one HTTP/2
// connection, each message framed by a compression flag (always 0 here: neither side negotiates compression) and a
// 4-byte big-endian length, the status in the trailers (or in the headers of a trailers-only answer).

import * as http2 from "http2";

/** The call failed: the server answered with a non-OK status, or the connection failed. */
export class GrpcError extends Error {
    constructor(readonly code: number | undefined, message: string) {
        super(message);
        this.name = "GrpcError";
    }
}

const OK = "0";

/** Socket errors that mean the server went away (a pack killed, say): reset or closed, depending on timing. */
const CONNECTION_LOST = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

/** The error's message, said as a closed connection when that is what it is, whichever way the socket reported it. */
function lostConnection(err: Error): string {
    const code = (err as NodeJS.ErrnoException).code;
    return code && CONNECTION_LOST.has(code) ? `the connection closed before the answer (${err.message})` : err.message;
}

export class UnaryChannel {
    private readonly session: http2.ClientHttp2Session;
    private failure?: Error;

    constructor(address: string) {
        this.session = http2.connect(`http://${address}`);
        // Each stream reports the failure it meets; this keeps a connection error from being unhandled.
        this.session.on("error", err => { this.failure = err; });
        this.session.on("close", () => { this.failure ??= new Error("the connection to the server closed"); });
    }

    /** Sends one encoded request to `path` (`/package.Service/Method`) and resolves with the encoded answer. */
    call(path: string, request: Uint8Array): Promise<Buffer> {
        if (this.failure) return Promise.reject(new GrpcError(undefined, lostConnection(this.failure)));
        return new Promise((resolve, reject) => {
            let stream: http2.ClientHttp2Stream;
            try {
                stream = this.session.request({
                    ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers",
                });
            } catch (err) {
                return reject(new GrpcError(undefined, err instanceof Error ? err.message : String(err)));
            }
            const chunks: Buffer[] = [];
            let status: string | undefined;
            let message = "";
            const readStatus = (headers: http2.IncomingHttpHeaders) => {
                if (headers["grpc-status"] === undefined) return;
                status = String(headers["grpc-status"]);
                message = decodeMessage(String(headers["grpc-message"] ?? ""));
            };
            stream.on("response", readStatus);
            stream.on("trailers", readStatus);
            stream.on("data", (chunk: Buffer) => chunks.push(chunk));
            stream.on("error", err => reject(new GrpcError(undefined, lostConnection(err))));
            stream.on("close", () => {
                if (status === undefined) {
                    reject(new GrpcError(undefined, "the connection closed before the answer"));
                } else if (status !== OK) {
                    reject(new GrpcError(Number(status), message || `status ${status}`));
                } else {
                    try {
                        resolve(unframe(Buffer.concat(chunks)));
                    } catch (err) {
                        reject(err);
                    }
                }
            });
            stream.end(frame(request));
        });
    }

    close(): void {
        this.session.close();
    }
}

function frame(message: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(5 + message.length);
    out[0] = 0;
    out.writeUInt32BE(message.length, 1);
    out.set(message, 5);
    return out;
}

/** The one message of a unary answer. */
function unframe(body: Buffer): Buffer {
    if (body.length < 5) throw new GrpcError(undefined, "an answer without a message");
    if (body[0] !== 0) throw new GrpcError(undefined, "a compressed answer, which was not asked for");
    const length = body.readUInt32BE(1);
    if (body.length !== 5 + length) throw new GrpcError(undefined, `an answer of ${body.length - 5} bytes announced as ${length}`);
    return body.subarray(5);
}

/** grpc-message is percent-encoded. */
function decodeMessage(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}
