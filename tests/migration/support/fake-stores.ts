// In-memory source and target with the mover's interfaces (SourceStore, TargetStore), for fast unit tests of what
// the mover accepts. They behave as the real services do where it matters: the source computes range MD5s from the
// bytes it stores (a corrupted read is corrupted in transit, after the checksum), the target's ETag changes with its
// content, and conditional writes are checked atomically at commit.
import * as crypto from "crypto";
import { Readable } from "stream";
import { EndpointError } from "../../../migration/mover/requests";
import { SourceBlob, SourceRead, SourceStore } from "../../../migration/mover/source";
import { BucketProtections, TargetObject, TargetStore, WriteCondition } from "../../../migration/mover/target";

export interface Blob { bytes: Buffer; etag: string; lastModified: string; contentMd5?: string; metadata: Record<string, string> }

export class FakeSource implements SourceStore {
    readonly endpoint = { role: "source" as const, host: "source.test:443" };
    readonly account = "devstoreaccount1";
    readonly containers = new Map<string, Map<string, Blob>>();
    /** `container/blob` whose reads are corrupted in transit (after the service computed its checksums). */
    corruptReads = new Set<string>();
    reads = 0;
    private tick = 0;

    put(container: string, name: string, bytes: Buffer, withMd5 = true, metadata: Record<string, string> = {}): void {
        if (!this.containers.has(container)) this.containers.set(container, new Map());
        this.tick++;
        this.containers.get(container)!.set(name, {
            bytes, etag: `"0x${this.tick.toString(16).toUpperCase()}"`, lastModified: new Date(Date.UTC(2026, 0, 1, 0, 0, this.tick)).toISOString(),
            contentMd5: withMd5 ? crypto.createHash("md5").update(bytes).digest("base64") : undefined, metadata,
        });
    }
    delete(container: string, name: string): void { this.containers.get(container)!.delete(name); }
    async containerExists(container: string) { return this.containers.has(container); }
    async topLevelUnits(container: string): Promise<string[]> {
        const units = new Set<string>();
        for (const name of this.containers.get(container)?.keys() ?? []) units.add(name.includes("/") ? name.slice(0, name.indexOf("/") + 1) : "");
        return [...units].sort();
    }
    async *list(container: string, unit: string): AsyncGenerator<SourceBlob> {
        for (const [name, b] of [...(this.containers.get(container) ?? new Map<string, Blob>()).entries()].sort()) {
            const inUnit = unit === "" ? !name.includes("/") : name.startsWith(unit);
            if (inUnit) yield { container, name, size: b.bytes.length, etag: b.etag, lastModified: b.lastModified, contentMd5: b.contentMd5 };
        }
    }
    async read(blob: SourceBlob, range?: { offset: number; count: number; md5: boolean }): Promise<SourceRead> {
        this.reads++;
        const b = this.containers.get(blob.container)?.get(blob.name);
        if (!b) throw new EndpointError(this.endpoint, `GET ${blob.container}/${blob.name}`, "not found (BlobNotFound)", "not-found", 404);
        if (b.etag !== blob.etag) throw new EndpointError(this.endpoint, `GET ${blob.container}/${blob.name}`, "precondition failed", "precondition", 412);
        const stored = range ? b.bytes.subarray(range.offset, range.offset + range.count) : b.bytes;
        let sent = stored;
        if (this.corruptReads.has(`${blob.container}/${blob.name}`)) { sent = Buffer.from(stored); sent[0] ^= 1; }
        return {
            body: Readable.from([sent]), metadata: b.metadata,
            rangeMd5: range?.md5 ? crypto.createHash("md5").update(stored).digest("base64") : undefined,
        };
    }
}

export interface StoredObject { bytes: Buffer; versionId?: string; metadata?: Record<string, string> }

