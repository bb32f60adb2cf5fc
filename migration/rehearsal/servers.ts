// The rehearsal's protocol servers, on free loopback ports: Azurite (Microsoft's Azure Storage emulator) as the
// source, in a child process of its own; s3rver as the S3 target, in this process, so every object it stores is
// counted here even when the mover is a separate process that gets killed.

import { ChildProcess, spawn } from "child_process";
import * as path from "path";

/** Azurite's development account: published by Microsoft, usable only against the emulator. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
/** s3rver checks SigV4 signatures against this fixed pair. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface Azurite {
    readonly accountUrl: string;
    readonly process: ChildProcess;
    stop(): Promise<void>;
}

export async function startAzurite(workDir: string): Promise<Azurite> {
    const main = path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
    const child = spawn(process.execPath, [main, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", workDir,
        "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose"], { stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`Azurite did not start in 20 s: ${out}`)), 20_000);
        const onData = (d: Buffer) => {
            out += d.toString();
            const m = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
            if (m) { clearTimeout(timer); resolve(Number(m[1])); }
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        child.once("exit", code => { clearTimeout(timer); reject(new Error(`Azurite exited (${code}): ${out}`)); });
    });
    child.stdout!.resume();
    child.stderr!.resume();
    child.removeAllListeners("exit");
    return {
        accountUrl: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
        process: child,
        stop: () => new Promise<void>(resolve => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
        }),
    };
}

/** One object the S3 server stored: a PUT, or the completion of a multipart upload. */
export interface StoredEvent {
    readonly event: string;
    readonly bucket: string;
    readonly key: string;
}

export interface S3Server {
    readonly endpoint: string;
    /** Every object creation the server saw, in order. */
    readonly stored: StoredEvent[];
    /** The ETag the server holds for an object now, or undefined (for the S3 front's conditional writes). */
    etagOf(bucket: string, key: string): Promise<string | undefined>;
    stop(): Promise<void>;
}

export async function startS3Server(directory: string, buckets: readonly string[]): Promise<S3Server> {
    // s3rver ships no type declarations.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const S3rver = require("s3rver");
    const server = new S3rver({
        address: "127.0.0.1", port: 0, silent: true, directory,
        configureBuckets: buckets.map(name => ({ name })),
    });
    const stored: StoredEvent[] = [];
    server.on("event", (e: any) => {
        for (const r of e.Records ?? []) {
            if (String(r.eventName).startsWith("ObjectCreated")) {
                stored.push({ event: r.eventName, bucket: r.s3.bucket.name, key: String(r.s3.object.key) });
            }
        }
    });
    const address = await server.run();
    return {
        endpoint: `http://127.0.0.1:${address.port}`,
        stored,
        etagOf: async (bucket, key) => {
            try {
                return (await server.store.getMetadata(bucket, key)).etag;
            } catch {
                return undefined;
            }
        },
        stop: () => server.close(),
    };
}
