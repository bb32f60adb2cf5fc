import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readPlan } from "../../../migration/mover/settings";
import { ROUTES, lab } from "../support/lab";

// Defect 8: the plan is schema-validated, and failures are listed once.

describe("defect 8: the plan and the run's failures", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-plan-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (plan: unknown) => { const f = path.join(dir, `plan-${Math.random()}.json`); fs.writeFileSync(f, JSON.stringify(plan)); return f; };
    const route = { container: "raw", bucket: "b", keyId: "k", scope: "platform", sourceEncryption: "service-side" };
    const base = { source: { accountUrl: "https://a.blob.core.windows.net", credentialsDir: "/s" }, accessDir: "/a", routes: [route] };

    test("a misspelt key is refused, naming it", () => {
        expect(() => readPlan(write({ ...base, concurency: 4 }))).toThrow(/concurency/);
        expect(() => readPlan(write({ ...base, routes: [{ ...route, bucktet: "x" }] }))).toThrow(/routes\[0\].*bucktet/);
    });

    test("every missing field is named at once, never a TypeError", () => {
        const err = (plan: unknown) => { try { readPlan(write(plan)); return "accepted"; } catch (e) { return `${(e as Error).name}: ${(e as Error).message}`; } };
        const noSource = err({ accessDir: "/a", routes: [route] });
        expect(noSource).toMatch(/source/);
        expect(noSource).not.toMatch(/TypeError/);
        const bare = err({ ...base, routes: [{ bucket: "b" }] });
        for (const field of ["container", "keyId", "scope", "sourceEncryption"]) expect(bare).toMatch(new RegExp(`routes\\[0\\]\\.${field}`));
        // A route written as the stack-to-stack runbook lists it (source, target) is not a mover route.
        const runbookShaped = err({ ...base, routes: [{ source: "raw", target: "b", targetKey: "k", scope: "platform" }] });
        expect(runbookShaped).toMatch(/routes\[0\]\.container/);
        expect(runbookShaped).toMatch(/source/);
    });

    test("an object that fails is listed once, not once per pass", async () => {
        const l = lab();
        l.source.put("raw", "extract/a.csv", Buffer.from("a,b\n1,2\n"));
        l.source.corruptReads.add("raw/extract/a.csv");
        const summary = await l.move("pod-1");
        expect(summary.failed.map(f => f.blob)).toEqual(["extract/a.csv"]);
        expect(l.logs.filter(e => e.msg === "object failed")).toHaveLength(1);
        l.cleanup();
    });

    test("before the first object: a bucket without its declared protections, a missing bucket and a key that fails stop the run, all named at once", async () => {
        const l = lab();
        l.source.put("raw", "a.csv", Buffer.from("a\n"));
        l.setRoutes(ROUTES.map(r => (r.container === "raw" ? { ...r, protections: { versioning: true, objectLock: { mode: "COMPLIANCE" as const, days: 365 } } }
            : r.container === "curated" ? { ...r, bucket: "t-nowhere" } : r)));
        l.target.protectionsOf.set("t-raw", { versioning: "Suspended", lifecycle: [] });
        l.keks["k-a"].destroyed = true;
        const error = await l.move("pod-1").then(() => undefined, e => e as Error);
        expect(error?.name).toBe("PreflightError");
        expect(error?.message).toMatch(/key "k-a": key k-a was destroyed/);
        expect(error?.message).toMatch(/target bucket t-raw: versioning is Suspended, the stack declares it Enabled/);
        expect(error?.message).toMatch(/target bucket t-raw: no Object Lock, the stack declares COMPLIANCE for 365 days/);
        expect(error?.message).toMatch(/target bucket t-nowhere does not exist/);
        expect(l.target.stores).toEqual([]);
        l.cleanup();
    });

    test("a target that ignores conditional writes is refused before any object is written", async () => {
        const l = lab();
        l.source.put("raw", "a.csv", Buffer.from("a\n"));
        l.target.conditional = false;
        await expect(l.move("pod-1")).rejects.toThrow(/ignores conditional writes/);
        expect(l.target.stores.filter(k => !k.includes(".hdw-mover/"))).toEqual([]);
        l.cleanup();
    });
});
