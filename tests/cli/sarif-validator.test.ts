// The SARIF log passes the official validator, the SARIF Multitool (its Linux build, from the npm registry), with no
// error and no warning, on a run with every kind of result: mandatory, advisory, exempt, an exemption about to
// expire, and a --base comparison.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkTargets, packPool } from "../../engine/run";
import { resolveTargets } from "../../engine/program/targets";
import { render, toReport } from "../../cli/handlers/check";
import { compareWithBase } from "../../cli/report/compare";
import { MINIMAL_PACK, program } from "./support";

/** The Multitool's own executable, as its npm package installs it for this platform. */
function multitool(): string | undefined {
    if (process.platform !== "linux" || process.arch !== "x64") return undefined;
    return path.join(path.dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json")), "Sarif.Multitool");
}

const tool = multitool();
const onLinux = tool ? test : test.skip;

describe("SARIF against the SARIF Multitool's validator", () => {
    onLinux("no error and no warning", async () => {
        const pack = packPool(MINIMAL_PACK, 1, process.env);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sarif-validate-"));
        const config = path.join(dir, "policy.json");
        fs.writeFileSync(config, JSON.stringify({ "allowed-locations": { exemptNames: ["open-rg"] } }));
        try {
            const selection = { programDir: program("public-storage"), stacks: [], config: {}, env: process.env, policyPack: MINIMAL_PACK };
            const targets = resolveTargets(selection.programDir, [], {});
            const now = new Date("2026-12-01T12:00:00Z");
            const open = toReport(await checkTargets(selection, targets, pack), { now });
            const exempted = toReport(await checkTargets({ ...selection, policyConfig: config }, targets, pack),
                { now, failOnExpiryWithinDays: 30 });
            const compared = { ...exempted, base: compareWithBase(exempted, open, "origin/main", "a".repeat(40)) };
            const logs = [open, exempted, compared].map((report, i) => {
                const file = path.join(dir, `report-${i}.sarif`);
                fs.writeFileSync(file, render(report, "sarif"));
                return file;
            });
            // Every kind of result is in there.
            const results = JSON.parse(fs.readFileSync(logs[2], "utf8")).runs[0].results;
            expect(new Set(results.map((r: any) => r.level))).toEqual(new Set(["error", "warning", "note"]));
            expect(results.some((r: any) => r.ruleId === "exemption-expiring")).toBe(true);
            const out = path.join(dir, "validation.sarif");
            execFileSync(tool!, ["validate", ...logs, "--output", out, "--level", "Error;Warning"],
                { stdio: "pipe", env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" } });
            const validation = JSON.parse(fs.readFileSync(out, "utf8"));
            const problems = validation.runs.flatMap((r: any) => r.results ?? [])
                .filter((r: any) => (r.level ?? "warning") !== "note")
                .map((r: any) => `${r.ruleId}: ${r.message?.arguments?.join(" | ") ?? r.message?.text}`);
            expect(problems).toEqual([]);
            // The validator does find problems: the old log's rule names equal to their ids are refused.
            const broken = JSON.parse(fs.readFileSync(logs[0], "utf8"));
            for (const rule of broken.runs[0].tool.driver.rules) rule.name = rule.id;
            delete broken.runs[0].tool.driver.informationUri;
            fs.writeFileSync(logs[0], JSON.stringify(broken));
            fs.rmSync(out);
            execFileSync(tool!, ["validate", logs[0], "--output", out, "--level", "Error;Warning"],
                { stdio: "pipe", env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" } });
            const found = JSON.parse(fs.readFileSync(out, "utf8")).runs.flatMap((r: any) => r.results ?? []).map((r: any) => r.ruleId);
            expect(found).toEqual(expect.arrayContaining(["SARIF1001", "SARIF2005"]));
        } finally {
            await pack.stop();
        }
    }, 300_000);
});
