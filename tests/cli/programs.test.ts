// The check on programs other teams write (issue 19): the region taken from the provider's configuration, lookups,
// Helm charts, ES modules, missing configuration, and what a failed run still tells a CI job. Every case goes
// through the command line, on a program written the way its team would write it (tests/fixtures/programs).

import Ajv from "ajv";
import { execFileSync } from "child_process";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyzerResource } from "../../engine/policy/evaluate";
import { planStacks } from "../../engine/run";
import { UNKNOWN } from "../../engine/wire";
import { MINIMAL_PACK, REPORT_SCHEMA, ROOT, cli, program, sarifValidator } from "./support";

const short = (urn: string) => urn.split("::").slice(-2).join(" ");

describe("the region from the provider's configuration reaches the pack as the engine sends it", () => {
    // pulumi/pulumi pkg/resource/deploy: the default provider's inputs are the stack's `<package>:*` config
    // (default_providers.go newRegisterDefaultProviderEvent, target.go GetPackageConfig), and each Analyze request
    // carries the provider resource with those inputs as its properties (step_generator.go, AnalyzerProviderResource).
    it.each(["francecentral", "westus"])("with azure-native:location=%s, every analyze request of an Azure resource carries it", async location => {
        const [plan] = await planStacks({ programDir: program("static-website"), stacks: [],
            config: { "azure-native:location": location }, env: process.env });
        const byUrn = new Map(plan.resources.map(r => [r.urn, r]));
        const azure = plan.resources.filter(r => r.type.startsWith("azure-native:"));
        expect(azure.map(r => r.name)).toEqual(["website", "site", "site", "index.html"]);
        for (const r of azure) {
            expect("location" in r.inputs).toBe(false); // the program names no region: the provider's config does
            const request = analyzerResource(r, r.inputs, byUrn);
            expect(request.provider).toMatchObject({ type: "pulumi:providers:azure-native", name: "default_3_28_0",
                                                     properties: { location, version: "3.28.0" } });
        }
    });
});

describe("residency of the example programs follows the region their stack deploys to", () => {
    // What is located: every Azure resource of these programs that carries a region (a blob, a subnet and the
    // Kubernetes objects live where their parent is).
    const located: Record<string, string[]> = {
        "static-website": ["ResourceGroup website", "StorageAccount site"],
        "aks-app": ["ResourceGroup aks", "VirtualNetwork aks", "ManagedCluster aks"],
    };
    const residency = (report: any) => report.stacks[0].findings
        .filter((f: any) => f.policy === "allowed-regions" || f.policy === "replicas-in-jurisdiction");
    const check = (name: string, location: string) =>
        cli(["check", "--program", program(name), "--config", `azure-native:location=${location}`, "--format", "json"]);

    // The pack reads the region from the provider's configuration when a resource names none (issue 19 point 1).
    it.each(Object.keys(located))("%s: no residency finding in francecentral, one on every located resource in westus", async name => {
        const paris = await check(name, "francecentral");
        expect(paris.stderr).toBe("");
        expect(residency(JSON.parse(paris.stdout)).map((f: any) => `${short(f.urn)}: ${f.message}`)).toEqual([]);

        const west = await check(name, "westus");
        const found = residency(JSON.parse(west.stdout));
        const name2 = (urn: string) => { const [type, n] = urn.split("::").slice(-2); return `${type.split(":").pop()} ${n}`; };
        expect(found.map((f: any) => name2(f.urn)).sort()).toEqual([...located[name]].sort());
        for (const f of found) {
            expect(f.level).toBe("mandatory");
            expect(f.message).toMatch(/westus/);
        }
        expect(west.code).toBe(1);
    });
});

