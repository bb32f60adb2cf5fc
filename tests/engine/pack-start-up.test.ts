// What a policy pack's process loads before it judges anything. A TypeScript pack runs precompiled, so its runner
// does not load the TypeScript compiler or ts-node (engine/policy/precompiled-pack.js), and the inspector's Debugger
// starts only if a policy serialises a function (engine/policy/debugger-on-demand.js); what a pack author sees is
// unchanged: stack traces at their TypeScript lines, a TypeScript file required at run time compiled by ts-node,
// function serialisation naming the file of what it cannot serialise.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyPack } from "../../engine/policy/analyzer";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNTIME = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
const ON_DEMAND = path.join(ROOT, "engine", "policy", "debugger-on-demand.js");

/** Preloaded into the pack (NODE_OPTIONS) by the tests: records what the process loaded, written when it is stopped. */
const REPORTER = `"use strict";
const inspector = require("inspector");
const enabled = [];
const post = inspector.Session.prototype.post;
inspector.Session.prototype.post = function (method, ...rest) {
    if (method === "Debugger.enable") enabled.push(method);
    return post.call(this, method, ...rest);
};
process.once("SIGTERM", () => {
    const loaded = name => Object.keys(require.cache).some(f => f.includes(require("path").join("node_modules", name, "")));
    require("fs").writeFileSync(process.env.PACK_START_UP_REPORT, JSON.stringify({
        typescript: loaded("typescript"), tsNode: loaded("ts-node"), debuggerEnabled: enabled.length > 0 }));
    process.kill(process.pid, "SIGTERM");
});
`;

const TSCONFIG = { compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true } };

/** A TypeScript pack in a directory of its own under node_modules (so that it finds @pulumi/policy). */
function writePack(name: string, files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(ROOT, "node_modules", `.pack-start-up-${name}-`));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "0.0.1", main: "index.ts" }));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

const BUCKET = {
    urn: "urn:pulumi:dev::p::test:index:Bucket::b", type: "test:index:Bucket", name: "b",
    properties: { size: 3 }, options: {},
};

// Line 6 of index.ts throws: the stack trace the engine receives must name it.
const THROWING_PACK = `import { PolicyPack } from "@pulumi/policy";

function sizeOf(props: Record<string, unknown>): number {
    const size = props.size as number;
    if (size > 2) {
        throw new Error(\`bucket too large: \${size}\`);
    }
    return size;
}

new PolicyPack("throwing-pack", { policies: [{
    name: "bucket-size", description: "throws on a large bucket", enforcementLevel: "mandatory",
    validateResource: (args, report) => { if (sizeOf(args.props) > 1) report("large"); },
}] });
`;

