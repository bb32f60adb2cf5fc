// The embedded engine: what `plan` sees of a program must be what the Pulumi engine sees during a preview.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { StackPlan } from "../../engine/plan";
import { analyzerResource } from "../../engine/policy/evaluate";
import { planStacks } from "../../engine/run";
import { SECRET_SIG, SIG, UNKNOWN } from "../../engine/wire";
import { ExternalError } from "../../engine/errors";
import { ROOT, cli, program } from "../cli/support";

const urn = (type: string, name: string) => `urn:pulumi:dev::fixture-compliant::${type}::${name}`;

describe("plan of a program under the embedded engine", () => {
    let plan: StackPlan;
    beforeAll(async () => {
        [plan] = await planStacks({ programDir: program("compliant"), stacks: [], config: {}, env: process.env });
    });
    const find = (name: string) => {
        const r = plan.resources.find(x => x.name === name);
        if (!r) throw new Error(`no resource ${name}: ${plan.resources.map(x => x.name).join(", ")}`);
        return r;
    };

    it("has the root Stack and builds URNs as the engine does (root type skipped, parent's full type chain)", () => {
        expect(plan.resources[0].urn).toBe(urn("pulumi:pulumi:Stack", "fixture-compliant-dev"));
        expect(find("raw").urn).toBe(urn("fixture:data:Zone", "raw"));
        expect(find("raw-suffix-random").urn)
            .toBe(urn("fixture:data:Zone$fixture:data:Suffix$random:index/randomString:RandomString", "raw-suffix-random"));
        expect(find("raw-suffix-random").parent).toBe(find("raw-suffix").urn);
        expect(find("raw").parent).toBe(plan.resources[0].urn);
    });

    it("synthesises default providers named by version, configured from the stack, before their first user", () => {
        const azure = find("default_3_28_0");
        expect(azure.urn).toBe(urn("pulumi:providers:azure-native", "default_3_28_0"));
        expect(azure.inputs).toEqual({ location: "francecentral", subscriptionId: "11111111-2222-3333-4444-555555555555", version: "3.28.0" });
        expect(find("raw-rg").provider).toBe(`${azure.urn}::${UNKNOWN}`);
        expect(plan.resources.indexOf(azure)).toBeLessThan(plan.resources.indexOf(find("raw-rg")));
        // An explicit provider is used as given, and gets no default one.
        expect(find("pet").provider).toBe(`${find("pinned").urn}::${UNKNOWN}`);
    });

    it("records where the program declared each resource: the line of its `new`, a component's too, not its `super`", () => {
        const at = (name: string) => {
            const s = find(name).source;
            return s && `${path.relative(program("compliant"), s.file)}:${s.line}:${s.column}`;
        };
        expect(at("logs")).toBe("index.ts:52:1");
        // Declared inside a component class of the program: the line of the `new` in its constructor.
        expect(at("raw-rg")).toBe("index.ts:28:23");
        // A component the program defines: where the program said `new DataZone(...)`, not its `super(...)`.
        expect(at("raw")).toBe("index.ts:63:14");
        expect(at("raw-suffix")).toBe("index.ts:29:24");
        // Nothing of the program declared the root Stack or the default providers.
        expect(plan.resources[0].source).toBeUndefined();
        expect(find("default_3_28_0").source).toBeUndefined();
    });

    it("keeps resource options, dependencies and property dependencies", () => {
        const account = find("raw-sa");
        expect(account.options).toMatchObject({
            protect: true, ignoreChanges: ["tags"], additionalSecretOutputs: ["primaryEndpoints"], deleteBeforeReplace: true,
            customTimeouts: { create: "1h30m" },
        });
        // The engine hands analyzers custom timeouts in seconds.
        const byUrn = new Map(plan.resources.map(r => [r.urn, r]));
        expect(analyzerResource(account, account.inputs, byUrn).options.customTimeouts).toEqual({ create: 5400 });
        expect(analyzerResource(account, account.inputs, byUrn).provider?.urn).toBe(find("default_3_28_0").urn);
        // The program's alias, and the provider SDK's type aliases (earlier API versions), as URNs.
        expect(account.options.aliases).toEqual(expect.arrayContaining([
            urn("fixture:data:Zone$azure-native:storage:StorageAccount", "raw-account"),
            urn("fixture:data:Zone$azure-native:storage/v20210201:StorageAccount", "raw-sa"),
        ]));
        // A dependency on a component is a dependency on its custom children, as the SDK sends it.
        expect([...account.dependencies].sort()).toEqual([find("raw-rg").urn, find("raw-suffix-random").urn].sort());
        expect(account.propertyDependencies.resourceGroupName).toEqual([find("raw-rg").urn]);
    });

    it("leaves unknown what a preview cannot know, and keeps stack outputs and secrets", () => {
        expect(find("raw-sa").inputs.accountName).toBe(UNKNOWN);
        expect(find("raw-sa").inputs.location).toBe("francecentral");
        expect(plan.outputs.accountName).toBe(UNKNOWN);
        expect(plan.outputs.subscription).toBe("11111111-2222-3333-4444-555555555555");
        expect(plan.outputs.secretPrefix).toMatchObject({ value: "hdw" });
    });

    it("answers invokes from provider config and says where it used placeholders", () => {
        expect(plan.outputs.tenant).toBe("00000000-0000-0000-0000-000000000000");
        expect(plan.notes.join("\n")).toMatch(/placeholders.*azure-native:authorization:getClientConfig/);
    });

    it("runs the program with its own @pulumi/pulumi", () => {
        expect(plan.runtime.dir).toBe(path.join(ROOT, "node_modules", "@pulumi", "pulumi"));
        expect(plan.runtime.version).toBe("3.248.0");
    });
});