describe("lookups with no offline answer are unknown, never empty", () => {
    let plan: any;
    let run: { code: number; stdout: string; stderr: string };
    beforeAll(async () => {
        run = await cli(["plan", "--program", program("lookups"), "--format", "json"]);
        plan = JSON.parse(run.stdout || "{}").stacks?.[0];
    });

    it("runs the program to its end: an apply on a chart's object does not run on a chart nobody rendered", () => {
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        expect(plan.outputs).toEqual({ addresses: { ingressIp: "[unknown]" } });
    });

    it("makes what a lookup feeds unknown, in both the Output and the awaited form", () => {
        for (const name of ["logs", "archive"]) {
            const account = plan.resources.find((r: any) => r.name === name);
            expect(account.inputs).toMatchObject({ location: "[unknown]", resourceGroupName: "[unknown]" });
            // The marker that tells which invoke fed an input is no dependency the pack sees.
            expect(account.dependencies).toEqual([]);
            expect(account.propertyDependencies.location).toEqual([]);
        }
    });

    it("names each unanswered invoke and the inputs it feeds: 'cannot verify'", () => {
        expect(plan.notes).toEqual([
            "cannot verify: invoke azure-native:resources:getResourceGroup has no offline answer, so its result is " +
            "unknown, as a preview shows a value it cannot know; it feeds azure-native:storage:StorageAccount logs " +
            "(location, resourceGroupName); azure-native:storage:StorageAccount archive (location, resourceGroupName)",
            "cannot verify: a Helm chart (v3 Chart) is rendered by the Kubernetes provider's own Helm, which is not " +
            "here: the chart's objects are not planned and none of them is judged",
        ]);
    });

    it("sends the pack the engine's unknown for the location, so no region is invented", async () => {
        const [p] = await planStacks({ programDir: program("lookups"), stacks: [], config: {}, env: process.env });
        const logs = p.resources.find(r => r.name === "logs")!;
        expect(logs.inputs.location).toBe(UNKNOWN);
        expect(logs.unansweredInputs).toEqual({ location: ["azure-native:resources:getResourceGroup"],
                                                resourceGroupName: ["azure-native:resources:getResourceGroup"] });
    });
});

