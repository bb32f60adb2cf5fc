// The runtime's function serialisation loads on first use (engine/program/host/deferred-closure.js): a process
// that never serialises a function does not load the TypeScript compiler and npm's Arborist for it, and one that
// does gets the same answers as without the stand-ins.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const DEFERRED = path.join(ROOT, "engine", "program", "host", "deferred-closure.js");
const RUNTIME = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
const { exportedFunctions } = require(DEFERRED) as { exportedFunctions: (source: string) => string[] | undefined };

/**
 * Runs `script` in a fresh Node process, in a directory holding nothing but an empty package.json (so that the code
 * paths are quick to compute), the stand-ins installed first when `deferred`; returns its JSON output.
 */
function run(script: string, deferred: boolean): any {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deferred-closure-"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "empty", version: "1.0.0" }));
    const prelude = deferred
        ? `const installed = require(${JSON.stringify(DEFERRED)}).deferClosureSerialization(${JSON.stringify(RUNTIME)});`
        : "const installed = [];";
    try {
        const out = execFileSync(process.execPath, ["-e", `${prelude}\n${script}`],
            { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return JSON.parse(out);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const LOADED = `Object.keys(require.cache).filter(f => /node_modules[\\\\/](typescript[\\\\/]lib|@npmcli[\\\\/]arborist)[\\\\/]/.test(f)).length`;

describe("deferred function serialisation", () => {
    it("keeps the TypeScript compiler and Arborist out of a process that never serialises a function", () => {
        const script = `require(${JSON.stringify(RUNTIME)}); require(${JSON.stringify(require.resolve("@pulumi/policy", { paths: [ROOT] }))});
            process.stdout.write(JSON.stringify({ installed, loaded: ${LOADED} }));`;
        expect(run(script, false).loaded).toBeGreaterThan(0);
        const deferred = run(script, true);
        expect(deferred.installed).toEqual([path.join("runtime", "closure", "serializeClosure.js"),
                                            path.join("runtime", "closure", "codePaths.js")]);
        expect(deferred.loaded).toBe(0);
    });

    it("serialises a function and computes code paths exactly as without the stand-ins", () => {
        const script = `const pulumi = require(${JSON.stringify(RUNTIME)});
            const factor = 3;
            pulumi.runtime.serializeFunction(x => x * factor)
                .then(async f => ({ text: f.text, exportName: f.exportName,
                                    paths: [...(await pulumi.runtime.computeCodePaths()).keys()].length }))
                .then(r => process.stdout.write(JSON.stringify(r)));`;
        const plain = run(script, false);
        expect(plain.text).toContain("factor");
        expect(run(script, true)).toEqual(plain);
    });

    it("reads which functions a module exports, and refuses any other shape", () => {
        const source = (rel: string) => fs.readFileSync(path.join(RUNTIME, "runtime", "closure", rel), "utf8");
        expect(exportedFunctions(source("serializeClosure.js"))).toEqual(["serializeFunction", "serializeFunctionAsync"]);
        expect(exportedFunctions(source("codePaths.js"))).toEqual(["computeCodePaths", "findWorkspaceRoot"]);

        const fn = "async function run(a) { return a; }\n";
        expect(exportedFunctions(`${fn}exports.run = run;\n`)).toEqual(["run"]);
        // A value that is not the module's own function, a getter, module.exports, a re-export: left alone.
        expect(exportedFunctions(`${fn}exports.run = run;\nexports.limit = 3;\n`)).toBeUndefined();
        expect(exportedFunctions(`exports.run = run;\nconst run = () => 1;\n`)).toBeUndefined();
        expect(exportedFunctions(`${fn}exports.run = run;\nObject.defineProperty(exports, "x", { get: () => 1 });\n`)).toBeUndefined();
        expect(exportedFunctions(`${fn}module.exports = { run };\n`)).toBeUndefined();
        expect(exportedFunctions(`${fn}exports.run = run;\n__exportStar(require("./other"), exports);\n`)).toBeUndefined();
        expect(exportedFunctions(`${fn}`)).toBeUndefined();
    });

    it("leaves a module alone once it is loaded, and a runtime without those modules", () => {
        const { deferClosureSerialization } = require(DEFERRED);
        expect(deferClosureSerialization(path.join(ROOT, "no-such-runtime"))).toEqual([]);
        const loaded = run(`require(${JSON.stringify(RUNTIME)});
            process.stdout.write(JSON.stringify(require(${JSON.stringify(DEFERRED)}).deferClosureSerialization(${JSON.stringify(RUNTIME)})));`, false);
        expect(loaded).toEqual([]);
    });
});

describe("in the policy pack's process (engine/policy/pack-preload.js)", () => {
    // A pack from a directory whose path has spaces, inside the repository so that it resolves @pulumi/policy: its
    // process starts without Arborist (the runner loads the TypeScript compiler for ts-node whatever the pack), and
    // a policy that serialises a function gets the answer (and the error) it got before the stand-ins.
    const PACK = `
        const { PolicyPack } = require("@pulumi/policy");
        const pulumi = require("@pulumi/pulumi");
        const arboristAtStart = Object.keys(require.cache).filter(f => /@npmcli[\\/]arborist[\\/]/.test(f)).length;
        new PolicyPack("deferred-closure-pack", { policies: [{
            name: "serialises", description: "serialises a function", enforcementLevel: "advisory",
            validateStack: async (_args, report) => {
                const counter = { k: 41, next() { return this.k + 1; } };
                const serialized = await pulumi.runtime.serializeFunction(() => counter.next());
                let error = "";
                try { await pulumi.runtime.serializeFunction(42); } catch (e) { error = e.message; }
                report(JSON.stringify({ arboristAtStart, captured: serialized.text.includes("this.k + 1"), error }));
            },
        }] });`;

    it("starts without Arborist, and serialises a function when a policy asks", async () => {
        const { PolicyPack } = await import("../../engine/policy/analyzer");
        const { evaluateStack } = await import("../../engine/policy/evaluate");
        const dir = fs.mkdtempSync(path.join(ROOT, "node_modules", ".deferred closure pack "));
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "deferred-closure-pack", version: "0.0.1", main: "index.js" }));
        fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.writeFileSync(path.join(dir, "index.js"), PACK);
        const pack = await PolicyPack.start(dir);
        try {
            const urn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
            const evaluation = await evaluateStack(pack, {
                stack: "dev", project: "p", programDir: dir, stackFile: null, runtime: { dir: RUNTIME, version: "" },
                resources: [{ urn, type: "pulumi:pulumi:Stack", name: "p-dev", custom: false, parent: "", provider: "",
                              dependencies: [], propertyDependencies: {}, inputs: {}, outputs: {}, origin: "program",
                              options: { ignoreChanges: [], replaceOnChanges: [], aliases: [], additionalSecretOutputs: [] } }],
                outputs: {}, invokes: [], notes: [], timings: { programMs: 0, totalMs: 0 },
            } as any);
            const message = (evaluation as any).findings.find((f: any) => f.policy === "serialises").message;
            expect(JSON.parse(message.slice(message.indexOf("{")))).toEqual({
                arboristAtStart: 0, captured: true, error: expect.stringMatching(/^Remote object was not 'function'/) });
        } finally {
            await pack.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }, 60000);
});