describe("a program that brings its own @pulumi/pulumi", () => {
    let dir: string;
    beforeAll(() => {
        // A third party's checkout: its own copy of the runtime (renamed version), other packages linked.
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "own-runtime-"));
        const modules = path.join(dir, "node_modules");
        fs.mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
        for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
            if (entry !== "@pulumi" && entry !== ".bin") fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
        }
        for (const entry of fs.readdirSync(path.join(ROOT, "node_modules", "@pulumi"))) {
            if (entry !== "pulumi") fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi", entry), path.join(modules, "@pulumi", entry));
        }
        const runtime = path.join(modules, "@pulumi", "pulumi");
        fs.cpSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi"), runtime, {
            recursive: true, filter: src => !src.endsWith(".map") && !src.includes(`${path.sep}vendor${path.sep}`),
        });
        const pkg = JSON.parse(fs.readFileSync(path.join(runtime, "package.json"), "utf8"));
        fs.writeFileSync(path.join(runtime, "package.json"), JSON.stringify({ ...pkg, version: "3.248.0-thirdparty" }));
        fs.cpSync(program("own-runtime"), dir, { recursive: true });
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is run with that runtime, whose registrations the engine sees", async () => {
        const [plan] = await planStacks({ programDir: dir, stacks: [], config: {}, env: process.env });
        expect(plan.runtime.version).toBe("3.248.0-thirdparty");
        expect(fs.realpathSync(plan.runtime.dir)).toBe(fs.realpathSync(path.join(dir, "node_modules", "@pulumi", "pulumi")));
        expect(plan.resources.map(r => r.type)).toEqual(["pulumi:pulumi:Stack", "thirdparty:index:Site", "pulumi:providers:random", "random:index/randomPet:RandomPet"]);
        // No stack file: the project's own config and the unnamed stack.
        expect(plan.stack).toBe("offline");
        expect(plan.outputs.greeting).toBe("bonjour");
    });
});