describe("a precompiled TypeScript pack's process", () => {
    const dirs: string[] = [];
    afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

    async function startedAndStopped(dir: string, use: (pack: PolicyPack) => Promise<void>) {
        const preload = path.join(dir, "reporter.js");
        const report = path.join(dir, "report.json");
        fs.writeFileSync(preload, REPORTER);
        const pack = await PolicyPack.start(dir, {
            precompiled: true, env: { NODE_OPTIONS: `--require ${JSON.stringify(preload)}`, PACK_START_UP_REPORT: report } });
        try {
            await use(pack);
        } finally {
            await pack.stop();
        }
        return JSON.parse(fs.readFileSync(report, "utf8"));
    }

    it("loads neither TypeScript nor ts-node, nor enables the Debugger, and judges as before", async () => {
        const dir = writePack("throwing", { "index.ts": THROWING_PACK });
        dirs.push(dir);
        let error = "";
        const loaded = await startedAndStopped(dir, async pack => {
            expect((await pack.info()).policies.map(p => p.name)).toEqual(["bucket-size"]);
            await pack.analyze(BUCKET).catch(e => { error = String(e.message); });
        });
        expect(loaded).toEqual({ typescript: false, tsNode: false, debuggerEnabled: false });
        // The policy's stack trace names its TypeScript line, as it did with ts-node registered.
        expect(error).toContain("bucket too large: 3");
        expect(error).toContain(`sizeOf (${path.join(dir, "index.ts")}:6:`);
    }, 60000);

    it("compiles a TypeScript file the pack requires at run time with ts-node, as the runner registers it", async () => {
        // The policy's name comes from a TypeScript file required by its path, which precompilation cannot rewrite.
        const dir = writePack("requires-typescript", {
            "index.ts": `import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
const { policyName } = require(path.join(process.cwd(), "lib", "name.ts"));
new PolicyPack("requires-typescript", { policies: [{
    name: policyName, description: "named in a TypeScript file", enforcementLevel: "advisory",
    validateResource: (_args, report) => report("seen"),
}] });
`,
            "lib/name.ts": `const suffix: string = "from-typescript";\nexport const policyName = \`named-\${suffix}\`;\n`,
        });
        dirs.push(dir);
        const loaded = await startedAndStopped(dir, async pack => {
            expect((await pack.info()).policies.map(p => p.name)).toEqual(["named-from-typescript"]);
            expect((await pack.analyze(BUCKET)).map(d => d.message)).toEqual([expect.stringMatching(/\nseen$/)]);
        });
        expect(loaded).toMatchObject({ typescript: true, tsNode: true });
    }, 60000);

    it("resolves only the extensions ts-node registers: a .tsx without jsx is not found by an extension-less name", async () => {
        // ts-node compiles .tsx only when the tsconfig sets jsx: without it, the runner's require of "./view" (only a
        // view.tsx there) fails as a missing module, not as JavaScript with a syntax error.
        const dir = writePack("tsx-without-jsx", {
            "index.ts": `import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
let outcome = "";
try { require(path.join(process.cwd(), "extra", "view")); outcome = "loaded"; } catch (e: any) { outcome = e.code ?? e.name; }
new PolicyPack("tsx-without-jsx", { policies: [{
    name: outcome, description: "what requiring view did", enforcementLevel: "advisory",
    validateResource: (_args, report) => report("seen"),
}] });
`,
            "extra/view.tsx": "export const view: string = \"v\";\n",
        });
        dirs.push(dir);
        await startedAndStopped(dir, async pack => {
            expect((await pack.info()).policies.map(p => p.name)).toEqual(["MODULE_NOT_FOUND"]);
        });
    }, 60000);

    it("type-checks a TypeScript file required after the pack changed directory with the pack's tsconfig", async () => {
        // The runner registers ts-node in the pack's directory: its tsconfig (strict) applies to every TypeScript file
        // required later, whatever the working directory is by then.
        const dir = writePack("changes-directory", {
            "index.ts": `import * as os from "os";
import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
const file = path.join(process.cwd(), "extra", "loose.ts");
const home = process.cwd();
process.chdir(os.tmpdir());
let outcome = "";
try { require(file); outcome = "loaded"; } catch (e: any) { outcome = /TS7006/.test(e.message) ? "implicit-any" : e.name; }
process.chdir(home);
new PolicyPack("changes-directory", { policies: [{
    name: outcome, description: "what requiring loose.ts did", enforcementLevel: "advisory",
    validateResource: (_args, report) => report("seen"),
}] });
`,
            "extra/loose.ts": "export function id(x) { return x; }\n",
        });
        dirs.push(dir);
        await startedAndStopped(dir, async pack => {
            expect((await pack.info()).policies.map(p => p.name)).toEqual(["implicit-any"]);
        });
    }, 60000);

    it("refuses a tsconfig with errors, as the runner's ts-node did, also when only the tsconfig changed", async () => {
        const dir = writePack("tsconfig-error", { "index.ts": THROWING_PACK });
        dirs.push(dir);
        await startedAndStopped(dir, async pack => { expect((await pack.info()).policies).toHaveLength(1); });
        // Misspelt after a first build: ts-node refused to register with such a tsconfig, so the pack did not start.
        const later = new Date(Date.now() + 2000);
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...TSCONFIG.compilerOptions, stict: true } }));
        fs.utimesSync(path.join(dir, "tsconfig.json"), later, later);
        const started = PolicyPack.start(dir, { precompiled: true });
        started.then(pack => pack.stop(), () => undefined);
        await expect(started).rejects.toThrow(/TS5025: Unknown compiler option 'stict'/);
    }, 60000);

    it("registers ts-node at start when the tsconfig configures it (its `require` preloads run before the pack)", async () => {
        // The runner's ts-node reads the tsconfig's "ts-node" section when it is registered, before the pack loads:
        // a module it preloads (tsconfig-paths/register, a setup file) must have run when the pack's code does.
        const dir = writePack("ts-node-section", {
            "index.ts": `import { PolicyPack } from "@pulumi/policy";
new PolicyPack("ts-node-section", { policies: [{
    name: String((globalThis as any).PACK_SETUP), description: "named by a preload", enforcementLevel: "advisory",
    validateResource: (_args, report) => report("seen"),
}] });
`,
            "setup.js": "globalThis.PACK_SETUP = \"named-by-setup\";\n",
        });
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ ...TSCONFIG, "ts-node": { require: ["./setup.js"] } }));
        dirs.push(dir);
        const loaded = await startedAndStopped(dir, async pack => {
            expect((await pack.info()).policies.map(p => p.name)).toEqual(["named-by-setup"]);
        });
        expect(loaded).toMatchObject({ tsNode: true });
    }, 60000);
});

