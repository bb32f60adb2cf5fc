// The source side: Azure Blob containers read with the official SDK. Reads are pinned to the version listed
// (If-Match on the ETag), so a blob rewritten during its copy fails that copy instead of mixing two versions.

import { BlobServiceClient, ContainerClient, StorageSharedKeyCredential, AnonymousCredential } from "@azure/storage-blob";
import { Readable } from "stream";

export interface SourceBlob {
    readonly container: string;
    readonly name: string;
    readonly size: number;
    readonly etag: string;
    readonly lastModified: string;
    readonly contentMd5?: string;
}

export interface AzureSourceOptions {
    /** `https://<account>.blob.core.windows.net` (or the emulator's `http://127.0.0.1:<port>/<account>`). */
    readonly accountUrl: string;
    /** A read+list SAS token (preferred: short-lived, scoped), or the account's name and key. */
    readonly sasToken?: string;
    readonly accountName?: string;
    readonly accountKey?: string;
}

export class AzureBlobSource {
    private readonly service: BlobServiceClient;

    constructor(readonly options: AzureSourceOptions) {
        if (options.sasToken) {
            const sas = options.sasToken.replace(/^\?/, "");
            this.service = new BlobServiceClient(`${options.accountUrl}?${sas}`, new AnonymousCredential());
        } else if (options.accountName && options.accountKey) {
            this.service = new BlobServiceClient(options.accountUrl,
                new StorageSharedKeyCredential(options.accountName, options.accountKey));
        } else {
            throw new Error("the source needs a SAS token or an account name and key");
        }
    }

    container(name: string): ContainerClient {
        return this.service.getContainerClient(name);
    }

    /** The top-level prefixes of a container ("a/", "b/") and "" for the blobs at its root: the units of sharding. */
    async topLevelUnits(container: string): Promise<string[]> {
        const units = new Set<string>();
        for await (const item of this.container(container).listBlobsByHierarchy("/")) {
            units.add(item.kind === "prefix" ? item.name : "");
        }
        return [...units].sort();
    }

    /** Every blob of a unit: under a prefix, or (for "") at the container's root only. */
    async *list(container: string, unit: string): AsyncGenerator<SourceBlob> {
        const client = this.container(container);
        const items = unit === ""
            ? mapRoot(client.listBlobsByHierarchy("/"))
            : client.listBlobsFlat({ prefix: unit, includeMetadata: false });
        for await (const b of items) {
            yield {
                container,
                name: b.name,
                size: b.properties.contentLength ?? 0,
                etag: b.properties.etag ?? "",
                lastModified: (b.properties.lastModified ?? new Date(0)).toISOString(),
                contentMd5: b.properties.contentMD5 ? Buffer.from(b.properties.contentMD5).toString("base64") : undefined,
            };
        }
    }

    /** Opens a blob at the version listed; returns its body and its metadata (for client-side encryption). */
    async open(blob: SourceBlob): Promise<{ body: Readable; metadata: Record<string, string> }> {
        const response = await this.container(blob.container).getBlobClient(blob.name)
            .download(0, undefined, { conditions: { ifMatch: blob.etag }, maxRetryRequests: 5 });
        if (!response.readableStreamBody) throw new Error(`${blob.container}/${blob.name}: no body in the download`);
        return { body: response.readableStreamBody as Readable, metadata: response.metadata ?? {} };
    }
}

async function* mapRoot(items: AsyncIterable<any>): AsyncGenerator<any> {
    for await (const item of items) if (item.kind !== "prefix") yield item;
}