describe("programs that fail", () => {
    const plan = (name: string, stacks: string[] = [], config: Record<string, string> = {}) =>
        planStacks({ programDir: program(name), stacks, config, env: process.env });

    it("reports an exception in one line with where it was thrown", async () => {
        await expect(plan("throws")).rejects.toThrow(new ExternalError(
            "stack dev: program failed: subnet plan exhausted: no /24 left in 10.40.0.0/16 (at index.ts:5)"));
    });

    it("fails a program left waiting on a promise nobody settles when nothing is left to run, as pulumi does", async () => {
        // Not when the CLI's time limit (minutes) ends: the runtime's own leak report ends the program at once.
        await expect(plan("never-settles")).rejects.toThrow(
            /^stack dev: program failed: the program never finished: \d+ promises? of the Pulumi runtime still pending/);
    }, 30_000);

    it("names the signal that killed a program's process, not a missing exit code", async () => {
        await expect(plan("killed")).rejects.toThrow(new ExternalError(
            "stack dev: program failed: its process was killed by SIGKILL (the kernel sends it when memory runs out)"));
    });

    it("reports a configuration error (a RunError) without a stack trace", async () => {
        await expect(plan("config-error")).rejects.toThrow(
            /^stack dev: program failed: fixture-config-error:tier = "gold": allowed values are silver$/);
    });

    it("reports missing configuration by key, and --config supplies it", async () => {
        await expect(plan("config-error", [], { tier: "silver" })).rejects.toThrow(new ExternalError(
            "stack dev: missing configuration (1 key): fixture-config-error:region; " +
            "set it with --config fixture-config-error:region=VALUE"));
        const [ok] = await plan("config-error", [], { tier: "silver", "fixture-config-error:region": "francecentral" });
        expect(ok.outputs.region).toBe("francecentral");
    });

    it("refuses two resources with the same URN, as the engine does", async () => {
        await expect(plan("duplicate-urn")).rejects.toThrow(/engine refused the program: Duplicate resource URN 'urn:pulumi:dev::fixture-duplicate::random:index\/randomPet:RandomPet::twin'/);
    });

    it("refuses an unknown stack and names the known ones", async () => {
        await expect(plan("compliant", ["prod"])).rejects.toThrow("unknown stack 'prod'; stacks of fixture-compliant: dev");
    });
});

