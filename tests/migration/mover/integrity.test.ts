import * as crypto from "crypto";
import { ROUTES, lab } from "../support/lab";

// What a copy, a retried pod and the verification accept, on in-memory stores: nothing that failed validation,
// nothing rolled back, swapped or wrapped under the wrong key, nothing extra, and a re-run repairs what verify found.

const bytes = (n: number, seed: string) => {
    const out = Buffer.alloc(n);
    for (let i = 0, block = 0; i < n; i += 32, block++) crypto.createHash("sha256").update(`${seed}:${block}`).digest().copy(out, i);
    return out;
};

describe("defect 1: a copy rejected for a bad source read", () => {
    test("leaves nothing complete-looking on the target, is not adopted by a retried pod, and fails verification", async () => {
        const l = lab();
        l.source.put("raw", "extract/a.csv", bytes(10_000, "a"));
        l.source.put("raw", "extract/b.csv", bytes(10_000, "b"));
        l.source.corruptReads.add("raw/extract/a.csv");
        const first = await l.move("pod-1");
        expect(first.failed.map(f => f.blob)).toEqual(["extract/a.csv"]);
        expect(l.target.bucket("t-raw").has("extract/a.csv")).toBe(false);
        // The Job retries the shard in a new pod: an empty manifest, the source still reads badly.
        const retried = await l.move("pod-2");
        expect(retried.failed.map(f => f.blob)).toEqual(["extract/a.csv"]);
        expect(l.target.bucket("t-raw").has("extract/a.csv")).toBe(false);
        const report = await l.verify("pod-2");
        expect(report.ok).toBe(false);
        expect(report.problems.map(p => p.key)).toContain("extract/a.csv");
        l.cleanup();
    });

    test("a blob without a Content-MD5 is still checked against the source's own checksum", async () => {
        const l = lab();
        l.source.put("raw", "extract/big.parquet", bytes(50_000, "big"), false);
        l.source.corruptReads.add("raw/extract/big.parquet");
        const summary = await l.move("pod-1");
        expect(summary.failed.map(f => f.blob)).toEqual(["extract/big.parquet"]);
        expect(l.target.bucket("t-raw").has("extract/big.parquet")).toBe(false);
        l.cleanup();
    });
});

describe("defect 2: everything verification trusts is authenticated", () => {
    test("an object rolled back to an old version is neither adopted nor verified: a retried pod copies the current one", async () => {
        const l = lab();
        l.source.put("raw", "extract/a.csv", bytes(9000, "v1"));
        await l.move("pod-1");
        const old = { ...l.target.bucket("t-raw").get("extract/a.csv")! };
        l.source.put("raw", "extract/a.csv", bytes(9000, "v2"));
        await l.move("pod-1");
        // Someone with write access to the bucket puts the old version back, labelled as the current one.
        const current = l.target.bucket("t-raw").get("extract/a.csv")!;
        l.target.bucket("t-raw").set("extract/a.csv", { ...old, metadata: { ...old.metadata, "hdw-source-etag": current.metadata?.["hdw-source-etag"] ?? "", "hdw-source-last-modified": current.metadata?.["hdw-source-last-modified"] ?? "" } });
        await l.move("pod-2");
        const report = await l.verify("pod-2");
        expect((await l.read("t-raw", "extract/a.csv", Object.values(l.keks))).equals(bytes(9000, "v2"))).toBe(true);
        expect(report.ok).toBe(true);
        l.cleanup();
    });

    test("an object copied over another in a bucket that shares the key is caught", async () => {
        const l = lab();
        l.source.put("raw", "a.csv", bytes(5000, "raw"));
        l.source.put("curated", "a.csv", bytes(5000, "curated"));
        await l.move("pod-1");
        const raw = l.target.bucket("t-raw").get("a.csv")!;
        const curated = l.target.bucket("t-curated").get("a.csv")!;
        l.target.bucket("t-curated").set("a.csv", { ...raw, metadata: { ...raw.metadata, "hdw-source-etag": curated.metadata?.["hdw-source-etag"] ?? "", "hdw-source-last-modified": curated.metadata?.["hdw-source-last-modified"] ?? "" } });
        const before = await l.verify("pod-2");
        expect(before.ok).toBe(false);
        await l.move("pod-2");
        expect((await l.read("t-curated", "a.csv", Object.values(l.keks))).equals(bytes(5000, "curated"))).toBe(true);
        l.cleanup();
    });
});

