// Keeps V8's compiled code of every module this process loads, for the next run (Node 22.1+'s module compile
// cache, in the system's temporary directory; NODE_COMPILE_CACHE chooses another, NODE_DISABLE_COMPILE_CACHE=1
// turns it off). A check starts four or more Node processes that each compile the same large modules (the Pulumi
// runtime, the providers' SDKs, TypeScript for ts-node): see docs/benchmark.md. Node 20 has no such cache, and
// runs as before. Plain JavaScript: each entry point calls it before it loads anything else.
"use strict";

function keepCompiledCode() {
    const { enableCompileCache } = require("module");
    if (typeof enableCompileCache !== "function") return false;
    try {
        return enableCompileCache().status !== undefined;
    } catch {
        // A cache that cannot be used (an unwritable directory) only costs the time it would have saved.
        return false;
    }
}

module.exports = { keepCompiledCode };
