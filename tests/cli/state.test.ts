// `check --state FILE`: a deployed stack judged from `pulumi stack export` output, offline, with the same pack,
// config and formats as its code; with --program, where the code and the deployed state differ.

import Ajv from "ajv";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackExport } from "../../engine/state/stack-export";
import { SECRET_SIG, SIG, UNKNOWN } from "../../engine/wire";
import { FIXTURES, MINIMAL_PACK, ROOT, cli, program } from "./support";

const STATE = path.join(FIXTURES, "state", "public-storage-dev.json");
const reportSchema = JSON.parse(fs.readFileSync(path.join(ROOT, "cli", "schema", "check-report.schema.json"), "utf8"));

describe("a deployed stack from its exported state", () => {
    test("is read as the backend holds it: inputs, outputs, options, source lines; encrypted secrets secret and unknown", () => {
        const deployed = readStackExport(STATE);
        expect([deployed.stack, deployed.project]).toEqual(["dev", "fixture-public-storage"]);
        const account = deployed.resources.find(r => r.name === "open-sa")!;
        expect(account.inputs.allowBlobPublicAccess).toBe(false);
        expect(account.options.protect).toBe(true);
        expect(account.source).toEqual({ file: "index.ts", line: 6, column: 24 });
        expect(account.outputs.primaryEndpoints).toEqual({ [SIG]: SECRET_SIG, value: UNKNOWN });
        expect(deployed.resources.find(r => r.type === "pulumi:providers:azure-native")!.origin).toBe("default-provider");
        expect(deployed.notes.join("\n")).toMatch(/1 resource holds encrypted secrets/);
    });

    test("refuses what is not a version-3 stack export, in one line", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-state-"));
        const write = (name: string, text: string) => { fs.writeFileSync(path.join(dir, name), text); return path.join(dir, name); };
        expect(() => readStackExport(write("v2.json", JSON.stringify({ version: 2, deployment: { resources: [] } }))))
            .toThrow(/deployment version 2 is not supported/);
        expect(() => readStackExport(write("plain.json", "{}"))).toThrow(/not a `pulumi stack export` document/);
        expect(() => readStackExport(write("broken.json", "{ version"))).toThrow(/not valid JSON/);
        expect(() => readStackExport(write("empty.json", JSON.stringify({ version: 3, deployment: { resources: [] } }))))
            .toThrow(/no resource with a Pulumi URN/);
    });

    test("is read when a shell's redirect wrote it with a byte-order mark (UTF-8, or UTF-16 from Windows PowerShell 5)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bom-state-"));
        const text = fs.readFileSync(STATE, "utf8");
        const utf8 = path.join(dir, "utf8.json");
        fs.writeFileSync(utf8, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]));
        const utf16 = path.join(dir, "utf16.json");
        fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
        for (const file of [utf8, utf16]) expect(readStackExport(file).resources.map(r => r.name)).toContain("old-logs");
    });

    test("refuses a state Pulumi does not write rather than judge part of it: a URN twice, another stack's resources, inputs that are not an object", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-state-"));
        const exported = () => JSON.parse(fs.readFileSync(STATE, "utf8"));
        const write = (name: string, doc: any) => { fs.writeFileSync(path.join(dir, name), JSON.stringify(doc)); return path.join(dir, name); };
        const oldLogs = (doc: any) => doc.deployment.resources.find((r: any) => r.urn.endsWith("::old-logs"));

        // A compliant copy of a failing account under the same URN: which one runs cannot be told.
        const twice = exported();
        twice.deployment.resources.push({ ...oldLogs(twice), inputs: { ...oldLogs(twice).inputs, allowBlobPublicAccess: false } });
        expect(() => readStackExport(write("twice.json", twice))).toThrow(/resource 5: urn .*::old-logs appears twice/);
        // The old copy of a replaced resource (delete: true) shares the URN of the new one: that is how Pulumi writes it.
        const replaced = exported();
        replaced.deployment.resources.push({ ...oldLogs(replaced), delete: true });
        expect(readStackExport(write("replaced.json", replaced)).resources.filter(r => r.name === "old-logs")).toHaveLength(1);

        const mixed = exported();
        oldLogs(mixed).urn = oldLogs(mixed).urn.replace("urn:pulumi:dev::fixture-public-storage::", "urn:pulumi:prod::other::");
        expect(() => readStackExport(write("mixed.json", mixed)))
            .toThrow(/resource 4: urn:pulumi:prod::other::.* is not of stack dev of project fixture-public-storage/);

        for (const [field, value] of [["inputs", "x"], ["outputs", [1]]] as const) {
            const odd = exported();
            oldLogs(odd)[field] = value;
            expect(() => readStackExport(write(`${field}.json`, odd))).toThrow(new RegExp(`resource 4: ${field} is not an object`));
        }
    });

    test("is judged offline by the same pack: what is deployed, not what the code says", async () => {
        const run = await cli(["check", "--state", STATE, "--policy-pack", MINIMAL_PACK, "--format", "json"]);
        expect(run.stderr).toBe("");
        expect(run.code).toBe(1);
        const report = JSON.parse(run.stdout);
        const validate = new Ajv({ allErrors: true }).compile(reportSchema);
        expect(validate(report) ? [] : validate.errors).toEqual([]);
        const [stack] = report.stacks;
        expect(stack.state).toEqual({ file: STATE });
        // The code allows public blob access on open-sa; the deployed account does not. The account deployed
        // outside the code does, and is the one that fails.
        const mandatory = stack.findings.filter((f: any) => f.level === "mandatory").map((f: any) => f.urn.split("::").pop());
        expect(mandatory).toEqual(["old-logs"]);
        expect(stack.notes.join("\n")).toMatch(/judged from the deployed state written 2026-11-27/);
    });

    test("fails closed where the project's pack cannot read an encrypted secret: nothing judges the deployed value later", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "encrypted-state-"));
        const file = path.join(dir, "state.json");
        const encrypted = { [SIG]: SECRET_SIG, ciphertext: "v1:AAAA:BBBB" };
        const prefix = "urn:pulumi:attack::health-data-warehouse::";
        const root = `${prefix}pulumi:pulumi:Stack::health-data-warehouse-attack`;
        fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: { time: "2026-11-30T10:00:00Z" }, resources: [
            { urn: root, custom: false, type: "pulumi:pulumi:Stack" },
            { urn: `${prefix}azure-native:resources:ResourceGroup::rg`, custom: true, type: "azure-native:resources:ResourceGroup",
              inputs: { location: encrypted, resourceGroupName: "rg" }, outputs: { location: encrypted }, parent: root },
        ] } }));
        // Under a preview the region is judged at update time; in a deployed state the update has run, and the
        // region of the group cannot be read offline: not a pass.
        const run = await cli(["check", "--state", file, "--format", "json"]);
        expect(run.stderr).toBe("");
        expect(run.code).toBe(1);
        const [finding] = JSON.parse(run.stdout).stacks[0].findings;
        expect([finding.policy, finding.level]).toEqual(["allowed-regions", "mandatory"]);
        expect(finding.message).toMatch(/^\[cannot verify\] .*deployed state.*encrypted secret/);
    });

    test("with --program, says where the code and the deployed state differ", async () => {
        const run = await cli(["check", "--state", STATE, "--program", program("public-storage"), "--policy-pack", MINIMAL_PACK, "--format", "json"]);
        const drift = JSON.parse(run.stdout).stacks[0].state.drift;
        expect(drift.onlyInState).toEqual(["urn:pulumi:dev::fixture-public-storage::azure-native:storage:StorageAccount::old-logs"]);
        expect(drift.onlyInCode).toEqual([]);
        // Only what the code sets is compared: the provider's auto-names and defaults are not differences.
        expect(drift.changed).toEqual([{ urn: "urn:pulumi:dev::fixture-public-storage::azure-native:storage:StorageAccount::open-sa", keys: ["allowBlobPublicAccess"] }]);
        const text = await cli(["check", "--state", STATE, "--program", program("public-storage"), "--policy-pack", MINIMAL_PACK]);
        expect(text.stdout).toMatch(/code and deployed state: 2 differences/);
        expect(text.stdout).toMatch(/- azure-native:storage:StorageAccount old-logs {2}\(deployed, not in the code/);
    });

    test("refuses a state of another project, and flags that do not go with it", async () => {
        const other = await cli(["check", "--state", STATE, "--program", program("compliant"), "--policy-pack", MINIMAL_PACK]);
        expect(other.code).toBe(2);
        expect(other.stderr).toMatch(/state is of project fixture-public-storage|unknown stack 'dev'|fixture-compliant/);
        const stack = await cli(["check", "--state", STATE, "--stack", "dev"]);
        expect(stack.code).toBe(2);
        expect(stack.stderr).toMatch(/--state judges the stack the state is of: leave out --stack/);
    });
});
