// The source side: Azure Blob containers read with the official SDK. Every request has a deadline and its own
// bounded retries (the SDK's are switched off so that one policy applies everywhere); reads are pinned to the
// version listed (If-Match on the ETag), so a blob rewritten during its copy fails that copy instead of mixing two
// versions; a ranged read asks the service for the MD5 of the range it sends (x-ms-range-get-content-md5, ranges of
// at most 4 MiB), the source's own checksum for blobs that carry no Content-MD5.

import { AnonymousCredential, BlobServiceClient, ContainerClient, StorageSharedKeyCredential, newPipeline } from "@azure/storage-blob";
import { Readable } from "stream";
import { DEFAULT_TIMEOUTS, Endpoint, Timeouts, describe, hostOf, idleGuard, withRetries } from "./requests";

export interface SourceBlob {
    readonly container: string;
    readonly name: string;
    readonly size: number;
    readonly etag: string;
    readonly lastModified: string;
    readonly contentMd5?: string;
}

export interface SourceRead {
    readonly body: Readable;
    readonly metadata: Record<string, string>;
    /** The service's MD5 of the bytes sent, base64, when a range was asked for with its MD5. */
    readonly rangeMd5?: string;
}

/** What the mover needs of a source (the Azure account; an in-memory one in the unit tests). */
export interface SourceStore {
    readonly endpoint: Endpoint;
    /** The storage account's name, bound into every object copied from it. */
    readonly account: string;
    containerExists(container: string): Promise<boolean>;
    /** The top-level prefixes of a container ("a/", "b/") and "" for the blobs at its root: the units of sharding. */
    topLevelUnits(container: string): Promise<string[]>;
    /** Every blob of a unit: under a prefix, or (for "") at the container's root only. */
    list(container: string, unit: string): AsyncGenerator<SourceBlob>;
    /** Reads the version listed, whole or a range, with the range's MD5 computed by the service when asked. */
    read(blob: SourceBlob, range?: { offset: number; count: number; md5: boolean }): Promise<SourceRead>;
}

/** The largest range for which Azure returns an MD5 (x-ms-range-get-content-md5). */
export const RANGE_MD5_LIMIT = 4 * 1024 * 1024;

export interface AzureSourceOptions {
    /** `https://<account>.blob.core.windows.net` (or the emulator's `http://127.0.0.1:<port>/<account>`). */
    readonly accountUrl: string;
    /** A read+list SAS token (preferred: short-lived, scoped), or the account's name and key. */
    readonly sasToken?: string;
    readonly accountName?: string;
    readonly accountKey?: string;
    readonly timeouts?: Timeouts;
}

/** The account name from its URL: `https://NAME.blob...`, `https://NAME.privatelink.blob...` or `http://host:port/NAME`. */
export function accountNameOf(accountUrl: string): string {
    const url = new URL(accountUrl);
    const path = url.pathname.split("/").filter(Boolean);
    if (/^\d+\.\d+\.\d+\.\d+$|^localhost$/.test(url.hostname) && path.length > 0) return path[0];
    return url.hostname.split(".")[0];
}

export class AzureBlobSource implements SourceStore {
    private readonly service: BlobServiceClient;
    readonly endpoint: Endpoint;
    readonly account: string;
    private readonly timeouts: Timeouts;

    constructor(readonly options: AzureSourceOptions) {
        this.timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
        this.endpoint = { role: "source", host: hostOf(options.accountUrl) };
        this.account = accountNameOf(options.accountUrl);
        // One try per call: the retries are ours (withRetries), with the same deadlines and error names as the target's.
        const pipelineOptions = { retryOptions: { maxTries: 1, tryTimeoutInMs: this.timeouts.requestSeconds * 1000 } };
        if (options.sasToken) {
            const sas = options.sasToken.replace(/^\?/, "");
            this.service = new BlobServiceClient(`${options.accountUrl}?${sas}`, newPipeline(new AnonymousCredential(), pipelineOptions));
        } else if (options.accountName && options.accountKey) {
            this.service = new BlobServiceClient(options.accountUrl,
                newPipeline(new StorageSharedKeyCredential(options.accountName, options.accountKey), pipelineOptions));
        } else {
            throw new Error("the source needs a SAS token or an account name and key");
        }
    }

