// Keeps V8's compiled code of every module this process loads, for the next run (Node 22.1+'s module compile
// cache). A check starts four or more Node processes that each compile the same large modules (the Pulumi runtime,
// the providers' SDKs, TypeScript for ts-node): see docs/benchmark.md. Node 20 has no such cache, and runs as before.
// Plain JavaScript: each entry point calls it before it loads anything else.
//
// The cache lives in the installation's own node_modules/.cache, not Node's default in the shared temporary
// directory: compiled code is run as it is found, and on a shared runner another account could have created that
// directory first. NODE_COMPILE_CACHE chooses another directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
"use strict";

const path = require("path");

/** Where compiled code is kept unless NODE_COMPILE_CACHE says otherwise. */
const CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "warehouse-check", "compiled");

/** Node's compile cache statuses that mean compiled code is kept (module.constants.compileCacheStatus). */
const ENABLED = 1;
const ALREADY_ENABLED = 2;

/** Turns the cache on; returns whether compiled code is now kept (false on Node 20, when off, or unusable). */
function keepCompiledCode(env = process.env) {
    const { enableCompileCache } = require("module");
    if (typeof enableCompileCache !== "function") return false;
    try {
        // Node answers FAILED (an unusable directory) or DISABLED (NODE_DISABLE_COMPILE_CACHE=1) without throwing.
        const { status } = enableCompileCache(env.NODE_COMPILE_CACHE || CACHE_DIR);
        return status === ENABLED || status === ALREADY_ENABLED;
    } catch {
        // A cache that cannot be used (an unwritable directory) only costs the time it would have saved.
        return false;
    }
}

module.exports = { keepCompiledCode, CACHE_DIR };
