// Function serialisation (`pulumi.runtime.serializeFunction`, for callback functions and dynamic providers) and
// its code-path walk (`computeCodePaths`), loaded only when something calls them.
//
// The runtime's `runtime/index.js` requires both modules at load time, and they pull in the TypeScript compiler (to
// parse function text) and npm's Arborist (to walk package trees): 0.8 s of CPU in a process that never serialises
// a function, as the policy pack's process and most programs do not (docs/benchmark.md). Each module is registered
// as already loaded with a stand-in whose exports forward to the real module, loaded on the first call: what a
// caller gets from a call is unchanged, only when the modules load.
//
// The stand-in is installed only where every export of the module is a function it declares (read from its source
// text, not by loading it); for any other shape, or another runtime layout, the module loads as usual.
"use strict";

const fs = require("fs");
const Module = require("module");
const path = require("path");

const DEFERRED = [path.join("runtime", "closure", "serializeClosure.js"), path.join("runtime", "closure", "codePaths.js")];

/**
 * The names a compiled CommonJS module exports, when each is one of its own function declarations
 * (`exports.name = name;` at the start of a line, with `function name(` or `async function name(`); undefined
 * otherwise, or when it exports nothing.
 */
function exportedFunctions(source) {
    const names = [];
    for (const m of source.matchAll(/^exports\.([A-Za-z_$][\w$]*)\s*=\s*([^;\n]+);?\s*$/gm)) {
        const [, name, value] = m;
        if (value.trim() !== name) return undefined;
        if (!new RegExp(`^(?:async\\s+)?function\\s*\\*?\\s*${name.replace(/\$/g, "\\$")}\\s*\\(`, "m").test(source)) return undefined;
        names.push(name);
    }
    // Any other way of exporting (a getter, `module.exports =`, a re-export) is a shape this does not know.
    if (/\bmodule\.exports\s*=|Object\.defineProperty\(exports,\s*"(?!__esModule")|^\s*exports\s*\[|^\s*(?:__exportStar|__export)\(/m
        .test(source)) return undefined;
    return names.length ? names : undefined;
}

/** Registers `file` as loaded, with forwarders to its real exports; returns whether it did. */
function defer(file) {
    if (require.cache[file]) return false;
    let source;
    try {
        source = fs.readFileSync(file, "utf8");
    } catch {
        return false;
    }
    const names = exportedFunctions(source);
    if (!names) return false;

    const standIn = new Module(file, null);
    standIn.filename = file;
    standIn.paths = Module._nodeModulePaths(path.dirname(file));
    standIn.loaded = true;
    let real;
    const load = () => {
        if (!real) {
            // Load the real module under its own name, then keep the stand-in registered: every module that
            // required it holds the stand-in's forwarders, and later requires get the same object.
            delete require.cache[file];
            try {
                real = require(file);
            } finally {
                require.cache[file] = standIn;
            }
        }
        return real;
    };
    const exportsObject = {};
    Object.defineProperty(exportsObject, "__esModule", { value: true });
    for (const name of names) {
        exportsObject[name] = function (...args) {
            return load()[name].apply(this, args);
        };
        Object.defineProperty(exportsObject[name], "name", { value: name });
    }
    standIn.exports = exportsObject;
    require.cache[file] = standIn;
    return true;
}

/**
 * Defers the function-serialisation modules of the runtime in `runtimeDir` (a directory holding @pulumi/pulumi's
 * package.json). Call before that runtime loads. Returns the modules deferred, relative to the runtime.
 */
function deferClosureSerialization(runtimeDir) {
    return DEFERRED.filter(rel => defer(path.join(runtimeDir, rel)));
}

module.exports = { deferClosureSerialization, exportedFunctions };
