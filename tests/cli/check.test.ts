// `check`: the pack judges the plan over the analyzer protocol, and every output format says the same thing.

import Ajv from "ajv";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkTargets, packPool } from "../../engine/run";
import type { PackPool } from "../../engine/policy/pack-pool";
import { resolveTargets } from "../../engine/program/targets";
import { render, toReport } from "../../cli/handlers/check";
import type { CheckReport } from "../../cli/report/model";
import { COMMENT_MARKER } from "../../cli/formats/markdown";
import { MINIMAL_PACK, ROOT, cli, program, sarifValidator } from "./support";

const reportSchema = JSON.parse(fs.readFileSync(path.join(ROOT, "cli", "schema", "check-report.schema.json"), "utf8"));

describe("check against a small policy pack", () => {
    let pack: PackPool;
    let open: CheckReport;
    let exempted: CheckReport;
    let compliant: CheckReport;
    let configFile: string;

    beforeAll(async () => {
        pack = packPool(MINIMAL_PACK, 2, process.env);
        const env = process.env;
        const run = async (name: string, policyConfig?: string) => {
            const selection = { programDir: program(name), stacks: [], config: {}, env, policyPack: MINIMAL_PACK, policyConfig };
            return toReport(await checkTargets(selection, resolveTargets(selection.programDir, [], {}), pack));
        };
        configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "open.json");
        fs.writeFileSync(configFile, JSON.stringify({ "allowed-locations": { exemptNames: ["open-rg", "open-sa"] } }));
        // One pack for all three checks, reconfigured between them, as a CLI run over several stacks does.
        open = await run("public-storage");
        exempted = await run("public-storage", configFile);
        compliant = await run("compliant");
    });
    afterAll(() => pack.stop());

    it("reports the mandatory violation on the resource and advisories elsewhere", () => {
        const [stack] = open.stacks;
        const mandatory = stack.findings.filter(f => f.level === "mandatory");
        expect(mandatory).toEqual([expect.objectContaining({
            policy: "storage-no-public-access",
            urn: "urn:pulumi:dev::fixture-public-storage::azure-native:storage:StorageAccount::open-sa",
            exempt: false, remediation: "Set allowBlobPublicAccess to false.", pack: "fixture-minimal-pack@1.2.3",
        })]);
        // The default provider carries the stack's azure-native:location, and is judged like the engine judges it.
        const located = stack.findings.filter(f => f.policy === "allowed-locations").map(f => f.urn.split("::").pop());
        expect(located.sort()).toEqual(["default_3_28_0", "open-rg", "open-sa"]);
        expect(open.summary).toEqual({ resources: 4, mandatory: 1, advisory: 4, exempt: 0 });
    });

    it("says when a remediation cannot run on values unknown at preview, as the pack does under pulumi preview", () => {
        const tls = open.stacks[0].findings.find(f => f.policy === "storage-tls");
        expect(tls?.level).toBe("advisory");
        expect(tls?.message).toMatch(/can't be known during preview/);
    });

    it("marks findings under an exemption exempt, counted apart", () => {
        const exempt = exempted.stacks[0].findings.filter(f => f.exempt);
        expect(exempt.map(f => f.urn.split("::").pop()).sort()).toEqual(["open-rg", "open-sa"]);
        expect(exempted.summary).toEqual({ resources: 4, mandatory: 1, advisory: 2, exempt: 2 });
        expect(exempted.stacks[0].policyConfig).toBe(configFile);
    });

    it("applies remediations before analysis and reports what they changed", () => {
        const [stack] = compliant.stacks;
        expect(stack.findings).toEqual([]);
        expect(stack.remediations).toEqual([{
            policy: null, urn: "urn:pulumi:dev::fixture-compliant::azure-native:storage:StorageAccount::logs",
            changes: { minimumTlsVersion: [null, "TLS1_2"] },
        }]);
        const logs = stack.resources.find(r => r.name === "logs");
        expect(logs?.inputs.minimumTlsVersion).toBe("TLS1_2");
    });

    it("writes JSON that follows the documented schema", () => {
        const validate = new Ajv({ allErrors: true }).compile(reportSchema);
        for (const report of [open, exempted, compliant]) {
            const parsed = JSON.parse(render(report, "json"));
            expect(validate.errors ?? (validate(parsed) ? [] : validate.errors)).toEqual([]);
            expect(parsed.summary).toEqual(report.summary);
        }
        // The schema is not a formality: a finding with a level it does not know is refused.
        const broken = JSON.parse(render(open, "json"));
        broken.stacks[0].findings[0].level = "warning";
        expect(validate(broken)).toBe(false);
    });

    it("writes SARIF 2.1.0 that the official schema accepts, errors for mandatory, suppressions for exempt", () => {
        const validate = sarifValidator();
        const sarif = JSON.parse(render(exempted, "sarif"));
        expect(validate(sarif) ? [] : validate.errors).toEqual([]);
        const results = sarif.runs[0].results;
        expect(results.filter((r: any) => r.level === "error").map((r: any) => r.ruleId)).toEqual(["storage-no-public-access"]);
        expect(results.filter((r: any) => r.suppressions).length).toBe(2);
        expect(results[0].locations[0].physicalLocation.artifactLocation.uri)
            .toBe("tests/fixtures/programs/public-storage/Pulumi.dev.yaml");
        expect(sarif.runs[0].tool.driver.rules.map((r: any) => r.id))
            .toEqual(["allowed-locations", "stack-has-storage", "storage-no-public-access", "storage-tls"]);
    });

    it("writes JUnit XML with one failing case per policy with a mandatory finding", () => {
        const xml = render(open, "junit");
        expect(XMLValidator.validate(xml)).toBe(true);
        const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
        expect(doc.testsuites["@_tests"]).toBe("4");
        expect(doc.testsuites["@_failures"]).toBe("1");
        const cases = doc.testsuites.testsuite.testcase;
        const failing = cases.filter((c: any) => c.failure).map((c: any) => c["@_name"]);
        expect(failing).toEqual(["storage-no-public-access"]);
        expect(cases.find((c: any) => c["@_name"] === "allowed-locations")["system-out"]).toMatch(/advisory .*open-rg/);
    });

    it("writes a Markdown comment with the verdict, a table per stack and folded details", () => {
        const md = render(exempted, "markdown");
        expect(md.startsWith(COMMENT_MARKER)).toBe(true);
        expect(md).toMatch(/Offline policy check: ❌ fails/);
        expect(md).toMatch(/\| `dev` \| 4 \| 1 \| 2 \| 2 \|/);
        expect(md).toMatch(/\| mandatory \| `storage-no-public-access` \| `azure-native:storage:StorageAccount::open-sa` \|/);
        expect(render(compliant, "markdown")).toMatch(/Offline policy check: ✅ passes/);
    });

    it("writes text grouped by stack and component, mandatory first, with the fix and a verdict line", () => {
        const text = render(open, "text");
        const lines = text.split("\n");
        expect(lines[0]).toMatch(/^stack dev \(fixture-public-storage, 4 resources, policy config: pack defaults\)$/);
        const levels = lines.filter(l => /^\s+(MANDATORY|ADVISORY|EXEMPT)/.test(l)).map(l => l.trim().split(/\s+/)[0]);
        expect(levels[0]).toBe("MANDATORY");
        expect(levels.slice(1).every(l => l === "ADVISORY")).toBe(true);
        expect(text).toMatch(/fix: Set allowBlobPublicAccess to false\./);
        expect(lines.filter(Boolean).pop()).toBe("FAIL: 1 stack, 4 resources: 1 mandatory, 4 advisory, 0 exempt");
        expect(render(compliant, "text")).toMatch(/remediated: azure-native:storage:StorageAccount logs: minimumTlsVersion: null -> "TLS1_2"/);
    });
});