describe("ES module programs", () => {
    it("reports a program that does not compile in one line naming the compiler's error", async () => {
        const run = await cli(["plan", "--program", program("esm-broken")]);
        expect(run.code).toBe(2);
        expect(run.stderr).toBe("warehouse-check: error: stack offline: program failed: index.ts(4,60): error TS1005: ',' expected.\n");
    });

    it("transpiles them only, as CommonJS programs; PULUMI_NODEJS_TRANSPILE_ONLY=false type-checks", async () => {
        const run = await cli(["plan", "--program", program("esm-app"), "--format", "json"]);
        expect(run.stderr).toBe("");
        expect(JSON.parse(run.stdout).stacks[0].outputs).toEqual({ petNames: ["[unknown]", "[unknown]"], tag: 42 });
        const checked = await cli(["plan", "--program", program("esm-app")], { env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false" } });
        expect(checked.code).toBe(2);
        expect(checked.stderr).toMatch(/program failed: index\.ts\(7,7\): error TS2322: Type 'number' is not assignable to type 'string'\.\n$/);
    });
});

describe("configuration a program needs", () => {
    it("lists every missing key at once, each with the --config flag that sets it for this command", async () => {
        const run = await cli(["plan", "--program", program("needs-config")]);
        expect(run.code).toBe(2);
        expect(run.stderr).toBe("warehouse-check: error: stack dev: missing configuration (4 keys): webapp-sql:sqlAdmin, " +
            "webapp-sql:sqlPassword (secret), webapp-sql:dbCapacity, webapp-sql:tags; set them with " +
            "--config webapp-sql:sqlAdmin=VALUE --config webapp-sql:sqlPassword=VALUE " +
            "--config webapp-sql:dbCapacity=VALUE --config webapp-sql:tags=VALUE\n");
        const set = await cli(["plan", "--program", program("needs-config"), "--config", "sqlAdmin=dba",
            "--config", "sqlPassword=x", "--config", "dbCapacity=2", "--config", 'tags={"team":"orders"}']);
        expect(set.stderr).toBe("");
        expect(set.code).toBe(0);
    });

    it("refuses a project name the Pulumi CLI refuses, and accepts one it accepts", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-name-"));
        fs.writeFileSync(path.join(dir, "index.ts"), "export const ok = true;\n");
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        const cases: [string, RegExp | null][] = [
            ["my project", /project name 'my project' may only contain letters, digits, hyphens, underscores and periods/],
            ["9lives", /project name '9lives' may only contain .* must not start with a digit/],
            ["x".repeat(101), /is 101 characters long \(at most 100\)/],
            ["_infra.v2-eu", null],
        ];
        for (const [name, refused] of cases) {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: "${name}"\nruntime: nodejs\nmain: index.ts\n`);
            const run = await cli(["plan", "--program", dir]);
            if (refused) {
                expect({ name, code: run.code }).toEqual({ name, code: 2 });
                expect(run.stderr).toMatch(refused);
                expect(run.stderr).toMatch(/\(the Pulumi CLI refuses it\)\n$/);
            } else {
                expect({ name, stderr: run.stderr, code: run.code }).toEqual({ name, stderr: "", code: 0 });
            }
        }
    });
});

describe("a run that reaches no verdict still writes the documents CI parses", () => {
    const args = ["check", "--program", program("throws"), "--policy-pack", MINIMAL_PACK];
    const cause = "stack dev: program failed: subnet plan exhausted: no /24 left in 10.40.0.0/16 (at index.ts:5)";

    it("json: the error alone, valid against the report's schema; exit 2 and the one line on stderr", async () => {
        const run = await cli([...args, "--format", "json"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toBe(`warehouse-check: error: ${cause}\n`);
        const doc = JSON.parse(run.stdout);
        expect(doc).toEqual({ error: { message: cause, kind: "input", exitCode: 2 } });
        const validate = new Ajv({ allErrors: true }).compile(REPORT_SCHEMA);
        expect(validate(doc) ? [] : validate.errors).toEqual([]);
        expect(validate({ ...doc, stacks: [] })).toBe(false); // an error document carries nothing else
    });

    it("sarif: a failed invocation carrying the cause, which the official schema accepts", async () => {
        const run = await cli([...args, "--format", "sarif"]);
        expect(run.code).toBe(2);
        const sarif = JSON.parse(run.stdout);
        const validate = sarifValidator();
        expect(validate(sarif) ? [] : validate.errors).toEqual([]);
        expect(sarif.runs[0].results).toEqual([]);
        expect(sarif.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, exitCode: 2,
            toolExecutionNotifications: [{ level: "error", message: { text: cause } }] });
    });

    it("junit and markdown to their files: a test case in error, a comment that says the check could not run", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failed-run-"));
        const run = await cli([...args, "--format", "junit", "--output", path.join(dir, "report.xml"),
            "--format", "markdown", "--output", path.join(dir, "report.md")]);
        expect(run.code).toBe(2);
        expect(run.stdout).toBe("");
        const xml = fs.readFileSync(path.join(dir, "report.xml"), "utf8");
        expect(XMLValidator.validate(xml)).toBe(true);
        const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
        expect(doc.testsuites["@_errors"]).toBe("1");
        expect(doc.testsuites.testsuite.testcase.error["@_message"]).toBe(cause);
        expect(fs.readFileSync(path.join(dir, "report.md"), "utf8")).toMatch(/could not run[\s\S]*subnet plan exhausted/);
    });
});

describe("SARIF paths are relative to the program's own repository, wherever the check runs from", () => {
    const sarifUri = async (programDir: string, cwd: string) => {
        const run = await cli(["check", "--program", programDir, "--policy-pack", MINIMAL_PACK, "--format", "sarif"], { cwd });
        expect(run.code).toBe(1);
        const uris = JSON.parse(run.stdout).runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri);
        return [...new Set(uris)].sort();
    };
    /** Another team's repository: the program under infra/, its own node_modules. */
    const elsewhere = (withGit: boolean) => {
        const repo = fs.mkdtempSync(path.join(os.tmpdir(), "other-team-"));
        const dir = path.join(repo, "infra");
        fs.cpSync(program("public-storage"), dir, { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
        if (withGit) execFileSync("git", ["init", "--quiet"], { cwd: repo });
        return { repo, dir };
    };

    // Run from this repository, where a path relative to the working directory would climb out with `../..`.
    it("uses the git root of the program's directory", async () => {
        const { dir } = elsewhere(true);
        // Findings sit at the line that declared their resource (index.ts); the default provider's at the stack file.
        expect(await sarifUri(dir, ROOT)).toEqual(["infra/Pulumi.dev.yaml", "infra/index.ts"]);
    }, 300_000);

    it("uses the program's directory when it is in no repository", async () => {
        const { dir } = elsewhere(false);
        expect(await sarifUri(dir, path.join(ROOT, "tests"))).toEqual(["Pulumi.dev.yaml", "index.ts"]);
    }, 300_000);
});
