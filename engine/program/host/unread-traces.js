// Two stack traces the Pulumi Node runtime captures for every resource, which only consumers that an offline run
// does not have ever read. Capturing them was the largest single cost of a program's run after the SDK's own
// object churn (docs/benchmark.md): the V8 frames, the program's source-map support over each frame, and a fifth of
// everything the program allocated.
//
// - `debuggablePromise` attaches `new Error().stack`, an id and a context to every promise the runtime creates
//   (about a hundred per resource), as three defined properties, for the list of pending promises that it prints
//   at exit with PULUMI_DEBUG_PROMISE_LEAKS only. Without it they are left out; the bookkeeping itself (each promise
//   a leak candidate until it settles, the rejection carrying it, the leak count reported at exit) is unchanged,
//   and with PULUMI_DEBUG_PROMISE_LEAKS set nothing changes at all.
// - `Resource.stackTrace` walks the whole stack (no depth limit) and formats every frame through the program's
//   source-map support at each registration, for the source position and stack trace of the RegisterResource
//   request. Only the source position is read offline (the reports locate each finding at the line that declared
//   its resource), so it is captured bounded and unformatted instead (source-position.js), and the trace holds
//   that one frame.
//
// Everything else is untouched: errors the program throws are formatted and source-mapped as before.
"use strict";

const path = require("path");
const { declarationSite } = require("./source-position");

/** Loads a module of the program's runtime, or undefined where this runtime version has no such module. */
function runtimeModule(runtimeDir, file) {
    try {
        return require(path.join(runtimeDir, file));
    } catch {
        return undefined;
    }
}

/**
 * Installs both shortcuts on the program's own runtime (before the program loads). Each is skipped when the
 * runtime does not have the function it replaces, so any runtime version runs, only slower. Returns which were
 * installed.
 */
function skipUnreadTraces(runtimeDir, env = process.env) {
    const installed = { promiseTraces: false, sourcePositions: false };

    const debuggable = runtimeModule(runtimeDir, path.join("runtime", "debuggable"));
    const capture = debuggable && debuggable.debuggablePromise;
    if (typeof capture === "function" && !env.PULUMI_DEBUG_PROMISE_LEAKS) {
        // The runtime's modules call it through their module object (`debuggable_1.debuggablePromise(...)`), so
        // replacing the export reaches every caller.
        const state = runtimeModule(runtimeDir, path.join("runtime", "state"));
        // Without the runtime's store (another layout), every call goes through the runtime's function.
        const ownBookkeeping = !!state && typeof state.getStore === "function";
        let scheduled = false;
        debuggable.debuggablePromise = function debuggablePromise(promise, context) {
            if (!scheduled || !ownBookkeeping) {
                // The first call goes through the runtime's own function: it schedules the leak report at exit.
                scheduled = true;
                const limit = Error.stackTraceLimit;
                Error.stackTraceLimit = 0;
                try {
                    return capture(promise, context);
                } finally {
                    Error.stackTraceLimit = limit;
                }
            }
            // The same bookkeeping as the runtime's: the promise is a leak candidate until it settles, and a
            // rejection carries it; without the debug fields only PULUMI_DEBUG_PROMISE_LEAKS would print.
            const store = state.getStore();
            store.leakCandidates.add(promise);
            return promise
                .then(value => {
                    store.leakCandidates.delete(promise);
                    return value;
                })
                .catch(err => {
                    store.leakCandidates.delete(promise);
                    err.promise = promise;
                    throw err;
                });
        };
        installed.promiseTraces = true;
    }

    const resource = runtimeModule(runtimeDir, "resource");
    const Resource = resource && resource.Resource;
    if (Resource && typeof Resource.stackTrace === "function") {
        Resource.stackTrace = function stackTrace() {
            return declarationSite(stackTrace);
        };
        installed.sourcePositions = true;
    }
    return installed;
}

module.exports = { skipUnreadTraces };
