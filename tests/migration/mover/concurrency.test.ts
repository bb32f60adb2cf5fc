import * as crypto from "crypto";
import { lab } from "../support/lab";

// Defect 10: two movers on one shard, and runs that disagree on the shard count.

describe("defect 10: concurrent movers and shard counts", () => {
    test("two movers on the same shard store each object once", async () => {
        const l = lab();
        for (let i = 0; i < 12; i++) l.source.put("raw", `extract/${i}.csv`, crypto.randomBytes(3000));
        await Promise.all([l.move("pod-a"), l.move("pod-b")]);
        const counts = new Map<string, number>();
        // The migration's record (.hdw-mover/) aside, every object of the source.
        for (const k of l.target.stores.filter(k => !k.includes("/.hdw-mover/"))) counts.set(k, (counts.get(k) ?? 0) + 1);
        expect([...counts.values()].filter(n => n > 1)).toEqual([]);
        expect(counts.size).toBe(12);
        l.cleanup();
    });

    test("a run with another shard count than the migration's is refused before it writes anything", async () => {
        const l = lab();
        for (let i = 0; i < 12; i++) l.source.put("raw", `p${i}/x.csv`, crypto.randomBytes(100));
        await l.move("shard-0-of-2", { index: 0, count: 2 });
        const stores = l.target.stores.length;
        await expect(l.move("shard-0-of-3", { index: 0, count: 3 })).rejects.toThrow(/shard count/);
        expect(l.target.stores.length).toBe(stores);
        l.cleanup();
    });
});
