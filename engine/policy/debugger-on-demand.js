// The policy pack's runner (the runtime's cmd/run-policy-pack) connects an inspector session and enables V8's
// Debugger before it loads the pack (runtime/closure/v8Hooks.js), so that function serialisation can name the file
// of a function it cannot serialise: the Debugger reports each script as V8 compiles it (Debugger.scriptParsed, a
// script id and its URL). Every module the pack then loads goes through that report: 0.2 to 0.35 s of CPU per pack
// process (docs/benchmark.md), for something only serialisation reads, and this pack never serialises a function.
//
// Here the session is made on first use instead: the runtime's closure code awaits `getSessionAsync()` before each
// inspector query, and `isInitializedAsync()` no longer waits for anything. The scriptParsed listener is attached
// before Debugger.enable, and V8 reports every script already loaded when the Debugger is enabled, so the map from
// script ids to URLs holds every script the runner's own session would have seen.
//
// Installed only when the module exports exactly those three functions; any other runtime keeps its own hooks.
"use strict";

const path = require("path");

const EXPORTS = ["getScriptUrl", "getSessionAsync", "isInitializedAsync"];

/** Replaces the runtime's v8Hooks with an on-demand session; returns whether it did. */
function debuggerOnDemand(runtimeDir) {
    let hooks;
    try {
        hooks = require(path.join(runtimeDir, "runtime", "closure", "v8Hooks.js"));
    } catch {
        return false;
    }
    const names = Object.keys(hooks).sort();
    if (names.join() !== EXPORTS.join() || !names.every(n => typeof hooks[n] === "function")) return false;

    const scriptUrls = new Map();
    let session;
    const connect = async () => {
        const inspector = require("inspector");
        const s = new inspector.Session();
        s.connect();
        s.on("Debugger.scriptParsed", event => scriptUrls.set(event.params.scriptId, event.params.url));
        await new Promise((resolve, reject) => s.post("Debugger.enable", err => (err ? reject(err) : resolve())));
        return s;
    };
    hooks.getSessionAsync = () => (session ??= connect());
    hooks.isInitializedAsync = async () => undefined;
    hooks.getScriptUrl = id => scriptUrls.get(id);
    return true;
}

module.exports = { debuggerOnDemand };