describe("when the stand-in registers ts-node at once", () => {
    const { configuresTsNode } = require(path.join(ROOT, "engine", "policy", "precompiled-pack.js"));

    it("follows the tsconfig through extends, and reads only the TS_NODE_* variables that change registration", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "configures-ts-node-"));
        try {
            const write = (file: string, json: unknown) => fs.writeFileSync(path.join(dir, file), JSON.stringify(json));
            write("plain.json", TSCONFIG);
            write("base.json", { compilerOptions: { allowJs: true } });
            write("extends.json", { extends: "./base", compilerOptions: { strict: true } });
            write("extends-plain.json", { extends: ["./plain.json"] });
            write("extends-missing.json", { extends: "./nowhere.json" });
            expect(configuresTsNode(path.join(dir, "plain.json"), {})).toBe(false);
            expect(configuresTsNode(path.join(dir, "extends.json"), {})).toBe(true);
            expect(configuresTsNode(path.join(dir, "extends-plain.json"), {})).toBe(false);
            expect(configuresTsNode(path.join(dir, "extends-missing.json"), {})).toBe(true);
            expect(configuresTsNode(path.join(dir, "plain.json"), { TS_NODE_TRANSPILE_ONLY: "true" })).toBe(false);
            expect(configuresTsNode(path.join(dir, "plain.json"), { TS_NODE_PROJECT: "other.json" })).toBe(true);
            expect(configuresTsNode(undefined, {})).toBe(false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the Debugger on demand", () => {
    /** Serialises a function in a fresh Node process, the on-demand hooks installed first when `onDemand`. */
    function run(onDemand: boolean): any {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "debugger-on-demand-"));
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "empty", version: "1.0.0" }));
        // A module loaded before anything asks for the Debugger; its function cannot be serialised (a native
        // function it captured), and the error names its file and line.
        fs.writeFileSync(path.join(dir, "captures-native.js"),
            "const compare = new Intl.Collator().compare;\nfunction helper() { return compare('a', 'b'); }\nexports.f = () => helper();\n");
        const prelude = onDemand
            ? `const installed = require(${JSON.stringify(ON_DEMAND)}).debuggerOnDemand(${JSON.stringify(RUNTIME)});`
            : "const installed = false;";
        try {
            const out = execFileSync(process.execPath, ["-e", `${prelude}
const inspector = require("inspector");
let sessions = 0;
const connect = inspector.Session.prototype.connect;
inspector.Session.prototype.connect = function () { sessions++; return connect.call(this); };
const hooks = require(${JSON.stringify(path.join(RUNTIME, "runtime", "closure", "v8Hooks.js"))});
hooks.isInitializedAsync().then(async () => {
    const sessionsAtStart = sessions;
    const { f } = require("./captures-native.js");
    const pulumi = require(${JSON.stringify(RUNTIME)});
    let error = "";
    try { await pulumi.runtime.serializeFunction(f); } catch (e) { error = e.message; }
    process.stdout.write(JSON.stringify({ installed, sessionsAtStart, error }));
});`], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
            return JSON.parse(out);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    it("starts no inspector session until a function is serialised, and names its file as the runtime's hooks do", () => {
        const runtimeOwn = run(false);
        expect(runtimeOwn.sessionsAtStart).toBe(1);
        expect(runtimeOwn.error).toMatch(/captures-native\.js\(3,\d+\)/);
        const onDemand = run(true);
        expect(onDemand).toEqual({ installed: true, sessionsAtStart: 0, error: runtimeOwn.error });
    }, 30000);

    it("leaves a runtime whose hooks have another shape alone", () => {
        const { debuggerOnDemand } = require(ON_DEMAND);
        expect(debuggerOnDemand(path.join(os.tmpdir(), "no-runtime-here"))).toBe(false);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "other-runtime-"));
        try {
            fs.mkdirSync(path.join(dir, "runtime", "closure"), { recursive: true });
            const hooks = path.join(dir, "runtime", "closure", "v8Hooks.js");
            fs.writeFileSync(hooks, "exports.getSessionAsync = async () => 1;\nexports.isInitializedAsync = async () => 2;\n" +
                "exports.getScriptUrl = () => 3;\nexports.scriptCount = () => 4;\n");
            expect(debuggerOnDemand(dir)).toBe(false);
            expect(require(hooks).getScriptUrl()).toBe(3);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
