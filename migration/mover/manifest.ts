// The manifest: one JSON line per event, appended and fsync'd before the mover moves on, so that what it says was
// copied really was, even if the process is killed the next instant. A restart reads it back and skips what it
// lists; a line torn by a crash (the last one, half-written) is dropped and its object is checked again. A manifest
// belongs to one shard of one shard count: opening it for another refuses (the units would not be the same).

import * as fs from "fs";
import * as path from "path";

export const MANIFEST_VERSION = 2;

/** Where an object came from, as the source reported it when it was read. */
export interface SourceVersion {
    readonly etag: string;
    readonly lastModified: string;
    /** Base64 Content-MD5 the source stored, when it has one (single-shot uploads). */
    readonly contentMd5?: string;
}

export interface ObjectEntry {
    readonly v: number;
    /** copied: written by this mover; adopted: found complete on the target after a crash, not rewritten. */
    readonly event: "copied" | "adopted";
    readonly container: string;
    readonly blob: string;
    readonly bucket: string;
    readonly key: string;
    readonly size: number;
    /** SHA-256 of the plaintext, hex: computed from the source bytes as they streamed through. */
    readonly sha256: string;
    readonly source: SourceVersion;
    readonly keyId: string;
    readonly storedSize: number;
    /** The target object's ETag when it was written or adopted: a different one later means someone rewrote it. */
    readonly targetEtag: string;
    /** Whether the object replaces an older copy (the source changed after it was first copied). */
    readonly recopy?: boolean;
    readonly at: string;
}

export interface RunEntry {
    readonly v: number;
    readonly event: "run";
    readonly shard: number;
    readonly shards: number;
    readonly pid: number;
    readonly at: string;
}

export type ManifestLine = ObjectEntry | RunEntry;

export const objectId = (container: string, blob: string) => `${container}/${blob}`;

export class Manifest {
    private fd: number;
    private readonly latest = new Map<string, ObjectEntry>();
    private readonly runs: RunEntry[] = [];
    /** Lines dropped when reading back (a torn last line after a crash). */
    readonly dropped: number;

    private constructor(readonly file: string, fd: number, lines: ManifestLine[], dropped: number) {
        this.fd = fd;
        this.dropped = dropped;
        for (const line of lines) {
            if (line.event === "run") this.runs.push(line);
            else this.latest.set(objectId(line.container, line.blob), line);
        }
    }

    /** Opens (creating if needed) and reads back a manifest. */
    static open(file: string): Manifest {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const { lines, validBytes, dropped } = readLines(file);
        if (dropped > 0) fs.truncateSync(file, validBytes); // the torn tail goes, so appends start on a clean line
        const fd = fs.openSync(file, "a");
        if (fs.existsSync(path.dirname(file))) fsyncDirectory(path.dirname(file));
        return new Manifest(file, fd, lines, dropped);
    }

    /** Records the start of a run; refuses a manifest written for another shard or shard count. */
    startRun(shard: { index: number; count: number }): void {
        const other = this.runs.find(r => r.shards !== shard.count || r.shard !== shard.index);
        if (other) {
            throw new ManifestError(`${this.file} belongs to shard ${other.shard} of ${other.shards}; this run is shard ${shard.index} ` +
                `of ${shard.count}: a different shard count would split the source differently and overlap other shards`);
        }
        this.append({ v: MANIFEST_VERSION, event: "run", shard: shard.index, shards: shard.count, pid: process.pid, at: new Date().toISOString() });
    }

    static read(file: string): ManifestLine[] {
        return readLines(file).lines;
    }

    get(container: string, blob: string): ObjectEntry | undefined {
        return this.latest.get(objectId(container, blob));
    }

    entries(): ObjectEntry[] {
        return [...this.latest.values()];
    }

    append(line: ManifestLine): void {
        fs.writeSync(this.fd, JSON.stringify(line) + "\n");
        fs.fsyncSync(this.fd);
        if (line.event !== "run") this.latest.set(objectId(line.container, line.blob), line);
    }

    close(): void {
        fs.closeSync(this.fd);
    }
}

export class ManifestError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ManifestError";
    }
}

function readLines(file: string): { lines: ManifestLine[]; validBytes: number; dropped: number } {
    if (!fs.existsSync(file)) return { lines: [], validBytes: 0, dropped: 0 };
    const text = fs.readFileSync(file, "utf8");
    const lines: ManifestLine[] = [];
    let validBytes = 0;
    let dropped = 0;
    let offset = 0;
    while (offset < text.length) {
        const end = text.indexOf("\n", offset);
        const raw = end === -1 ? text.slice(offset) : text.slice(offset, end);
        const parsed = end === -1 ? undefined : parse(raw);
        if (!parsed) {
            // Only the last line can be torn; anything else unreadable means the file was edited: refuse it.
            if (end !== -1 && text.indexOf("\n", end + 1) !== -1) throw new ManifestError(`${file}: unreadable manifest line at byte ${offset}`);
            dropped++;
            break;
        }
        lines.push(parsed);
        offset = end + 1;
        validBytes = Buffer.byteLength(text.slice(0, offset), "utf8");
    }
    return { lines, validBytes, dropped };
}

function parse(raw: string): ManifestLine | undefined {
    let v: any;
    try {
        v = JSON.parse(raw);
    } catch {
        return undefined;
    }
    if (v && typeof v.v === "number" && v.v !== MANIFEST_VERSION) {
        throw new ManifestError(`manifest line of version ${v.v}: this mover writes version ${MANIFEST_VERSION} (another object format); start a new manifest`);
    }
    return v && v.v === MANIFEST_VERSION && typeof v.event === "string" ? v : undefined;
}

function fsyncDirectory(dir: string): void {
    // The file's directory entry must be durable too, or a crash right after creation loses the whole file.
    try {
        const fd = fs.openSync(dir, "r");
        try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    } catch {
        // Some filesystems refuse fsync on directories; the data file itself is still fsync'd.
    }
}
