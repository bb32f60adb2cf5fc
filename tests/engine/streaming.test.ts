// A stack is judged while its program runs, as the engine's analyzers judge each resource when it is registered:
// what streams out of the program is the plan, and judging it piecemeal finds what judging it whole finds.

import type { PolicyPack } from "../../engine/policy/analyzer";
import { evaluateStack, judgeStack, soleLease } from "../../engine/policy/evaluate";
import { PackPool } from "../../engine/policy/pack-pool";
import type { PlannedResource, StackPlan } from "../../engine/plan";
import { planStack } from "../../engine/program/program-runner";
import { checkStacks } from "../../engine/run";
import { resolveTargets } from "../../engine/program/targets";
import * as path from "path";
import { FIXTURES, MINIMAL_PACK, program } from "../cli/support";

async function planStreamed(name: string): Promise<{ plan: StackPlan; streamed: PlannedResource[] }> {
    const [target] = resolveTargets(program(name), [], {});
    const streamed: PlannedResource[] = [];
    const plan = await planStack(target, { env: process.env, onResource: r => streamed.push(r) });
    return { plan, streamed };
}

describe("a program's resources, as it registers them", () => {
    let plan: StackPlan;
    let streamed: PlannedResource[];
    beforeAll(async () => ({ plan, streamed } = await planStreamed("compliant")), 60_000);

    test("arrive one by one, in the plan's order, default providers just before their first user", () => {
        expect(streamed.map(r => r.urn)).toEqual(plan.resources.map(r => r.urn));
        const provider = streamed.findIndex(r => r.origin === "default-provider");
        const user = streamed.findIndex(r => r.provider.startsWith(`${streamed[provider].urn}::`));
        expect(provider).toBeGreaterThanOrEqual(0);
        expect(user).toBe(provider + 1);
    });

    test("with their final inputs; a component's outputs, registered at its end, are in the plan", () => {
        for (const [i, r] of streamed.entries()) expect(r.inputs).toEqual(plan.resources[i].inputs);
        const root = plan.resources[0];
        expect(streamed[0].outputs).toEqual({});
        expect(Object.keys(root.outputs).length).toBeGreaterThan(0);
    });
});

describe("judging a stack while its program runs", () => {
    let pool: PackPool;
    let plan: StackPlan;
    beforeAll(async () => {
        pool = new PackPool(MINIMAL_PACK, 1);
        ({ plan } = await planStreamed("public-storage"));
    }, 60_000);
    afterAll(() => pool.stop());

    test("finds, resource by resource as they come, what judging the whole plan finds", async () => {
        const p = await pool.acquire();
        await pool.configure(p, {});
        const whole = await evaluateStack(p.pack, plan, false);
        // Resources queue before the pack is ready, then are judged as they arrive.
        let ready!: (x: { pack: PolicyPack; remediate: boolean }) => void;
        const judge = judgeStack(soleLease(new Promise(resolve => { ready = resolve; })));
        for (const r of plan.resources.slice(0, 2)) judge.add(r);
        ready({ pack: p.pack, remediate: false });
        for (const r of plan.resources.slice(2)) judge.add(r);
        const piecemeal = await judge.finish(plan);
        expect(piecemeal.findings).toEqual(whole.findings);
        expect(whole.findings.some(f => f.level === "mandatory")).toBe(true);
        pool.release(p);
    });

    test("a pack that could not start fails the judgement with its own error, once the program has ended", async () => {
        const judge = judgeStack(soleLease(Promise.reject(new Error("policy pack in /x failed to start (exit 1)"))));
        for (const r of plan.resources) judge.add(r);
        await expect(judge.finish(plan)).rejects.toThrow("failed to start (exit 1)");
    });
});

