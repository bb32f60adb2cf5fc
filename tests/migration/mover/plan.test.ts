import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseMoverArgs } from "../../../migration/mover/command";
import { sameVersion } from "../../../migration/mover/mover";
import { shardOf, ownedBy } from "../../../migration/mover/plan";
import { formatDuration, parseBandwidth, parseSize, project } from "../../../migration/mover/projection";
import { readPlan } from "../../../migration/mover/settings";

describe("sharding", () => {
    test("the assignment is stable: a unit's shard depends only on container, prefix and count", () => {
        // Recorded once: a change of the hash would re-split a migration in progress (defect 10).
        expect([shardOf("raw", "extract-2024-q4/", 64), shardOf("raw", "", 64), shardOf("project-oncoprev", "cohort/", 16)]).toEqual([51, 10, 14]);
    });

    test("every unit belongs to exactly one shard, and the split is roughly even", () => {
        const units = Array.from({ length: 2000 }, (_, i) => ({ route: { container: `c${i % 7}` }, prefix: `p${i}/` }));
        const count = 8;
        const sizes = Array(count).fill(0);
        for (const u of units) {
            const owners = Array.from({ length: count }, (_, index) => ownedBy(u, { index, count })).filter(Boolean);
            expect(owners).toHaveLength(1);
            sizes[shardOf(u.route.container, u.prefix, count)]++;
        }
        expect(Math.min(...sizes)).toBeGreaterThan(2000 / count / 2);
    });
});

describe("source versions", () => {
    const blob = { container: "raw", name: "a", size: 1, etag: '"x"', lastModified: "2026-01-01T00:00:00.000Z", contentMd5: "bWQ1" };
    test("an object is the same only if ETag, Last-Modified and Content-MD5 agree", () => {
        expect(sameVersion({ etag: '"x"', lastModified: blob.lastModified, contentMd5: "bWQ1" }, blob)).toBe(true);
        expect(sameVersion({ etag: '"y"', lastModified: blob.lastModified }, blob)).toBe(false);
        expect(sameVersion({ etag: '"x"', lastModified: "2026-01-02T00:00:00.000Z" }, blob)).toBe(false);
        expect(sameVersion({ etag: '"x"', lastModified: blob.lastModified, contentMd5: "b3RoZXI=" }, blob)).toBe(false);
    });
});