describe("check on the command line: exit codes and output files", () => {
    it("exits 1 on a mandatory finding and writes the reports where asked, the verdict on stderr", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-out-"));
        const run = await cli(["check", "--program", program("public-storage"), "--policy-pack", MINIMAL_PACK,
            "--format", "sarif", "--output", path.join(dir, "report.sarif"),
            "--format", "junit", "--output", path.join(dir, "report.xml")]);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe("");
        expect(run.stderr).toMatch(/^FAIL: 1 stack, 4 resources: 1 mandatory.*\(sarif: .*report.sarif, junit: .*report.xml\)\n$/);
        expect(JSON.parse(fs.readFileSync(path.join(dir, "report.sarif"), "utf8")).version).toBe("2.1.0");
        expect(XMLValidator.validate(fs.readFileSync(path.join(dir, "report.xml"), "utf8"))).toBe(true);
    });

    it("exits 0 when nothing is mandatory", async () => {
        const run = await cli(["check", "--program", program("compliant"), "--policy-pack", MINIMAL_PACK, "--format", "json"]);
        expect(run.code).toBe(0);
        expect(JSON.parse(run.stdout).summary.mandatory).toBe(0);
    });

    it("exits 2 with one line naming the cause for bad input", async () => {
        const cases: [string[], RegExp][] = [
            [["check", "--program", program("throws"), "--policy-pack", MINIMAL_PACK], /^warehouse-check: error: stack dev: program failed: subnet plan exhausted/],
            [["check", "--program", program("compliant"), "--stack", "prod", "--policy-pack", MINIMAL_PACK], /unknown stack 'prod'; stacks of fixture-compliant: dev/],
            [["check", "--program", program("compliant"), "--policy-pack", path.join(ROOT, "tests", "fixtures", "packs", "broken")], /policy pack .*broken.*failed to start/],
            [["check", "--program", program("compliant"), "--policy-pack", MINIMAL_PACK, "--policy-config", "/nonexistent.json"], /policy config \/nonexistent.json: cannot be read \(ENOENT\)/],
            [["check", "--program", program("compliant"), "--policy-pack", MINIMAL_PACK, "--policy-config", path.join(ROOT, "tests", "fixtures", "policy-config", "bad-level.json")], /allowed-locations.enforcementLevel: "blocking" is not a valid enforcement level/],
            [["check", "--program", "/nonexistent"], /no Pulumi.yaml in \/nonexistent/],
            [["check", "--bogus"], /check: Unknown option '--bogus'/],
            [["check", "--format", "html"], /--format must be one of text, json, sarif, junit, markdown, got 'html'/],
            [["deploy"], /unknown command 'deploy'; commands: plan, check/],
            [["check", "--format", "json", "--format", "sarif", "--output", "a.json"], /2 formats need as many --output files \(got 1\)/],
        ];
        for (const [args, message] of cases) {
            const run = await cli(args);
            expect({ args, code: run.code }).toEqual({ args, code: 2 });
            expect(run.stderr.trim().split("\n")).toHaveLength(1);
            expect(run.stderr).toMatch(message);
        }
    });

    it("refuses a process count in the environment that is not a whole number of 1 or more", async () => {
        const cases: [Record<string, string>, RegExp][] = [
            [{ WAREHOUSE_CHECK_PACKS: "two" }, /^warehouse-check: error: WAREHOUSE_CHECK_PACKS=two: must be a whole number of 1 or more \(unset: 1\)/],
            [{ WAREHOUSE_CHECK_PACKS: "0" }, /WAREHOUSE_CHECK_PACKS=0: must be a whole number of 1 or more/],
            [{ WAREHOUSE_CHECK_JOBS: "1.5" }, /WAREHOUSE_CHECK_JOBS=1.5: must be a whole number of 1 or more/],
        ];
        for (const [env, message] of cases) {
            const run = await cli(["check", "--program", program("compliant"), "--policy-pack", MINIMAL_PACK], { env });
            expect({ env, code: run.code }).toEqual({ env, code: 2 });
            expect(run.stderr.trim().split("\n")).toHaveLength(1);
            expect(run.stderr).toMatch(message);
        }
        // Set to a valid count, the check runs.
        const run = await cli(["check", "--program", program("compliant"), "--policy-pack", MINIMAL_PACK],
            { env: { WAREHOUSE_CHECK_PACKS: "2", WAREHOUSE_CHECK_JOBS: "1" } });
        expect(run.code).toBe(0);
    });
});
