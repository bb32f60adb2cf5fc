// The language host leaves out the two stack traces the Pulumi runtime takes for every resource and that nothing
// offline reads; everything else about the runtime's promises and resources stays as it was.

import { spawnSync } from "child_process";
import * as path from "path";

const RUNTIME = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

/** A fresh copy of the runtime's modules, with the host's shortcuts installed under the given environment. */
function install(env: NodeJS.ProcessEnv): { debuggable: any; state: any; Resource: any; installed: Record<string, boolean> } {
    let loaded!: ReturnType<typeof install>;
    jest.isolateModules(() => {
        const { skipUnreadTraces } = require("../../engine/program/host/unread-traces");
        const installed = skipUnreadTraces(RUNTIME, env);
        loaded = {
            debuggable: require(path.join(RUNTIME, "runtime", "debuggable")),
            state: require(path.join(RUNTIME, "runtime", "state")),
            Resource: require(path.join(RUNTIME, "resource")).Resource,
            installed,
        };
    });
    return loaded;
}

describe("stack traces nobody reads offline", () => {
    test("a promise the runtime tracks gets no creation trace, and is still tracked until it settles", async () => {
        const { debuggable, state, installed } = install({});
        expect(installed.promiseTraces).toBe(true);
        // The first goes through the runtime's own function (which schedules the leak report), with an empty trace.
        const first = Promise.resolve(1);
        await debuggable.debuggablePromise(first, "first");
        expect((first as any)._debugStackTrace).not.toMatch(/\n\s+at /);
        // The others are tracked the same way, without the debug fields only PULUMI_DEBUG_PROMISE_LEAKS prints.
        const original = Promise.resolve(42);
        const tracked = debuggable.debuggablePromise(original, "test");
        expect((original as any)._debugStackTrace).toBeUndefined();
        expect(state.getStore().leakCandidates.has(original)).toBe(true);
        await expect(tracked).resolves.toBe(42);
        expect(state.getStore().leakCandidates.has(original)).toBe(false);
    });

    test("a rejected promise stops being tracked, and its error carries it, as the runtime's", async () => {
        const { debuggable, state } = install({});
        debuggable.debuggablePromise(Promise.resolve(), "first");
        const failing = Promise.reject(new Error("boom"));
        const err = await debuggable.debuggablePromise(failing, "test").catch((e: any) => e);
        expect(err.message).toBe("boom");
        expect(err.promise).toBe(failing);
        expect(state.getStore().leakCandidates.has(failing)).toBe(false);
    });

    test("a program that leaves a tracked promise pending still fails with the runtime's leak report", () => {
        const script = `
            const { skipUnreadTraces } = require(${JSON.stringify(require.resolve("../../engine/program/host/unread-traces"))});
            skipUnreadTraces(${JSON.stringify(RUNTIME)}, {});
            const { debuggablePromise } = require(${JSON.stringify(path.join(RUNTIME, "runtime", "debuggable"))});
            debuggablePromise(Promise.resolve(), "settles");
            debuggablePromise(new Promise(() => undefined), "never settles");
            debuggablePromise(new Promise(() => undefined), "never settles either");`;
        const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "" } });
        expect(run.stderr).toContain("The Pulumi runtime detected that 2 promises were still active");
        expect(run.status).toBe(1);
    });

    test("errors keep their full stack while and after a promise is tracked", () => {
        const { debuggable } = install({});
        const limit = Error.stackTraceLimit;
        debuggable.debuggablePromise(Promise.resolve(), "test");
        expect(Error.stackTraceLimit).toBe(limit);
        expect(new Error("boom").stack!.split("\n").length).toBeGreaterThan(2);
    });

    test("with PULUMI_DEBUG_PROMISE_LEAKS the runtime keeps its traces, for the leak report that reads them", () => {
        const { debuggable, installed } = install({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
        expect(installed.promiseTraces).toBe(false);
        const p = Promise.resolve();
        debuggable.debuggablePromise(p, "test");
        expect((p as any)._debugStackTrace).toMatch(/\n\s+at /);
    });

    test("a registration carries only its declaration site: the first frame of the program, bounded and mapped", () => {
        const { Resource, installed } = install({});
        expect(installed.sourcePositions).toBe(true);
        const limit = Error.stackTraceLimit;
        const prepare = Error.prepareStackTrace;
        // (Lines are mapped to the source through ts-node's source maps, as the program runs; plan.test.ts checks them.
        // Jest transforms this file its own way, so only the file is checked here.)
        const frames = Resource.stackTrace(4);
        expect(frames).toEqual([{ uri: expect.stringMatching(/^file:\/\/.*tests\/engine\/unread-traces\.test\.ts$/),
            line: expect.any(Number), column: expect.any(Number) }]);
        // The capture leaves the process's own stack settings as they were.
        expect(Error.stackTraceLimit).toBe(limit);
        expect(Error.prepareStackTrace).toBe(prepare);
    });

    test("the declaration site is found within a bounded number of frames, or not at all", () => {
        const { declarationSite, MAX_FRAMES } = require("../../engine/program/host/source-position");
        // Deeper than the bound, every frame in between a function of the engine's own host: nothing is found.
        const deep = (n: number): unknown[] => (n === 0 ? declarationSite(deep) : deep(n - 1));
        expect(deep(3)).toHaveLength(1);
        expect(MAX_FRAMES).toBeLessThanOrEqual(64);
    });
});
