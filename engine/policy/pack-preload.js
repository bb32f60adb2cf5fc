// Preloaded (`node -r`) into the policy pack's process, before the runtime's `cmd/run-policy-pack` entry
// (argv[1]) loads: compiled code is kept between runs (compile-cache.js), and the runtime's function-serialisation
// modules, and the Debugger they read script names from, start only if a policy serialises a function
// (engine/program/host/deferred-closure.js, debugger-on-demand.js). Plain JavaScript: it runs before anything is
// compiled.
"use strict";

require("../compile-cache").keepCompiledCode();
const path = require("path");
const { deferClosureSerialization } = require("../program/host/deferred-closure");
const { debuggerOnDemand } = require("./debugger-on-demand");

const runner = process.argv[1];
if (runner && path.basename(runner) === "run-policy-pack") {
    const runtimeDir = path.resolve(runner, "..", "..");
    deferClosureSerialization(runtimeDir);
    debuggerOnDemand(runtimeDir);
}
