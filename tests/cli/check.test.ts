// `check`: the pack judges the plan over the analyzer protocol, and every output format says the same thing.

import Ajv from "ajv";
import { XMLParser } from "fast-xml-parser";
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

/** The day the tests run on, whatever the machine's clock says: the minimal pack's waiver ends on 2026-12-21. */
const TODAY = new Date("2026-12-01T10:00:00Z");

/** What xmllint (libxml2, as WebAssembly) says of a JUnit report against cli/schema/junit.xsd; [] when valid. */
async function junitSchemaErrors(xml: string): Promise<string[]> {
    const { validateXML } = await import("xmllint-wasm");
    const schema = fs.readFileSync(path.join(ROOT, "cli", "schema", "junit.xsd"), "utf8");
    const result = await validateXML({ xml: [{ fileName: "report.xml", contents: xml }], schema: [{ fileName: "junit.xsd", contents: schema }] });
    return result.errors.map(e => e.message);
}

describe("check against a small policy pack", () => {
    let pack: PackPool;
    let open: CheckReport;
    let exempted: CheckReport;
    let compliant: CheckReport;
    let farFromExpiry: CheckReport;
    let configFile: string;

    beforeAll(async () => {
        pack = packPool(MINIMAL_PACK, 2, process.env);
        const env = process.env;
        const run = async (name: string, policyConfig?: string, now = TODAY) => {
            const selection = { programDir: program(name), stacks: [], config: {}, env, policyPack: MINIMAL_PACK, policyConfig };
            return toReport(await checkTargets(selection, resolveTargets(selection.programDir, [], {}), pack), { now });
        };
        configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "open.json");
        fs.writeFileSync(configFile, JSON.stringify({ "allowed-locations": { exemptNames: ["open-rg", "open-sa"] } }));
        // One pack for all three checks, reconfigured between them, as a CLI run over several stacks does.
        open = await run("public-storage");
        exempted = await run("public-storage", configFile);
        compliant = await run("compliant");
        farFromExpiry = await run("public-storage", configFile, new Date("2026-10-01T09:00:00Z"));
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
        expect(open.summary).toEqual({ resources: 4, mandatory: 1, advisory: 4, exempt: 0, expiring: 0 });
    });

    it("says when a remediation cannot run on values unknown at preview, as the pack does under pulumi preview", () => {
        const tls = open.stacks[0].findings.find(f => f.policy === "storage-tls");
        expect(tls?.level).toBe("advisory");
        expect(tls?.message).toMatch(/can't be known during preview/);
    });

    it("marks findings under an exemption exempt, counted apart", () => {
        const exempt = exempted.stacks[0].findings.filter(f => f.exempt);
        expect(exempt.map(f => f.urn.split("::").pop()).sort()).toEqual(["open-rg", "open-sa"]);
        expect(exempted.summary).toEqual({ resources: 4, mandatory: 1, advisory: 2, exempt: 2, expiring: 1 });
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
        expect(sarif.runs[0].tool.driver.rules.map((r: any) => r.id))
            .toEqual(["allowed-locations", "exemption-expiring", "stack-has-storage", "storage-no-public-access", "storage-tls"]);
        // A rule's name is readable and never its id (the SARIF validator warns on that).
        for (const rule of sarif.runs[0].tool.driver.rules) expect(rule.name).not.toBe(rule.id);
        expect(sarif.runs[0].tool.driver.informationUri).toMatch(/^(https?|file):\/\/.+offline-check\.md$/);
    });

    it("locates each SARIF result at the line of the program that declared its resource", () => {
        const sarif = JSON.parse(render(open, "sarif"));
        const at = (name: string) => sarif.runs[0].results
            .find((r: any) => r.properties.urn.endsWith(`::${name}`)).locations[0].physicalLocation;
        // `export const account = new storage.StorageAccount("open-sa", {` is line 6, `new` at column 24.
        expect(at("open-sa")).toEqual({
            artifactLocation: { uri: "tests/fixtures/programs/public-storage/index.ts" },
            region: { startLine: 6, startColumn: 24 },
        });
        expect(at("open-rg").region).toEqual({ startLine: 5, startColumn: 15 });
        // A default provider has no line in the program: the stack's settings file stands for it.
        expect(at("default_3_28_0")).toEqual({
            artifactLocation: { uri: "tests/fixtures/programs/public-storage/Pulumi.dev.yaml" }, region: { startLine: 1 },
        });
    });

    it("announces an exemption that ends within the window in every format, with its id, reference, days and count", () => {
        expect(exempted.judgedOn).toBe("2026-12-01");
        expect(exempted.expiring).toEqual([expect.objectContaining({
            stack: "dev", id: "test-waiver", reference: "TEST-1", expires: "2026-12-21", daysLeft: 20, findings: 2,
            policies: ["allowed-locations"], blocking: false,
        })]);
        expect(exempted.summary.expiring).toBe(1);
        const sentence = /test-waiver.*2026-12-21.*in 20 days.*2 findings/;
        expect(render(exempted, "text").split("\n").slice(0, 4).join("\n")).toMatch(sentence);
        expect(render(exempted, "markdown")).toMatch(/Exemption `test-waiver` of `dev` expires on 2026-12-21, in 20 days\*\*: 2 findings/);
        expect(render(exempted, "junit")).toMatch(/<testcase classname="dev" name="exemption test-waiver expires 2026-12-21" time="0">\n\s+<system-out>exemption test-waiver/);
        const sarif = JSON.parse(render(exempted, "sarif"));
        expect(sarif.runs[0].results.filter((r: any) => r.ruleId === "exemption-expiring").map((r: any) => [r.level, r.message.text]))
            .toEqual([["warning", expect.stringMatching(sentence)]]);
        expect(JSON.parse(render(exempted, "json")).expiring[0].daysLeft).toBe(20);
        // Outside the window, nothing is announced.
        expect(farFromExpiry.expiring).toEqual([]);
        expect(render(farFromExpiry, "text")).not.toMatch(/expires on/);
    });

    it("writes JUnit XML that the JUnit schema accepts, one failing case per policy with a mandatory finding", async () => {
        for (const report of [open, exempted, compliant]) {
            expect(await junitSchemaErrors(render(report, "junit"))).toEqual([]);
        }
        const xml = render(open, "junit");
        const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
        expect(doc.testsuites["@_tests"]).toBe("4");
        expect(doc.testsuites["@_failures"]).toBe("1");
        const cases = doc.testsuites.testsuite.testcase;
        const failing = cases.filter((c: any) => c.failure).map((c: any) => c["@_name"]);
        expect(failing).toEqual(["storage-no-public-access"]);
        expect(cases.find((c: any) => c["@_name"] === "storage-no-public-access").failure["#text"])
            .toMatch(/^mandatory: Storage accounts must not allow public blob access\.\n  tests\/fixtures\/programs\/public-storage\/index\.ts:6  azure-native:storage:StorageAccount open-sa/);
        expect(cases.find((c: any) => c["@_name"] === "allowed-locations")["system-out"]).toMatch(/advisory: [\s\S]*\n\s+tests\/fixtures\/programs\/public-storage\/index\.ts:5  azure-native:resources:ResourceGroup open-rg/);
        // The schema is not a formality: a suite without its counts is refused.
        expect(await junitSchemaErrors(xml.replace(/(<testsuite [^>]*?) failures="\d+"/, "$1"))).not.toEqual([]);
    });

    it("writes a Markdown comment: the verdict and table first, mandatory findings with their source line", () => {
        const md = render(exempted, "markdown");
        expect(md.startsWith(COMMENT_MARKER)).toBe(true);
        expect(md).toMatch(/Offline policy check: ❌ fails/);
        expect(md).toMatch(/\| `dev` \| 4 \| 1 \| 2 \| 2 \|/);
        expect(md).toMatch(/#### Mandatory findings \(1\)\n\n\*\*`storage-no-public-access`\*\* \(mandatory, 1\): Set allowBlobPublicAccess to false\.\n- Storage accounts must not allow public blob access\.\n  - `dev` `azure-native:storage:StorageAccount open-sa` at `tests\/fixtures\/programs\/public-storage\/index\.ts:6`/);
        expect(md).toMatch(/Exempt findings \(2, under 1 exemption\)[\s\S]*\| `test-waiver` \| `dev` \| 2 \| `allowed-locations` 2 \| 2026-12-21 \| TEST-1 \|/);
        expect(md.indexOf("Mandatory findings")).toBeLessThan(md.indexOf("Advisory findings"));
        expect(render(compliant, "markdown")).toMatch(/Offline policy check: ✅ passes/);
    });

    it("writes text with the summary first, findings grouped by policy and message, each message once", () => {
        const text = render(open, "text");
        const lines = text.split("\n");
        expect(lines[0]).toBe("FAIL: 1 stack, 4 resources: 1 mandatory, 4 advisory, 0 exempt");
        expect(lines[1]).toMatch(/^  dev\s+4 resources\s+1 mandatory\s+4 advisory\s+0 exempt  policy config: pack defaults$/);
        const mandatory = lines.indexOf("MANDATORY (1 finding, 1 policy)");
        expect(mandatory).toBeGreaterThan(0);
        expect(mandatory).toBeLessThan(lines.findIndex(l => l.startsWith("ADVISORY")));
        expect(text).toMatch(/fix: Set allowBlobPublicAccess to false\./);
        expect(text).toMatch(/- Storage accounts must not allow public blob access\.\n\s+dev  azure-native:storage:StorageAccount open-sa  tests\/fixtures\/programs\/public-storage\/index\.ts:6/);
        // No finding's text is printed twice, even when it applies to several resources.
        const messages = lines.filter(l => /^\s+- /.test(l));
        expect(new Set(messages).size).toBe(messages.length);
        expect(lines.filter(Boolean).pop()).toBe("FAIL: 1 stack, 4 resources: 1 mandatory, 4 advisory, 0 exempt");
        expect(render(compliant, "text")).toMatch(/remediated: azure-native:storage:StorageAccount logs: minimumTlsVersion: null -> "TLS1_2"/);
    });

    it("collapses exempt findings per exemption, with their count", () => {
        const text = render(exempted, "text");
        expect(text).toMatch(/EXEMPT \(2 findings under 1 exemption\)\n  test-waiver: 2 findings on dev, until 2026-12-21 \(waiver\); ref TEST-1\n    allowed-locations 2\n    reason: test fixture/);
        // The exempt findings' text is not repeated: the one message left is the default provider's, not exempt.
        expect(text.match(/Location westus is not allowed/g)).toHaveLength(1);
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
        expect(await junitSchemaErrors(fs.readFileSync(path.join(dir, "report.xml"), "utf8"))).toEqual([]);
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

    it("exits 2 with one line when the pack is killed while it judges, never 0 with nothing printed", async () => {
        // SIGKILL, as the out-of-memory killer sends: the check used to wait for an exit already past, its event
        // loop drained, and the process ended with status 0 and no report.
        const args = ["check", "--program", program("compliant"), "--policy-pack", path.join(ROOT, "tests", "fixtures", "packs", "killed")];
        const run = await Promise.race([cli(args), new Promise<undefined>(resolve => setTimeout(() => resolve(undefined), 20_000))]);
        expect(run).toBeDefined();
        expect(run!.code).toBe(2);
        expect(run!.stderr.trim().split("\n")).toHaveLength(1);
        expect(run!.stderr).toMatch(/^warehouse-check: error: policy pack on stack dev: analyze failed: the connection closed before the answer/);
    });

    it("--fail-on-expiry-within makes an exemption about to expire fail the run, as its findings will", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "expiry-"));
        const config = path.join(dir, "policy.json");
        // Nothing mandatory left: the public-access rule advises, and the location waiver (until 2026-12-21) applies.
        fs.writeFileSync(config, JSON.stringify({ "storage-no-public-access": "advisory", "allowed-locations": { exemptNames: ["open-rg", "open-sa"] } }));
        const base = ["check", "--program", program("public-storage"), "--policy-pack", MINIMAL_PACK, "--policy-config", config];
        const quiet = await cli(base, { now: TODAY });
        expect(quiet.code).toBe(0);
        expect(quiet.stdout).toMatch(/WARNING: exemption test-waiver of stack dev expires on 2026-12-21, in 20 days: 2 findings/);
        const blocking = await cli([...base, "--fail-on-expiry-within", "30"], { now: TODAY });
        expect(blocking.code).toBe(1);
        expect(blocking.stdout).toMatch(/^FAIL: exemption test-waiver/m);
        expect((await cli([...base, "--fail-on-expiry-within", "10"], { now: TODAY })).code).toBe(0);
        // A shorter warning window says nothing of it; a longer failing window still announces it.
        expect((await cli([...base, "--warn-expiry-within", "7"], { now: TODAY })).stdout).not.toMatch(/expires on/);
        const bad = await cli([...base, "--fail-on-expiry-within", "soon"]);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toMatch(/--fail-on-expiry-within must be a whole number of days from 0 to 3650, got 'soon'/);
    });

    it("shows its progress on a terminal only, and erases it before the report", async () => {
        const args = ["check", "--program", program("compliant"), "--policy-pack", MINIMAL_PACK];
        const terminal = await cli(args, { interactive: true });
        expect(terminal.stderr).toMatch(/\r\x1b\[2Kchecking \(\d+ s\): dev \d+ judged/);
        expect(terminal.stderr.endsWith("\r\x1b[2K")).toBe(true);
        const piped = await cli(args, { interactive: false });
        expect(piped.stderr).toBe("");
        expect(piped.stdout).toBe(terminal.stdout);
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
