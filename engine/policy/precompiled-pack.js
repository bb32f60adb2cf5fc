// Preloaded, after pack-preload.js, into a policy pack that runs precompiled (its TypeScript transpiled into bin/ by
// analyzer.ts, precompilePack). The runtime's runner (cmd/run-policy-pack/run.js) registers ts-node before it
// loads any pack, and ts-node loads the TypeScript compiler to do so: 0.6 s of CPU on Node 20 (docs/benchmark.md) in
// a process whose modules are all JavaScript already, which ts-node leaves alone.
//
// So the runner is handed a stand-in for both modules (through the runtime's tsutils, which names them): the same
// TypeScript version, and a `register` that does what ts-node's would, when it is needed:
// - stack traces are mapped through the inline source maps of bin/ to the pack's TypeScript lines, with the
//   source-map-support ts-node installs (a policy that throws reports its stack to the engine);
// - the first TypeScript file the pack requires (by its path, or by an extension-less name that only a .ts file
//   matches) registers the real ts-node, with the options the runner gave and the compiler options of the
//   tsconfig.json it read, and is compiled by it.
// If TypeScript or ts-node cannot be found from the runtime, nothing is replaced: the runner keeps its own way; if
// ts-node is configured to do more at registration than compile TypeScript (a "ts-node" section that preloads
// modules, allowJs, jsx, see configuresTsNode), the stand-in's register registers it at once, as the runner does.
"use strict";

const fs = require("fs");
const path = require("path");
const Module = require("module");

/**
 * The extensions ts-node registers when allowJs and jsx are off (with either set, it is registered at once:
 * configuresTsNode): .ts, and .mts and .cts from TypeScript 4.5. Not .tsx: a name only a .tsx file matches is not
 * found, and a .tsx required by its path is loaded as JavaScript, as with ts-node registered.
 */
function typeScriptExtensions(version) {
    const [major, minor] = String(version).split(".").map(Number);
    return major > 4 || (major === 4 && minor >= 5) ? [".ts", ".mts", ".cts"] : [".ts"];
}

/** What the stand-in module exports in place of both `typescript` and `ts-node`. */
const STAND_IN = path.join(__dirname, "precompiled-pack.js");

/**
 * Hands the runner of `runtimeDir` the stand-in; returns whether it did. `extensions` is the require.extensions
 * table to hook (Node's own by default).
 */
function registerTypeScriptOnDemand(runtimeDir, extensions = Module._extensions) {
    let tsutils;
    const real = {};
    try {
        tsutils = require(path.join(runtimeDir, "tsutils.js"));
        // Resolved as tsutils resolves them (from the runtime's directory), without loading them.
        real.typescriptRequire = require.resolve("typescript", { paths: [runtimeDir] });
        real.tsnodeRequire = require.resolve("ts-node", { paths: [runtimeDir] });
        const manifest = require.resolve("typescript/package.json", { paths: [runtimeDir] });
        real.version = JSON.parse(fs.readFileSync(manifest, "utf8")).version;
    } catch {
        return false;
    }
    if (typeof tsutils.typeScriptRequireStrings !== "function" || typeof tsutils.loadTypeScriptCompilerOptions !== "function") {
        return false;
    }
    const readCompilerOptions = tsutils.loadTypeScriptCompilerOptions;
    let tsConfigPath;

    tsutils.typeScriptRequireStrings = () => ({ typescriptRequire: STAND_IN, tsnodeRequire: STAND_IN });
    // The runner spreads these under its defaults; the real ones are read if the real ts-node is ever registered.
    tsutils.loadTypeScriptCompilerOptions = file => {
        // Absolute: read later, the working directory may have changed by then.
        tsConfigPath = path.resolve(file);
        return {};
    };

    standIn.version = real.version;
    const TYPESCRIPT_EXTENSIONS = typeScriptExtensions(real.version);
    standIn.register = options => {
        installSourceMaps(real.tsnodeRequire);
        // ts-node finds the tsconfig, and judges what it ignores, from the working directory it is registered in: the
        // runner's, now, not the one a policy may have changed to by the first TypeScript file.
        const cwd = process.cwd();
        let registered = false;
        const registerTsNode = () => {
            registered = true;
            for (const ext of TYPESCRIPT_EXTENSIONS) if (extensions[ext] === compileWithTsNode) delete extensions[ext];
            require(real.tsnodeRequire).register({
                cwd,
                ...options,
                compiler: real.typescriptRequire,
                compilerOptions: { ...options.compilerOptions, ...(tsConfigPath ? readCompilerOptions(tsConfigPath) : {}) },
            });
        };
        const compileWithTsNode = (module, filename) => {
            if (!registered) registerTsNode();
            const compile = extensions[path.extname(filename)] || extensions[".js"];
            return compile(module, filename);
        };
        // What ts-node does as it is registered, beyond compiling TypeScript files, depends on its configuration (the
        // tsconfig's "ts-node" section: modules to preload, resolver hooks; allowJs, jsx: more extensions; some
        // TS_NODE_* variables): with any of it, or a tsconfig this cannot read, ts-node is registered now, as the runner would.
        if (configuresTsNode(options.skipProject ? undefined : tsConfigPath)) {
            registerTsNode();
            return undefined;
        }
        for (const ext of TYPESCRIPT_EXTENSIONS) extensions[ext] = compileWithTsNode;
        return undefined;
    };
    return true;
}