export class FakeTarget implements TargetStore {
    readonly endpoint = { role: "target" as const, host: "target.test:443" };
    readonly buckets = new Map<string, Map<string, StoredObject>>();
    /** Every object written (PUT or completed upload), as bucket/key, in order. */
    readonly stores: string[] = [];
    /** Whether If-None-Match / If-Match are honoured (a target that ignores them is refused by the pre-flight). */
    conditional = true;
    protectionsOf = new Map<string, BucketProtections>();

    bucket(b: string) { if (!this.buckets.has(b)) this.buckets.set(b, new Map()); return this.buckets.get(b)!; }
    static etag(bytes: Buffer) { return `"${crypto.createHash("md5").update(bytes).digest("hex")}"`; }
    async bucketExists(bucket: string) { return this.buckets.has(bucket); }
    async protections(bucket: string): Promise<BucketProtections> {
        return this.protectionsOf.get(bucket) ?? { versioning: "Enabled", lifecycle: [] };
    }
    async put(bucket: string, key: string, body: Readable, size: number, condition: WriteCondition) {
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(Buffer.from(c as Buffer));
        const bytes = Buffer.concat(chunks);
        if (bytes.length !== size) throw new Error(`body of ${bytes.length} bytes, ${size} announced`);
        // The commit: checked and applied in one step, as the service does.
        const current = this.bucket(bucket).get(key);
        if (this.conditional) {
            const fail = () => { throw new EndpointError(this.endpoint, `PUT ${bucket}/${key}`, "precondition failed (PreconditionFailed)", "precondition", 412); };
            if ("ifNoneMatch" in condition && current) fail();
            if ("ifMatch" in condition && (!current || FakeTarget.etag(current.bytes) !== condition.ifMatch)) fail();
        }
        this.bucket(bucket).set(key, { bytes, versionId: crypto.randomUUID() });
        this.stores.push(`${bucket}/${key}`);
        return { etag: FakeTarget.etag(bytes) };
    }
    async head(bucket: string, key: string) {
        const o = this.bucket(bucket).get(key);
        return o ? { size: o.bytes.length, etag: FakeTarget.etag(o.bytes), versionId: o.versionId } : undefined;
    }
    async get(bucket: string, key: string, range?: { first: number; last: number }, ifMatch?: string) {
        const o = this.bucket(bucket).get(key);
        if (!o) throw new EndpointError(this.endpoint, `GET ${bucket}/${key}`, "not found (NoSuchKey)", "not-found", 404);
        if (ifMatch && FakeTarget.etag(o.bytes) !== ifMatch) throw new EndpointError(this.endpoint, `GET ${bucket}/${key}`, "precondition failed", "precondition", 412);
        const bytes = range ? o.bytes.subarray(range.first, range.last + 1) : o.bytes;
        return { body: Readable.from([bytes]), size: bytes.length, etag: FakeTarget.etag(o.bytes) };
    }
    async *list(bucket: string, prefix: string): AsyncGenerator<TargetObject> {
        for (const [key, o] of [...this.bucket(bucket).entries()].sort()) {
            const inUnit = prefix === "" ? !key.includes("/") : key.startsWith(prefix);
            if (inUnit) yield { key, size: o.bytes.length, etag: FakeTarget.etag(o.bytes) };
        }
    }
    async topLevelPrefixes(bucket: string): Promise<string[]> {
        const units = new Set<string>();
        for (const key of this.bucket(bucket).keys()) units.add(key.includes("/") ? key.slice(0, key.indexOf("/") + 1) : "");
        return [...units].sort();
    }
    async delete(bucket: string, key: string, options: { ifMatch?: string; versionId?: string }) {
        const o = this.bucket(bucket).get(key);
        if (options.versionId) { if (o?.versionId === options.versionId) this.bucket(bucket).delete(key); return; }
        if (options.ifMatch && (!o || FakeTarget.etag(o.bytes) !== options.ifMatch)) throw new EndpointError(this.endpoint, `DELETE ${bucket}/${key}`, "precondition failed", "precondition", 412);
        this.bucket(bucket).delete(key);
    }
    destroy() {}
}