describe("the pool of packs", () => {
    test("lends its one pack to one stack at a time, and reconfigures it only for a different config", async () => {
        const pool = new PackPool(MINIMAL_PACK, 1);
        try {
            const first = await pool.acquire();
            let second: unknown;
            const waiting = pool.acquire().then(p => { second = p; });
            await new Promise(resolve => setTimeout(resolve, 50));
            expect(second).toBeUndefined();
            pool.release(first);
            await waiting;
            expect(second).toBe(first);

            // A free pack goes to the stack with the most resources waiting to be judged.
            const served: string[] = [];
            const small = pool.acquire(() => 3).then(p => { served.push("small"); return p; });
            const large = pool.acquire(() => 300).then(p => { served.push("large"); return p; });
            pool.release(first);
            pool.release(await large);
            await small;
            expect(served).toEqual(["large", "small"]);

            const configure = jest.spyOn(first.pack, "configure");
            await pool.configure(first, {});
            await pool.configure(first, {});
            await pool.configure(first, { all: "advisory" });
            expect(configure).toHaveBeenCalledTimes(2);
        } finally {
            await pool.stop();
        }
    });

    /** `n` resources like the plan's, each with its own URN. */
    const copies = (plan: StackPlan, n: number, tag: string): PlannedResource[] =>
        Array.from({ length: n }, (_, i) => plan.resources[1 + (i % (plan.resources.length - 1))])
            .map((r, i) => ({ ...r, urn: `${r.urn}-${tag}${i}`, name: `${r.name}-${tag}${i}` }));
    const settled = async (done: () => boolean, what: string) => {
        for (let waited = 0; !done(); waited += 10) {
            if (waited > 10_000) throw new Error(`not judged within 10 s: ${what}`);
            await new Promise(resolve => setTimeout(resolve, 10));
        }
    };

    test("lends its pack, between two resources, to a stack with work waiting while the stack it judges has none", async () => {
        const { plan } = await planStreamed("public-storage");
        const pool = new PackPool(MINIMAL_PACK, 1);
        const turns: string[] = [];
        const leaseFor = (stack: string) => pool.lease(async p => {
            turns.push(stack);
            await pool.configure(p, {});
            await p.pack.configureStack({ project: "p", stack, dryRun: true });
            return false;
        });
        try {
            const a = judgeStack(leaseFor("a"));
            const b = judgeStack(leaseFor("b"));
            const [a1, a2, bs] = [copies(plan, 3, "a"), copies(plan, 2, "a2"), copies(plan, 20, "b")];
            for (const r of a1) a.add(r);
            await settled(() => a.backlog === 0, "a's first resources");
            // a's program is still running (not finished) and has nothing to send: b, with 20 waiting, gets the pack.
            for (const r of bs) b.add(r);
            await settled(() => b.backlog === 0, "b's resources, while a's program still runs");
            // a's program registers more and ends: b has nothing to send, a gets the pack back.
            for (const r of a2) a.add(r);
            const aDone = a.finish({ ...plan, resources: [...a1, ...a2] });
            const aJudged = await aDone;
            const bJudged = await b.finish({ ...plan, resources: bs });
            expect(turns).toEqual(["a", "b", "a", "b"]);

            // Taking turns changes no verdict: each stack is judged as if it had the pack to itself.
            const p = await pool.acquire();
            await pool.configure(p, {});
            const alone = (resources: PlannedResource[]) => evaluateStack(p.pack, { ...plan, resources }, false);
            expect(aJudged.findings).toEqual((await alone([...a1, ...a2])).findings);
            expect(bJudged.findings).toEqual((await alone(bs)).findings);
            expect(bJudged.findings.length).toBeGreaterThan(0);
            pool.release(p);
        } finally {
            await pool.stop();
        }
    });

    test("gives its pack up to a stack whose program has ended, while the stack it judges has nothing to send", async () => {
        const { plan } = await planStreamed("public-storage");
        const pool = new PackPool(MINIMAL_PACK, 1);
        const leaseFor = () => pool.lease(async p => { await pool.configure(p, {}); return false; });
        try {
            const a = judgeStack(leaseFor());
            const b = judgeStack(leaseFor());
            const [as, bs] = [copies(plan, 20, "a"), copies(plan, 20, "b")];
            for (const r of bs) b.add(r);
            await settled(() => b.backlog === 0, "b's resources");
            for (const r of as) a.add(r);
            await settled(() => a.backlog === 0, "a's resources, b having nothing to send");
            // a's program still runs and registers nothing for now; b's program ends: its stack policies wait, and
            // a, with nothing to send, gives the pack up without waiting for its next resource.
            let bJudged = false;
            const bDone = b.finish({ ...plan, resources: bs }).then(() => { bJudged = true; });
            await settled(() => bJudged, "b's stack policies, while a's program registers nothing");
            await bDone;
            await a.finish({ ...plan, resources: as });
        } finally {
            await pool.stop();
        }
    });

    test("keeps its pack with a stack that has nothing to send while no other stack waits: configured once", async () => {
        const { plan } = await planStreamed("public-storage");
        const pool = new PackPool(MINIMAL_PACK, 1);
        let setups = 0;
        try {
            const judge = judgeStack(pool.lease(async p => { setups++; await pool.configure(p, {}); return false; }));
            for (const burst of [copies(plan, 2, "x"), copies(plan, 2, "y"), copies(plan, 2, "z")]) {
                for (const r of burst) judge.add(r);
                await settled(() => judge.backlog === 0, "a burst");
            }
            await judge.finish(plan);
            expect(setups).toBe(1);
        } finally {
            await pool.stop();
        }
    });

    test("a pack killed while it judges (SIGKILL, as the out-of-memory killer does) fails its stack, and the pool still stops", async () => {
        const { plan } = await planStreamed("public-storage");
        const pool = new PackPool(path.join(FIXTURES, "packs", "killed"), 1);
        let stopped = false;
        try {
            const judge = judgeStack(pool.lease(async p => { await pool.configure(p, {}); return false; }));
            for (const r of plan.resources) judge.add(r);
            await expect(judge.finish(plan)).rejects.toThrow(/analyze failed: the connection closed before the answer/);
            // The process has exited by the time the pool stops, as when a check stops after its programs end.
            await new Promise(resolve => setTimeout(resolve, 500));
        } finally {
            // A stop that waits for the exit of a process already gone never returns: the CLI's event loop then
            // drains and it exits 0 having printed nothing.
            await Promise.race([pool.stop().then(() => { stopped = true; }), new Promise(resolve => setTimeout(resolve, 5000))]);
        }
        expect(stopped).toBe(true);
    });

    test("a pack gone before a stack's turn is named as the pack's failure, not as the stack's policy config", async () => {
        const pool = new PackPool(MINIMAL_PACK, 1);
        try {
            const p = await pool.acquire();
            process.kill((p.pack as unknown as { proc: { pid: number } }).proc.pid, "SIGKILL");
            await new Promise(resolve => setTimeout(resolve, 300));
            pool.release(p);
            const run = checkStacks({ programDir: program("compliant"), stacks: [], config: {}, env: process.env,
                                      policyPack: MINIMAL_PACK }, pool);
            await expect(run).rejects.toThrow(/^policy pack \S*minimal: \w+ failed: /);
            await expect(run).rejects.not.toThrow(/policy config/);
        } finally {
            await pool.stop();
        }
    });

    test("a pack that fails to start fails every stack waiting for it, and the next ones", async () => {
        const pool = new PackPool(path.join(FIXTURES, "packs", "broken"), 1);
        try {
            const waiting = [pool.acquire(), pool.acquire()];
            for (const w of waiting) await expect(w).rejects.toThrow(/failed to start/);
            await expect(pool.acquire()).rejects.toThrow(/failed to start/);
        } finally {
            await pool.stop();
        }
    });
});