/** Settings in a tsconfig (or the ones it extends) that change what registering ts-node does at once. */
const EAGER_SETTINGS = /"ts-node"|allowJs|checkJs|"jsx"/;
/**
 * ts-node's variables that change it beyond how a TypeScript file compiles: another tsconfig (and "ts-node" section)
 * or compiler options (allowJs), extension preference. TS_NODE_TRANSPILE_ONLY and the like wait for the first file.
 */
const EAGER_VARIABLES = ["TS_NODE_PROJECT", "TS_NODE_DIR", "TS_NODE_CWD", "TS_NODE_COMPILER_OPTIONS", "TS_NODE_PREFER_TS_EXTS"];

/**
 * Whether ts-node may do more when registered than compile the TypeScript files later required: one of its
 * EAGER_VARIABLES set, or a tsconfig (followed through `extends`) that names an eager setting or cannot be read. A mention in a
 * comment errs on the side of registering.
 */
function configuresTsNode(tsConfigFile, env = process.env, seen = new Set()) {
    if (EAGER_VARIABLES.some(k => env[k] !== undefined)) return true;
    if (!tsConfigFile) return false;
    const file = path.resolve(tsConfigFile);
    if (seen.has(file)) return false;
    seen.add(file);
    let text;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return true;
    }
    if (EAGER_SETTINGS.test(text)) return true;
    const ext = /"extends"\s*:\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])/.exec(text);
    if (!ext) return /"extends"/.test(text);
    let bases;
    try {
        bases = [].concat(JSON.parse(ext[1]));
    } catch {
        return true;
    }
    return bases.some(base => {
        const resolved = resolveExtends(base, path.dirname(file));
        return resolved === undefined || configuresTsNode(resolved, {}, seen);
    });
}

/** The file a tsconfig's `extends` entry names, as TypeScript finds it; undefined if it cannot be found. */
function resolveExtends(base, dir) {
    if (typeof base !== "string") return undefined;
    const candidates = base.startsWith(".") || path.isAbsolute(base)
        ? [path.resolve(dir, base), path.resolve(dir, `${base}.json`)]
        : [];
    for (const c of candidates) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
    if (candidates.length) return undefined;
    for (const request of [base, `${base}.json`, path.join(base, "tsconfig.json")]) {
        try {
            return require.resolve(request, { paths: [dir] });
        } catch {
            // next form
        }
    }
    return undefined;
}

/** Maps stack traces through source maps, with the library and the settings ts-node uses. */
function installSourceMaps(tsnodeRequire) {
    try {
        const file = require.resolve("@cspotcode/source-map-support", { paths: [path.dirname(tsnodeRequire)] });
        require(file).install({ environment: "node" });
    } catch {
        // Without it, stack traces name the transpiled lines of bin/: still correct, less readable.
    }
}

/** The stand-in: `version` and `register` are set by registerTypeScriptOnDemand before the runner reads them. */
const standIn = { version: undefined, register: undefined };

module.exports = standIn;
module.exports.registerTypeScriptOnDemand = registerTypeScriptOnDemand;
module.exports.configuresTsNode = configuresTsNode;

const runner = process.argv[1];
if (require.main !== module && runner && path.basename(runner) === "run-policy-pack" && !standIn.register) {
    registerTypeScriptOnDemand(path.resolve(runner, "..", ".."));
}
