// The CLI runs its TypeScript through its own swc loader (cli/bin/compile-typescript.js), not ts-node: the code it
// runs must be what ts-node would have run, it must not load the TypeScript compiler, and a debug stack trace must
// still point at the TypeScript source.

import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./support";

const LOADER = path.join(ROOT, "cli", "bin", "compile-typescript.js");

/** Runs a script in a fresh Node process from the repository root; returns its stdout. */
function node(script: string, env: NodeJS.ProcessEnv = {}): string {
    return execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
}

describe("the CLI's TypeScript loader", () => {
    it("hands swc the options ts-node derives from tsconfig.json", () => {
        // ts-node, registered as the CLI used to register it, transpiles one file; its swc call is captured.
        const theirs = JSON.parse(node(`
            const swc = require("@swc/core");
            const transform = swc.transformSync;
            swc.transformSync = function (code, options) {
                if (options && options.filename) { process.stdout.write(JSON.stringify(options)); swc.transformSync = transform; }
                return transform.apply(this, arguments);
            };
            require("ts-node").register({ transpileOnly: true, project: "tsconfig.json" });
            require("./engine/suggest.ts");
        `));
        const { swcOptions } = require(LOADER);
        const ours = swcOptions(theirs.filename, true);
        // ts-node keeps its map apart for its own source-map support; the loader inlines it when asked.
        expect({ ...ours, sourceMaps: true }).toEqual(JSON.parse(JSON.stringify({ ...theirs, jsc: {
            ...theirs.jsc, transform: { ...theirs.jsc.transform, react: undefined } } })));
        expect(theirs.jsc.transform.react).toEqual({ throwIfNamespace: false, useBuiltins: false }); // inert without TSX
        expect(swcOptions("x.ts", false).sourceMaps).toBe(false);
    });

    it("runs the CLI without loading the TypeScript compiler or ts-node", () => {
        const loaded = JSON.parse(node(`
            require(${JSON.stringify(LOADER)}).registerTypeScript();
            require("./cli/main");
            process.stdout.write(JSON.stringify(Object.keys(require.cache).filter(f => /node_modules[\\\\/](typescript|ts-node)[\\\\/]/.test(f))));
        `));
        expect(loaded).toEqual([]);
    });

    it("gives the same answer as before for a bad flag (exit 2, one line, no trace)", () => {
        const run = spawnSync(process.execPath, [path.join(ROOT, "cli", "bin", "warehouse-check.js"), "check", "--format", "pdf"],
            { cwd: ROOT, encoding: "utf8" });
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/--format/);
        expect(run.stderr).not.toMatch(/\n\s+at /);
    });

    it("points a debug stack trace at the TypeScript line", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-ts-"));
        try {
            const file = path.join(dir, "throws.ts");
            fs.writeFileSync(file, ["type Unused = { a: string };", "", "export function boom(): never {",
                "    throw new Error(\"boom\");", "}", ""].join("\n"));
            const script = `
                require(${JSON.stringify(LOADER)}).registerTypeScript();
                try { require(${JSON.stringify(file)}).boom(); } catch (e) { process.stdout.write(e.stack); }
            `;
            expect(node(script, { WAREHOUSE_CHECK_DEBUG: "1" })).toContain(`${file}:4:`);
            // Without debug, no source map is made: the frame names the transpiled line.
            expect(node(script, { WAREHOUSE_CHECK_DEBUG: "" })).toContain(`${file}:`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