describe("projection of the production move", () => {
    const MiB = 2 ** 20;
    const defaults = {
        volumeBytes: parseSize("250TiB"), objects: 40_000_000, unchecksummedShare: 0.25, bandwidthBitsPerSecond: parseBandwidth("10Gbit/s"),
        utilisation: 0.7, pods: 16, shards: 64, routes: 102, concurrency: 8, podCopyBytesPerSecond: 250 * MiB, podVerifyBytesPerSecond: 400 * MiB,
        roundTripMs: 12, keyServiceCallsPerSecond: 10, clientSideShare: 0, sourceKeyCallsPerSecond: 200, runs: 2, windowSeconds: 5 * 86400, partSize: 16 * MiB, rangeSize: 4 * MiB,
    };
    test("at the issue's defaults and a 250 MiB/s pod the move is bound by the link and fits in 5 days", () => {
        const p = project(defaults);
        expect(p.bottleneck).toBe("link bandwidth");
        // Every byte once, and the quarter without a Content-MD5 a second time for the verification's re-read.
        expect(p.limits.linkSeconds).toBeCloseTo((parseSize("250TiB") * 1.25) / (10e9 / 8 * 0.7), 0);
        expect(p.fitsWindow).toBe(true);
        expect(formatDuration(p.seconds)).toBe("4 d 13 h");
    });
    test("key-service calls are counted per route and pod run, not per object, against the allowed rate", () => {
        const p = project(defaults);
        expect(p.keyServiceCalls).toEqual({ wrap: 64 * 102 * 2, unwrap: 2 * 64 * 102 * 2, total: 3 * 64 * 102 * 2 });
        expect(p.limits.keyServiceSeconds).toBeCloseTo(39_168 / 10, 3);
        expect(p.perObjectKeyCalls.calls).toBe(160_000_000);
    });
    test("client-side encrypted sources cost one Key Vault unwrap per object at copy and at verification, at the vault's rate", () => {
        const some = project({ ...defaults, clientSideShare: 0.1 });
        expect(some.sourceKeyCalls).toBe(8_000_000);
        expect(some.limits.sourceKeySeconds).toBeCloseTo(8_000_000 / 200, 3);
        expect(some.bottleneck).toBe("link bandwidth");
        // Every object client-side under an HSM-protected RSA 2048 key (200/s): 80 million unwraps, 4 d 15 h.
        const all = project({ ...defaults, clientSideShare: 1 });
        expect(all.bottleneck).toBe("source key service");
        expect(formatDuration(all.seconds)).toBe("4 d 15 h");
        // Under an RSA 3072 HSM key (500 per 10 s) it no longer fits, and says why.
        const slower = project({ ...defaults, clientSideShare: 1, sourceKeyCallsPerSecond: 50 });
        expect(slower.fitsWindow).toBe(false);
        expect(slower.prevents).toMatch(/the source's key service: 100% of the objects are client-side encrypted/);
    });
    test("slow pods, many small objects or a throttled key service change the bottleneck, and the result says what prevents the window", () => {
        const slow = project({ ...defaults, podCopyBytesPerSecond: 20 * MiB, podVerifyBytesPerSecond: 20 * MiB });
        expect(slow.bottleneck).toBe("mover CPU");
        expect(slow.fitsWindow).toBe(false);
        expect(slow.prevents).toMatch(/the pods' CPU: raise the pods running at once/);
        expect(project({ ...defaults, objects: 4_000_000_000 }).bottleneck).toBe("per-object round trips");
        expect(project({ ...defaults, keyServiceCallsPerSecond: 0.05 }).bottleneck).toBe("key service");
        const unchecksummed = project({ ...defaults, unchecksummedShare: 1 });
        expect(unchecksummed.fitsWindow).toBe(false);
        expect(unchecksummed.prevents).toMatch(/the link: raise the usable bandwidth 1\.45 times.*100% of the volume/);
    });
    test("sizes and bandwidths are read with their units, and nonsense is refused", () => {
        expect(parseSize("1.5 GiB")).toBe(1.5 * 2 ** 30);
        expect(parseSize("80TB")).toBe(80e12);
        expect(parseBandwidth("500 Mbps")).toBe(500e6);
        expect(() => parseSize("lots")).toThrow(/not a size/);
        expect(() => parseBandwidth("10 GB")).toThrow(/not a bandwidth/);
    });
});

describe("the mover's command line and plan", () => {
    test("takes its shard from the indexed Job's environment", () => {
        expect(parseMoverArgs(["move", "--plan", "p.json"], { JOB_COMPLETION_INDEX: "3", SHARD_COUNT: "8", MANIFEST_DIR: "/var/lib/mover" }))
            .toMatchObject({ command: "move", shardIndex: 3, shardCount: 8, manifest: "/var/lib/mover/shard-003-of-8.jsonl" });
        expect(() => parseMoverArgs(["move", "--plan", "p.json"], { JOB_COMPLETION_INDEX: "8", SHARD_COUNT: "8" })).toThrow(/shard 8 of 8 does not exist/);
        expect(() => parseMoverArgs(["copy"], {})).toThrow(/expected "move", "verify" or "inventory"/);
        expect(() => parseMoverArgs(["verify"], {})).toThrow(/--plan FILE is required/);
    });

    test("refuses a plan with two routes into one bucket or an unknown source encryption, naming the field", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-plan-"));
        const write = (plan: unknown) => { const f = path.join(dir, "plan.json"); fs.writeFileSync(f, JSON.stringify(plan)); return f; };
        const route = { container: "raw", bucket: "b", keyId: "k", scope: "platform", sourceEncryption: "service-side" };
        const base = { source: { accountUrl: "https://a.blob.core.windows.net", credentialsDir: "/s" }, accessDir: "/a" };
        expect(readPlan(write({ ...base, routes: [route] })).routes).toHaveLength(1);
        expect(() => readPlan(write({ ...base, routes: [route, { ...route, container: "curated" }] }))).toThrow(/routes\[1\]\.bucket = "b": already the target of routes\[0\]/);
        expect(() => readPlan(write({ ...base, routes: [{ ...route, sourceEncryption: "cbc" }] }))).toThrow(/routes\[0\]\.sourceEncryption: .*service-side.*client-side-v2/);
        expect(() => readPlan(write({ ...base, routes: [] }))).toThrow(/routes: at least one route/);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