    private container(name: string): ContainerClient {
        return this.service.getContainerClient(name);
    }

    async containerExists(container: string): Promise<boolean> {
        return withRetries(this.endpoint, `exists ${container}`, this.timeouts, signal => this.container(container).exists({ abortSignal: signal }));
    }

    async topLevelUnits(container: string): Promise<string[]> {
        const units = new Set<string>();
        let token: string | undefined;
        do {
            const page = await withRetries(this.endpoint, `list ${container}/`, this.timeouts, async signal =>
                (await this.container(container).listBlobsByHierarchy("/", { abortSignal: signal }).byPage({ continuationToken: token, maxPageSize: 5000 }).next()).value);
            for (const p of page?.segment?.blobPrefixes ?? []) units.add(p.name);
            if ((page?.segment?.blobItems ?? []).length > 0) units.add("");
            token = page?.continuationToken || undefined;
        } while (token);
        return [...units].sort();
    }

    async *list(container: string, unit: string): AsyncGenerator<SourceBlob> {
        let token: string | undefined;
        do {
            const page = await withRetries(this.endpoint, `list ${container}/${unit}`, this.timeouts, async signal => {
                const client = this.container(container);
                const pages = unit === ""
                    ? client.listBlobsByHierarchy("/", { abortSignal: signal }).byPage({ continuationToken: token, maxPageSize: 5000 })
                    : client.listBlobsFlat({ prefix: unit, abortSignal: signal }).byPage({ continuationToken: token, maxPageSize: 5000 });
                return (await pages.next()).value;
            });
            for (const b of page?.segment?.blobItems ?? []) {
                yield {
                    container,
                    name: b.name,
                    size: b.properties.contentLength ?? 0,
                    etag: b.properties.etag ?? "",
                    lastModified: (b.properties.lastModified ?? new Date(0)).toISOString(),
                    contentMd5: b.properties.contentMD5 ? Buffer.from(b.properties.contentMD5).toString("base64") : undefined,
                };
            }
            token = page?.continuationToken || undefined;
        } while (token);
    }

    async read(blob: SourceBlob, range?: { offset: number; count: number; md5: boolean }): Promise<SourceRead> {
        const operation = `GET ${blob.container}/${blob.name}${range ? ` bytes ${range.offset}-${range.offset + range.count - 1}` : ""}`;
        const response = await withRetries(this.endpoint, operation, this.timeouts, async signal => {
            // The deadline covers the answer's headers; the body is then guarded by its own idle timeout below.
            const controller = new AbortController();
            const abort = () => controller.abort();
            signal.addEventListener("abort", abort);
            try {
                return await this.container(blob.container).getBlobClient(blob.name).download(range?.offset ?? 0, range?.count, {
                    conditions: { ifMatch: blob.etag }, rangeGetContentMD5: range?.md5 || undefined, abortSignal: controller.signal, maxRetryRequests: 0,
                });
            } finally {
                signal.removeEventListener("abort", abort);
            }
        });
        if (!response.readableStreamBody) throw describe(this.endpoint, operation, new Error("no body in the answer"));
        const body = response.readableStreamBody as Readable;
        const guarded = body.pipe(idleGuard(this.endpoint, operation, this.timeouts));
        body.on("error", e => guarded.destroy(describe(this.endpoint, operation, e, this.timeouts)));
        guarded.on("close", () => body.destroy());
        return {
            body: guarded,
            metadata: response.metadata ?? {},
            rangeMd5: range?.md5 && response.contentMD5 ? Buffer.from(response.contentMD5).toString("base64") : undefined,
        };
    }
}
