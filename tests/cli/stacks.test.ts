// The project's own stacks through the README's main command path: every stack planned and judged with the
// sovereignty pack, the Azure stack with its CNIL exemption file found by convention, and the same stack failing
// once the exemption has expired.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkTargets, packPool } from "../../engine/run";
import type { PackPool } from "../../engine/policy/pack-pool";
import { resolveTargets } from "../../engine/program/targets";
import { toReport } from "../../cli/handlers/check";
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
        report = toReport(await checkTargets(selection, resolveTargets(ROOT, [], {}), pack));
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

    it("fails the Azure stack once the exemption has expired, naming it", () => {
        const azure = stack(expired, "azure-prod");
        const mandatory = azure.findings.filter(f => f.level === "mandatory");
        expect(mandatory.length).toBeGreaterThan(0);
        expect(mandatory.some(f => /exemption expired: cnil-emc2-2023/.test(f.message))).toBe(true);
        expect(azure.findings.filter(f => f.exempt)).toEqual([]);
    });
});
