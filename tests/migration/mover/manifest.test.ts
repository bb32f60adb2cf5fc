import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MANIFEST_VERSION, Manifest, ManifestError, ObjectEntry } from "../../../migration/mover/manifest";

const entry = (blob: string, etag: string): ObjectEntry => ({
    v: MANIFEST_VERSION, event: "copied", container: "raw", blob, bucket: "hdw-raw", key: blob, size: 3, sha256: "ab",
    source: { etag, lastModified: "2026-01-01T00:00:00.000Z" }, keyId: "k", storedSize: 59, targetEtag: '"t"', at: "2026-01-01T00:00:00.000Z",
});

describe("the manifest", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-manifest-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("what was appended is there after reopening; the latest line for an object wins", () => {
        const file = path.join(dir, "m.jsonl");
        const m = Manifest.open(file);
        m.append(entry("a.csv", '"1"'));
        m.append(entry("b.csv", '"1"'));
        m.append(entry("a.csv", '"2"'));
        m.close();
        const again = Manifest.open(file);
        expect(again.entries()).toHaveLength(2);
        expect(again.get("raw", "a.csv")!.source.etag).toBe('"2"');
        expect(again.get("raw", "c.csv")).toBeUndefined();
        again.close();
    });

    test("a line torn by a crash is dropped and the file repaired, so the next append starts clean", () => {
        const file = path.join(dir, "m.jsonl");
        fs.writeFileSync(file, JSON.stringify(entry("a.csv", '"1"')) + "\n" + JSON.stringify(entry("b.csv", '"1"')).slice(0, 40));
        const m = Manifest.open(file);
        expect(m.dropped).toBe(1);
        expect(m.entries().map(e => e.blob)).toEqual(["a.csv"]);
        m.append(entry("b.csv", '"1"'));
        m.close();
        expect(Manifest.read(file).map(l => (l as ObjectEntry).blob)).toEqual(["a.csv", "b.csv"]);
    });

    test("an unreadable line in the middle means the file was edited: refused, not guessed", () => {
        const file = path.join(dir, "m.jsonl");
        fs.writeFileSync(file, `${JSON.stringify(entry("a.csv", '"1"'))}\nnot json\n${JSON.stringify(entry("b.csv", '"1"'))}\n`);
        expect(() => Manifest.open(file)).toThrow(/unreadable manifest line/);
    });

    test("defect 10: a manifest written for one shard count refuses a run with another", () => {
        const file = path.join(dir, "m.jsonl");
        const m = Manifest.open(file);
        m.startRun({ index: 1, count: 4 });
        m.startRun({ index: 1, count: 4 }); // the same shard again: a resumed run
        m.close();
        const again = Manifest.open(file);
        expect(() => again.startRun({ index: 1, count: 8 })).toThrow(ManifestError);
        expect(() => again.startRun({ index: 2, count: 4 })).toThrow(/belongs to shard 1 of 4; this run is shard 2 of 4/);
        again.close();
    });

    test("a manifest of the previous object format is refused, not half-read", () => {
        const file = path.join(dir, "m.jsonl");
        fs.writeFileSync(file, `${JSON.stringify({ ...entry("a.csv", '"1"'), v: 1 })}\n`);
        expect(() => Manifest.open(file)).toThrow(/version 1/);
    });
});
