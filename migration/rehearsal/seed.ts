// Synthetic research data for the rehearsal, laid out like the Azure warehouse: a container per zone (raw,
// curated) and per research project (project-<id>), with dated extract prefixes, many small files (CSV extracts,
// data dictionaries) and a few large ones (columnar extracts) that need multipart uploads. One project's container
// is encrypted on the client (Azure client-side encryption v2) under a source key, the others are plaintext at
// rest as the storage service returns them. No real health data: contents are random.

import { BlobServiceClient } from "@azure/storage-blob";
import * as crypto from "crypto";
import { encryptClientSide, encryptionMetadata } from "../mover/azure-client-side";
import { KeyEncryptionKey } from "../keys/key-encryption-key";

export interface SeedContainer {
    readonly container: string;
    /** Set for a container written with client-side encryption: the source KEK that wraps its content keys. */
    readonly clientSideKey?: KeyEncryptionKey;
}

export interface SeedOptions {
    /** Small files per container. */
    readonly smallPerContainer: number;
    /** Large files in total, spread over the containers. */
    readonly largeCount: number;
    readonly largeBytes: number;
}

/** What was seeded, with the plaintext SHA-256 computed here: the ground truth the target is checked against. */
export interface SeededObject {
    readonly container: string;
    readonly blob: string;
    readonly size: number;
    readonly sha256: string;
}

export const CLIENT_SIDE_REGION = 4 * 1024 * 1024;

const PREFIXES = ["extract-2024-q4/", "extract-2025-q1/", "dictionary/", ""];

export async function seed(service: BlobServiceClient, containers: readonly SeedContainer[], options: SeedOptions): Promise<SeededObject[]> {
    const seeded: SeededObject[] = [];
    let large = 0;
    for (const [ci, c] of containers.entries()) {
        const client = service.getContainerClient(c.container);
        await client.createIfNotExists();
        const uploads: Promise<void>[] = [];
        for (let i = 0; i < options.smallPerContainer; i++) {
            const prefix = PREFIXES[i % PREFIXES.length];
            const name = prefix === "" ? `README-${i}.txt` : `${prefix}part-${String(i).padStart(5, "0")}.csv`;
            uploads.push(put(client, c, name, smallFile(i), seeded));
        }
        // Large files spread over the containers; each goes up in 4 MiB blocks (no Content-MD5, like the real ones).
        const share = Math.ceil(options.largeCount / containers.length);
        for (let j = 0; j < share && large < options.largeCount; j++, large++) {
            uploads.push(put(client, c, `extract-2025-q1/cohort-${ci}-${j}.parquet`, crypto.randomBytes(options.largeBytes + j * 12345), seeded));
        }
        await Promise.all(uploads);
    }
    return seeded.sort((a, b) => `${a.container}/${a.blob}`.localeCompare(`${b.container}/${b.blob}`));
}

/** Rewrites a blob with new content (the rehearsal's "the source changed after its copy"). */
export async function rewrite(service: BlobServiceClient, c: SeedContainer, blob: string, content: Buffer): Promise<SeededObject> {
    const out: SeededObject[] = [];
    await put(service.getContainerClient(c.container), c, blob, content, out);
    return out[0];
}

async function put(client: ReturnType<BlobServiceClient["getContainerClient"]>, c: SeedContainer, name: string, plain: Buffer,
                   seeded: SeededObject[]): Promise<void> {
    let body = plain;
    let metadata: Record<string, string> | undefined;
    if (c.clientSideKey) {
        const contentKey = crypto.randomBytes(32);
        const versioned = Buffer.concat([Buffer.from("2.0\0\0\0\0\0", "utf8"), contentKey]);
        const wrapped = await c.clientSideKey.wrap(versioned);
        body = encryptClientSide(plain, contentKey, CLIENT_SIDE_REGION);
        metadata = { encryptiondata: encryptionMetadata(c.clientSideKey.keyId, "A256KW", wrapped, CLIENT_SIDE_REGION) };
    }
    const blob = client.getBlockBlobClient(name);
    if (body.length <= 256 * 1024) await blob.upload(body, body.length, { metadata });
    else await blob.uploadData(body, { blockSize: 4 * 1024 * 1024, concurrency: 2, metadata });
    seeded.push({ container: c.container, blob: name, size: plain.length, sha256: crypto.createHash("sha256").update(plain).digest("hex") });
}

function smallFile(i: number): Buffer {
    // A pseudonymised-extract lookalike: random ids and values, 1 to ~40 KiB.
    const rows = 20 + ((i * 7919) % 900);
    const lines = ["pseudo_id,year,code,value"];
    for (let r = 0; r < rows; r++) {
        lines.push(`${crypto.randomBytes(8).toString("hex")},${2015 + (r % 10)},C${(r * 31) % 997},${(Math.random() * 1000).toFixed(3)}`);
    }
    return Buffer.from(lines.join("\n") + "\n");
}