describe("plan on the command line", () => {
    it("prints the tree as text and every input as JSON", async () => {
        const text = await cli(["plan", "--program", program("public-storage")]);
        expect(text.code).toBe(0);
        expect(text.stdout).toMatch(/\+ azure-native:storage:StorageAccount open-sa\n\s+location: "westus"/);
        const json = await cli(["plan", "--program", program("public-storage"), "--format", "json"]);
        const doc = JSON.parse(json.stdout);
        const account = doc.stacks[0].resources.find((r: any) => r.name === "open-sa");
        expect(account.inputs).toMatchObject({ allowBlobPublicAccess: true, resourceGroupName: "[unknown]" });
    });

    it("rejects a format plan does not have", async () => {
        const run = await cli(["plan", "--format", "sarif"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/--format must be one of text, json, got 'sarif'/);
    });
});

describe("a program with transforms, run as `pulumi preview` runs them", () => {
    // The engine calls each transform back in the program before it registers the resource, and the analyzers judge
    // what the transforms return (pulumi/pulumi pkg/resource/deploy/source_eval.go, RegisterResource).
    const plan = async (name: string, config: Record<string, string> = {}) =>
        (await planStacks({ programDir: program(name), stacks: [], config, env: process.env }))[0];

    it("is judged on the inputs the transform gives, as `pulumi preview` registers them", async () => {
        const group = (await plan("resource-transforms")).resources.find(r => r.name === "data")!;
        expect(group.inputs.tags).toEqual({ owner: "platform", dataClass: "health" });
    });

    it("runs a resource's own `transforms` option", async () => {
        const group = (await plan("resource-option-transforms")).resources.find(r => r.name === "data")!;
        expect(group.inputs.tags).toEqual({ owner: "platform", dataClass: "health" });
        const run = await cli(["check", "--program", program("resource-option-transforms"), "--format", "json"]);
        expect(run.stderr).not.toMatch(/not run by the offline check/);
    });

    describe("at every level", () => {
        let chain: StackPlan;
        beforeAll(async () => { chain = await plan("transform-chain"); });
        const find = (name: string) => chain.resources.find(r => r.name === name)!;

        it("runs the resource's own, then its parent's, its grandparent's, then the stack's, in the engine's order", () => {
            expect(find("health-raw-rg").inputs.tags).toEqual({ owner: "platform", order: "own;parent;grandparent;stack;" });
        });

        it("registers the options a transform returns (protect, additionalSecretOutputs, aliases)", () => {
            const keys = find("keys");
            expect(keys.options.protect).toBe(true);
            expect(keys.options.additionalSecretOutputs).toEqual(["location"]);
            // Options a transform returns replace the previous ones whole: the provider's version aliases are gone.
            expect(keys.options.aliases).toEqual(["urn:pulumi:dev::fixture-transform-chain::azure-native:resources:ResourceGroup::old-keys"]);
            expect(keys.outputs.location).toEqual({ [SIG]: SECRET_SIG, value: "francecentral" });
            expect(find("health-raw-rg").options.protect).not.toBe(true);
        });

        it("leaves a resource as declared when every transform returns undefined", () => {
            const plain = find("plain");
            expect(plain.inputs).toEqual({ location: "francecentral", tags: { owner: "platform" } });
            expect(plain.options.protect).toBeUndefined();
            expect(plain.options.aliases).toContain(
                "urn:pulumi:dev::fixture-transform-chain::azure-native:resources/v20250401:ResourceGroup::plain");
        });
    });

    it("stops with one line naming the resource whose transform threw", async () => {
        await expect(plan("transform-chain", { "fixture-transform-chain:throw": "true" })).rejects.toThrow(
            /^stack dev: .*transform of azure-native:resources:ResourceGroup 'keys' failed: .*no keys group may be declared here$/);
    });

    it("gives a component's children the protect and retainOnDelete its transform set, as the engine's inheritFromParent does", async () => {
        // The runtime sends the children no `protect` (the component declared none): the engine fills what a child
        // left unset from its parent's options as the transforms left them.
        const inherited = await plan("transform-inherited");
        const find = (name: string) => inherited.resources.find(r => r.name === name)!;
        expect(find("records").options).toMatchObject({ protect: true, retainOnDelete: true });
        expect(find("records-rg").options).toMatchObject({ protect: true, retainOnDelete: true });
        // What a child sets itself stays.
        expect(find("records-scratch").options).toMatchObject({ protect: false, retainOnDelete: false });
    });

    it("gives a child that names no provider its custom parent's, as the parent's transform set it", async () => {
        const inherited = await plan("transform-inherited");
        const find = (name: string) => inherited.resources.find(r => r.name === name)!;
        const westeu = `${find("westeu").urn}::${UNKNOWN}`;
        expect(find("moved-rg").provider).toBe(westeu);
        expect(find("moved").provider).toBe(westeu);
        // Not a component's: the engine resolves no provider for a component parent (children get the default one).
        expect(find("records-rg").provider).not.toBe(westeu);
    });

    // KNOWN DEFECT: a `config.require` of an unset key inside a transform callback reaches the monitor as a failed
    // callback ("transform failed: Error: Missing required configuration variable ..."), reported as an engine
    // refusal, not as missing configuration with the `--config` flag that sets it (and the other missing keys).
    it.failing("lists a key a transform requires and nobody set as missing configuration, as for one the program requires", async () => {
        await expect(plan("transform-chain", { "fixture-transform-chain:configInTransform": "true" })).rejects.toThrow(
            /missing configuration \(1 key\): fixture-transform-chain:tier; set it with --config fixture-transform-chain:tier=VALUE/);
    });

    it("refuses invoke transforms (registerInvokeTransform), which the offline check does not run", async () => {
        await expect(plan("transform-chain", { "fixture-transform-chain:invokeTransform": "true" })).rejects.toThrow(
            /registerInvokeTransform.* not run by the offline check/);
    });
});

describe("a program with a dynamic provider", () => {
    it("has its provider serialised into its inputs, closure included", async () => {
        const [plan] = await planStacks({ programDir: program("dynamic-provider"), stacks: [], config: {}, env: process.env });
        const ticket = plan.resources.find(r => r.name === "migration")!;
        expect(ticket.type).toBe("pulumi-nodejs:dynamic:Resource");
        expect(ticket.inputs.subject).toBe("move-off-azure");
        const provider = String(ticket.inputs.__provider);
        expect(provider).toMatch(/exports\.handler = /);
        expect(provider).toContain('"ticket-"');
    });
});
