import { PassThrough } from "stream";
import { Progress, formatBytes } from "../../../migration/mover/progress";

function capture() {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on("data", d => out.push(String(d)));
    stderr.on("data", d => err.push(String(d)));
    return { io: { stdout, stderr }, out, err };
}

describe("progress reporting", () => {
    test("on a terminal: a progress bar with objects, bytes, rate and ETA on stderr, nothing on stdout", () => {
        const { io, out, err } = capture();
        const p = new Progress(io, true);
        p.plan(4, 4 * 1024 * 1024);
        p.objectDone(1024 * 1024, true);
        p.log("warn", "found an unusable copy", { blob: "a.csv" });
        p.finish();
        const text = err.join("");
        expect(text).toMatch(/\r\x1b\[2K\[#######-+\]\s+25% 1\/4 objects 1\.0 MiB\/4\.0 MiB .*\/s ETA/);
        expect(text).toContain("WARN: found an unusable copy (blob=a.csv)");
        expect(out.join("")).toBe("");
    });

    test("otherwise: JSON lines with the same numbers, for log collectors", () => {
        const { io, out, err } = capture();
        const p = new Progress(io, false, { shard: 3 }, 0);
        p.plan(2, 2048);
        p.objectDone(1024, true);
        p.log("debug", "object copied", { blob: "b.csv" });
        p.finish();
        const lines = out.join("").trim().split("\n").map(l => JSON.parse(l));
        expect(lines[0]).toMatchObject({ level: "info", msg: "progress", shard: 3, objects: 1, totalObjects: 2, bytes: 1024, totalBytes: 2048 });
        expect(lines).toContainEqual(expect.objectContaining({ level: "debug", msg: "object copied", blob: "b.csv" }));
        expect(err.join("")).toBe("");
    });

    test("formats sizes in binary units", () => {
        expect(formatBytes(512)).toBe("512 B");
        expect(formatBytes(1536)).toBe("1.5 KiB");
        expect(formatBytes(3 * 2 ** 40)).toBe("3.0 TiB");
    });
});
