// The project's own stacks through the README's main command path: every stack planned and judged with the
// sovereignty pack, the Azure stack with its CNIL exemption file found by convention, and the same stack failing
// once the exemption has expired.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkTargets, packPool } from "../../engine/run";
import type { PackPool } from "../../engine/policy/pack-pool";
import { resolveTargets } from "../../engine/program/targets";
import { render, toReport } from "../../cli/handlers/check";
import type { CheckReport } from "../../cli/report/model";
import { ROOT } from "./support";

const PACK = path.join(ROOT, "policies");

describe("check of every stack of the project", () => {
    let pack: PackPool;
    let report: CheckReport;
    let expired: CheckReport;

    beforeAll(async () => {
        pack = packPool(PACK, 2, process.env);
        const selection = { programDir: ROOT, stacks: [], config: {}, env: process.env, policyPack: PACK };
        report = toReport(await checkTargets(selection, resolveTargets(ROOT, [], {}), pack), { now: new Date("2026-12-01T08:00:00Z") });
        // The same Azure config judged on the day the CNIL authorisation ends.
        const config = JSON.parse(fs.readFileSync(path.join(PACK, "config", "azure-prod.json"), "utf8"));
        for (const settings of Object.values<any>(config)) settings.now = "2026-12-21";
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "expired-")), "azure-prod.json");
        fs.writeFileSync(file, JSON.stringify(config));
        expired = toReport(await checkTargets({ ...selection, stacks: ["azure-prod"], policyConfig: file },
            resolveTargets(ROOT, ["azure-prod"], {}), pack));
    }, 240_000);
    afterAll(() => pack.stop());

    const stack = (r: CheckReport, name: string) => r.stacks.find(s => s.stack === name)!;

    it("plans all three stacks, each with its root Stack and a real resource tree", () => {
        expect(report.stacks.map(s => s.stack)).toEqual(["azure-prod", "cloudtemple-rehearsal", "ovh-rehearsal"]);
        for (const s of report.stacks) {
            expect(s.resources[0].urn).toBe(`urn:pulumi:${s.stack}::health-data-warehouse::pulumi:pulumi:Stack::health-data-warehouse-${s.stack}`);
            expect(s.resources.length).toBeGreaterThan(50);
        }
    });

    it("passes today: the Azure findings are exempt under the CNIL authorisation, found by convention", () => {
        expect(report.summary.mandatory).toBe(0);
        const azure = stack(report, "azure-prod");
        expect(azure.policyConfig).toBe(path.join(PACK, "config", "azure-prod.json"));
        expect(azure.findings.filter(f => f.exempt).length).toBeGreaterThan(0);
        for (const other of ["ovh-rehearsal", "cloudtemple-rehearsal"]) {
            expect(stack(report, other).policyConfig).toBeNull();
            expect(stack(report, other).findings.filter(f => f.exempt)).toEqual([]);
        }
    });

    it("announces the CNIL exemption's countdown: 20 days left on 2026-12-01, and the findings that turn mandatory", () => {
        const azure = stack(report, "azure-prod");
        const exempt = azure.findings.filter(f => f.exempt).length;
        expect(report.expiring).toEqual([expect.objectContaining({
            stack: "azure-prod", id: "cnil-emc2-2023", expires: "2026-12-21", daysLeft: 20, findings: exempt,
            reference: "CNIL authorisation of 21 December 2023 (EMC2 warehouse, three years)",
            declaredAt: { file: "policies/config/azure-prod.json", line: 5 },
        })]);
        expect(render(report, "text").split("\n").slice(0, 5).join("\n"))
            .toMatch(new RegExp(`cnil-emc2-2023 of stack azure-prod expires on 2026-12-21, in 20 days: ${exempt} findings`));
    });

    it("judges the production stack's customer-managed keys instead of answering 'cannot verify'", () => {
        const azure = stack(report, "azure-prod");
        const cannotVerify = azure.findings.filter(f => /\[cannot verify\]/.test(f.message));
        // The storage account and the stack rule see the vault URI and the identity the provider derives; only the
        // cluster's KMS key, whose version Key Vault picks at creation, stays unknown.
        expect(cannotVerify.map(f => `${f.policy} ${f.urn.split("::").pop()}`)).toEqual(["customer-managed-encryption hdh-compute-cluster"]);
    });

    it("locates the findings at the line that declared their resource", () => {
        const azure = stack(report, "azure-prod");
        const account = azure.findings.find(f => f.urn.endsWith("::hdh-storage-account"))!;
        expect(account.source).toEqual({ file: "stacks/azure/storage.ts", line: expect.any(Number), column: expect.any(Number) });
        const line = fs.readFileSync(path.join(ROOT, account.source!.file), "utf8").split("\n")[account.source!.line - 1];
        expect(line.slice(account.source!.column - 1)).toMatch(/^new storage\.StorageAccount\(/);
    });

    it("fails the Azure stack once the exemption has expired, naming it", () => {
        const azure = stack(expired, "azure-prod");
        const mandatory = azure.findings.filter(f => f.level === "mandatory");
        expect(mandatory.length).toBeGreaterThan(0);
        expect(mandatory.some(f => /exemption expired: cnil-emc2-2023/.test(f.message))).toBe(true);
        expect(azure.findings.filter(f => f.exempt)).toEqual([]);
    });
});
