// What the mover says while it works: a one-line progress bar when a person watches a terminal, JSON lines for
// log collectors otherwise (a Job's pods). Both carry the same numbers: objects, bytes, throughput, ETA.

import { Writable } from "stream";

export interface ReporterIo {
    readonly stdout: Writable;
    readonly stderr: Writable;
}

export type Level = "debug" | "info" | "warn" | "error";

export class Progress {
    private totalObjects = 0;
    private totalBytes = 0;
    private doneObjects = 0;
    private doneBytes = 0;
    private movedBytes = 0;
    private readonly started = Date.now();
    private lastDraw = 0;
    private lastLog = 0;

    constructor(private readonly io: ReporterIo, private readonly tty: boolean, private readonly context: Record<string, unknown> = {},
                private readonly logEveryMs = 5000) {}

    /** A structured event; on a terminal, info and above are printed as readable lines above the bar. */
    log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
        if (this.tty) {
            if (level === "debug") return;
            this.clearBar();
            const extra = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
            this.io.stderr.write(`${level === "info" ? "" : `${level.toUpperCase()}: `}${msg}${extra ? ` (${extra})` : ""}\n`);
            this.draw(true);
        } else {
            this.io.stdout.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...this.context, ...fields }) + "\n");
        }
    }

    plan(objects: number, bytes: number): void {
        this.totalObjects += objects;
        this.totalBytes += bytes;
    }

    /** One object dealt with; `moved` is false when it was skipped (already in the manifest) or adopted. */
    objectDone(bytes: number, moved: boolean): void {
        this.doneObjects++;
        this.doneBytes += bytes;
        if (moved) this.movedBytes += bytes;
        if (this.tty) this.draw(false);
        else if (Date.now() - this.lastLog >= this.logEveryMs) this.snapshotLog();
    }

    snapshot() {
        const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
        const rate = this.movedBytes / seconds;
        const remaining = this.totalBytes - this.doneBytes;
        return {
            objects: this.doneObjects, totalObjects: this.totalObjects, bytes: this.doneBytes, totalBytes: this.totalBytes,
            movedBytes: this.movedBytes, seconds, bytesPerSecond: rate,
            etaSeconds: rate > 0 ? remaining / rate : undefined,
        };
    }

    finish(): void {
        if (this.tty) {
            this.draw(true);
            this.io.stderr.write("\n");
        } else {
            this.snapshotLog();
        }
    }

    private snapshotLog(): void {
        this.lastLog = Date.now();
        this.log("info", "progress", this.snapshot());
    }

    private clearBar(): void {
        this.io.stderr.write("\r\x1b[2K");
    }

    private draw(force: boolean): void {
        const now = Date.now();
        if (!force && now - this.lastDraw < 100) return;
        this.lastDraw = now;
        const s = this.snapshot();
        const fraction = s.totalBytes > 0 ? s.bytes / s.totalBytes : (s.totalObjects > 0 ? s.objects / s.totalObjects : 0);
        const width = 28;
        const filled = Math.round(Math.min(1, fraction) * width);
        const bar = "#".repeat(filled) + "-".repeat(width - filled);
        const eta = s.etaSeconds === undefined ? "--" : `${Math.ceil(s.etaSeconds)}s`;
        this.io.stderr.write(`\r\x1b[2K[${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
            `${s.objects}/${s.totalObjects} objects ${formatBytes(s.bytes)}/${formatBytes(s.totalBytes)} ` +
            `${formatBytes(s.bytesPerSecond)}/s ETA ${eta}`);
    }
}

export function formatBytes(n: number): string {
    const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