describe("a header whose wrapped key is not the route's", () => {
    test("is reported forged and replaced, whether the key refuses it or it unwraps to another data key", async () => {
        const l = lab();
        l.source.put("raw", "a.csv", bytes(5000, "a"));
        l.source.put("raw", "b.csv", bytes(5000, "b"));
        await l.move("pod-1");
        const edit = (key: string, wrappedKey: string) => {
            const o = l.target.bucket("t-raw").get(key)!;
            const length = o.bytes.readUInt16BE(6);
            const json = JSON.parse(o.bytes.subarray(8, 8 + length).toString());
            json.wrappedKey = wrappedKey;
            const text = Buffer.from(JSON.stringify(json));
            const prefix = Buffer.from(o.bytes.subarray(0, 8));
            prefix.writeUInt16BE(text.length, 6);
            l.target.bucket("t-raw").set(key, { bytes: Buffer.concat([prefix, text, o.bytes.subarray(8 + length)]) });
        };
        edit("a.csv", Buffer.alloc(40, 1).toString("base64"));
        edit("b.csv", await l.keks["k-platform"].wrap(crypto.randomBytes(32)));
        const report = await l.verify("pod-1");
        expect(Object.fromEntries(report.problems.map(p => [p.key, p.kind]))).toEqual({ "a.csv": "forged", "b.csv": "forged" });
        const repaired = await l.move("pod-1");
        expect(repaired.recopied).toBe(2);
        expect((await l.verify("pod-1")).ok).toBe(true);
        l.cleanup();
    });
});

describe("defect 3: the wrapping key is checked against the route's key", () => {
    test("objects a wrong plan put under the platform key are reported, then re-keyed, so shredding the project key destroys them", async () => {
        const l = lab();
        l.source.put("project-a", "cohort/x.csv", bytes(7000, "x"));
        l.setRoutes(ROUTES.map(r => (r.container === "project-a" ? { ...r, keyId: "k-platform" } : r)));
        await l.move("pod-1");
        l.setRoutes(ROUTES);
        const report = await l.verify("pod-1");
        expect(report.ok).toBe(false);
        expect(report.problems.map(p => p.key)).toEqual(["cohort/x.csv"]);
        await l.move("pod-1");
        expect((await l.verify("pod-1")).ok).toBe(true);
        // Crypto-shredding the project key: the platform key alone must not read the project's data.
        await expect(l.read("t-a", "cohort/x.csv", [l.keks["k-platform"]])).rejects.toThrow();
        expect((await l.read("t-a", "cohort/x.csv", [l.keks["k-a"]])).equals(bytes(7000, "x"))).toBe(true);
        l.cleanup();
    });
});

describe("defect 4: nothing extra on the target, over whole buckets", () => {
    test("an object under a prefix the source never had and objects whose whole source prefix was deleted are reported", async () => {
        const l = lab();
        l.source.put("raw", "old/1.csv", bytes(100, "1"));
        l.source.put("raw", "old/2.csv", bytes(100, "2"));
        l.source.put("raw", "keep/3.csv", bytes(100, "3"));
        await l.move("pod-1");
        l.source.delete("raw", "old/1.csv");
        l.source.delete("raw", "old/2.csv");
        const extra = l.target.bucket("t-raw").get("keep/3.csv")!;
        l.target.bucket("t-raw").set("injected/evil.csv", extra);
        const report = await l.verify("pod-1");
        expect(report.ok).toBe(false);
        expect(report.problems.map(p => p.key).sort()).toEqual(["injected/evil.csv", "old/1.csv", "old/2.csv"]);
        l.cleanup();
    });
});

