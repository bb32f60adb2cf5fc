// A stack is judged while its program runs, as the engine's analyzers judge each resource when it is registered:
// what streams out of the program is the plan, and judging it piecemeal finds what judging it whole finds.

import type { PolicyPack } from "../../engine/policy/analyzer";
import { evaluateStack, judgeStack } from "../../engine/policy/evaluate";
import { PackPool } from "../../engine/policy/pack-pool";
import type { PlannedResource, StackPlan } from "../../engine/plan";
import { planStack } from "../../engine/program/program-runner";
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
        const judge = judgeStack(new Promise(resolve => { ready = resolve; }));
        for (const r of plan.resources.slice(0, 2)) judge.add(r);
        ready({ pack: p.pack, remediate: false });
        for (const r of plan.resources.slice(2)) judge.add(r);
        const piecemeal = await judge.finish(plan);
        expect(piecemeal.findings).toEqual(whole.findings);
        expect(whole.findings.some(f => f.level === "mandatory")).toBe(true);
        pool.release(p);
    });

    test("a pack that could not start fails the judgement with its own error, once the program has ended", async () => {
        const judge = judgeStack(Promise.reject(new Error("policy pack in /x failed to start (exit 1)")));
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
