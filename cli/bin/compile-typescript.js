// Runs the CLI's TypeScript sources without ts-node: each `.ts` file is transpiled by swc as it is required, with
// the options ts-node 10 derives for swc from tsconfig.json (`"ts-node": { "swc": true }`): CommonJS with
// esModuleInterop, ES2022, [[Define]] class fields, no type check (that is `npm run typecheck`).
//
// Why: ts-node loads the TypeScript compiler to read tsconfig.json even when swc transpiles, which was half of the
// CLI's start-up, and every program and the policy pack waited for it (docs/benchmark.md). The programs still run
// under ts-node, as `pulumi` runs them.
//
// Stack traces (WAREHOUSE_CHECK_DEBUG=1 only) point at the TypeScript lines: the source maps are then inlined and
// Node's source-map support turned on.
"use strict";

const fs = require("fs");
const Module = require("module");

/** The swc options for tsconfig.json (checked against ts-node's in tests/cli/compile-typescript.test.ts). */
function swcOptions(filename, withSourceMap) {
    return {
        filename,
        swcrc: false,
        sourceMaps: withSourceMap ? "inline" : false,
        module: { type: "commonjs", noInterop: false, strictMode: true, ignoreDynamic: false },
        jsc: {
            parser: { syntax: "typescript", tsx: false, dynamicImport: true, importAssertions: true },
            target: "es2022",
            transform: { legacyDecorator: true, useDefineForClassFields: true },
            keepClassNames: true,
            experimental: { keepImportAttributes: true, emitAssertForImportAttributes: true },
        },
    };
}

/** Registers the `.ts` loader, once (the CLI requires no TypeScript from node_modules). */
function registerTypeScript(env = process.env) {
    if (Module._extensions[".ts"]) return;
    const swc = require("@swc/core");
    const debug = env.WAREHOUSE_CHECK_DEBUG === "1";
    if (debug) process.setSourceMapsEnabled(true);
    Module._extensions[".ts"] = function loadTypeScript(module, filename) {
        const source = fs.readFileSync(filename, "utf8");
        module._compile(swc.transformSync(source, swcOptions(filename, debug)).code, filename);
    };
}

module.exports = { registerTypeScript, swcOptions };