describe("defect 6: re-running the mover repairs what verify reported", () => {
    test("a missing, a truncated and a corrupted object are copied again, and verification then passes", async () => {
        const l = lab();
        for (const n of ["a", "b", "c", "d"]) l.source.put("raw", `extract/${n}.csv`, bytes(20_000, n));
        await l.move("pod-1");
        const bucket = l.target.bucket("t-raw");
        bucket.delete("extract/a.csv");
        const b = bucket.get("extract/b.csv")!;
        bucket.set("extract/b.csv", { ...b, bytes: b.bytes.subarray(0, b.bytes.length - 100) });
        const c = bucket.get("extract/c.csv")!;
        const flipped = Buffer.from(c.bytes);
        flipped[10_000] ^= 1;
        bucket.set("extract/c.csv", { ...c, bytes: flipped });
        const broken = await l.verify("pod-1");
        expect(broken.problems.map(p => p.key).sort()).toEqual(["extract/a.csv", "extract/b.csv", "extract/c.csv"]);
        // The Job re-runs the shard in a new pod: its manifest is empty, so only what the target holds can decide.
        const rerun = await l.move("pod-2");
        // The missing one and the corrupted one (removed by the verification) are copied, the truncated one replaced.
        expect(rerun).toMatchObject({ copied: 2, recopied: 1, adopted: 1 });
        const repaired = await l.verify("pod-2");
        expect(repaired.problems).toEqual([]);
        for (const n of ["a", "b", "c", "d"]) {
            expect((await l.read("t-raw", `extract/${n}.csv`, Object.values(l.keks))).equals(bytes(20_000, n))).toBe(true);
        }
        l.cleanup();
    });
});

describe("an authentic copy whose plaintext is not the source's", () => {
    test("is reported, removed by the verification, and copied again by the next pod instead of adopted", async () => {
        const l = lab();
        l.source.put("raw", "ranges.parquet", bytes(30_000, "r"), false);
        l.source.put("raw", "fine.csv", bytes(3000, "f"));
        // What a mover defect would leave: a copy authentic and bound to this very source version, whose plaintext is
        // not the source's (here the source's bytes differ during the copy under an identical listing).
        const blob = l.source.containers.get("raw")!.get("ranges.parquet")!;
        const honest = blob.bytes;
        blob.bytes = bytes(30_000, "other");
        await l.move("pod-1");
        blob.bytes = honest;
        const verdicts = Object.fromEntries((await l.verify("pod-2")).problems.map(p => [p.key, p.kind]));
        expect(verdicts).toEqual({ "ranges.parquet": "checksum-mismatch" });
        const rerun = await l.move("pod-3");
        expect(rerun).toMatchObject({ copied: 1, adopted: 1 });
        expect((await l.verify("pod-3")).ok).toBe(true);
        expect((await l.read("t-raw", "ranges.parquet", Object.values(l.keks))).equals(honest)).toBe(true);
        l.cleanup();
    });
});

describe("the verification's comparison with the source", () => {
    test("uses the source's Content-MD5 where it has one, re-reads the others, and --read-source re-reads all", async () => {
        const l = lab();
        l.source.put("raw", "small.csv", bytes(3000, "s"));
        l.source.put("raw", "big.parquet", bytes(30_000, "b"), false);
        await l.move("pod-1");
        const readsBefore = l.source.reads;
        const auto = await l.verify("pod-1");
        expect(auto.checkedAgainst).toEqual({ contentMd5: 1, reread: 1 });
        expect(l.source.reads - readsBefore).toBe(Math.ceil(30_000 / (4 * 1024 * 1024)));
        const all = await l.verify("pod-1", true);
        expect(all.checkedAgainst).toEqual({ contentMd5: 0, reread: 2 });
        l.cleanup();
    });

    test("the inventory gives the projection's figures from listings alone", async () => {
        const { inventory } = await import("../../../migration/mover/inventory");
        const l = lab();
        l.source.put("raw", "a/small.csv", bytes(3000, "s"));
        l.source.put("curated", "big.parquet", bytes(30_000, "b"), false);
        const found = await inventory(l.context());
        expect(found.total).toMatchObject({ objects: 2, bytes: 33_000, unchecksummedBytes: 30_000, largest: 30_000 });
        expect(found.total.unchecksummedShare).toBeCloseTo(30 / 33, 5);
        expect(l.source.reads).toBe(0);
        l.cleanup();
    });
});
