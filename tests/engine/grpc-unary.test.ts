// The CLI's own unary gRPC calls, against an HTTP/2 server that answers as a gRPC server may: in pieces, with an
// error status in the trailers or alone in the headers, or not at all.

import * as http2 from "http2";
import type { AddressInfo } from "net";
import { GrpcError, UnaryChannel } from "../../engine/policy/grpc-unary";

const framed = (payload: Buffer, compressed = 0) => {
    const out = Buffer.alloc(5 + payload.length);
    out[0] = compressed;
    out.writeUInt32BE(payload.length, 1);
    payload.copy(out, 5);
    return out;
};

type Handler = (stream: http2.ServerHttp2Stream, request: Buffer, path: string) => void;

async function serve(handler: Handler): Promise<{ address: string; close(): Promise<void> }> {
    const server = http2.createServer();
    server.on("stream", (stream, headers) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => handler(stream, Buffer.concat(chunks), String(headers[":path"])));
    });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { address: `127.0.0.1:${port}`, close: () => new Promise(resolve => server.close(() => resolve())) };
}

describe("unary gRPC calls over HTTP/2", () => {
    let server: Awaited<ReturnType<typeof serve>>;
    let channel: UnaryChannel;
    let handler: Handler;
    beforeAll(async () => {
        server = await serve((stream, request, path) => handler(stream, request, path));
        channel = new UnaryChannel(server.address);
    });
    afterAll(async () => {
        channel.close();
        await server.close();
    });

    test("sends the message framed, to the method's path, and returns the answer even when it comes in pieces", async () => {
        let seen: { request: Buffer; path: string } | undefined;
        handler = (stream, request, path) => {
            seen = { request, path };
            stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
            const answer = framed(Buffer.from("answer to the request"));
            stream.write(answer.subarray(0, 7));
            stream.write(answer.subarray(7));
            stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
            stream.end();
        };
        const answer = await channel.call("/pulumirpc.Analyzer/Analyze", Buffer.from("a request"));
        expect(answer.toString()).toBe("answer to the request");
        expect(seen).toEqual({ request: framed(Buffer.from("a request")), path: "/pulumirpc.Analyzer/Analyze" });
    });

    test("an error status in the trailers rejects with the server's (percent-encoded) message", async () => {
        handler = stream => {
            stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
            stream.on("wantTrailers", () => stream.sendTrailers({
                "grpc-status": "2", "grpc-message": encodeURIComponent("Error validating resource: boom (100%)"),
            }));
            stream.end();
        };
        const call = channel.call("/pulumirpc.Analyzer/Analyze", Buffer.alloc(0));
        await expect(call).rejects.toThrow(GrpcError);
        await expect(channel.call("/x/Y", Buffer.alloc(0))).rejects.toMatchObject({
            code: 2, message: "Error validating resource: boom (100%)",
        });
    });

    test("a trailers-only answer (the status in the headers) is an answer too", async () => {
        handler = stream => {
            stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12",
                             "grpc-message": "unimplemented" }, { endStream: true });
        };
        await expect(channel.call("/pulumirpc.Analyzer/Handshake", Buffer.alloc(0)))
            .rejects.toMatchObject({ code: 12, message: "unimplemented" });
    });

    test("refuses a compressed answer and an answer whose length is not the announced one", async () => {
        handler = stream => {
            stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
            stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
            stream.end(framed(Buffer.from("zz"), 1));
        };
        await expect(channel.call("/x/Y", Buffer.alloc(0))).rejects.toThrow(/compressed/);
        handler = stream => {
            stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
            stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
            stream.end(framed(Buffer.from("abcdef")).subarray(0, 8));
        };
        await expect(channel.call("/x/Y", Buffer.alloc(0))).rejects.toThrow(/announced as 6/);
    });

    test("a connection the server resets mid-call reads as a closed connection, whatever the socket reports", async () => {
        // A pack killed by the kernel: the socket is reset (ECONNRESET) or simply closed, depending on timing; the
        // one-line error must not depend on which.
        const resetting = await serve(stream => (stream.session?.socket as unknown as { resetAndDestroy(): void }).resetAndDestroy());
        const lost = new UnaryChannel(resetting.address);
        try {
            await expect(lost.call("/x/Y", Buffer.from("q"))).rejects.toThrow(/^the connection closed before the answer/);
        } finally {
            lost.close();
            await resetting.close();
        }
    });

    test("a server that goes away mid-call rejects the call, and the calls after it", async () => {
        const dying = await serve(stream => stream.session?.destroy());
        const lost = new UnaryChannel(dying.address);
        try {
            await expect(lost.call("/x/Y", Buffer.from("q"))).rejects.toThrow(GrpcError);
            await dying.close();
            await expect(lost.call("/x/Y", Buffer.from("q"))).rejects.toThrow(GrpcError);
        } finally {
            lost.close();
        }
    });
});
