// The benchmark's judgement of the goals, and what it says about where the time goes, from figures given here
// (the benchmark itself is run by `npm run bench`, not by the tests).

import { roleOf } from "../../bench/measure";
import { BenchResults, Row, evaluateGoals, renderMarkdown, replaceDocTable } from "../../bench/report";
import { Series, medianByRole } from "../../bench/suite";

function series(resources: number, wallMs: number, peakRssMb = 500, cpuByRole: Record<string, number> = {}): Series {
    const run = { wallMs, cpuMs: wallMs * 1.5, peakRssMb, peakProcesses: 3, exitCode: 0, loadBefore: 0.5, loadAfter: 0.5,
                  cpuByRole };
    return { resources, runs: [run], medianWallMs: wallMs, medianCpuMs: run.cpuMs,
             medianCpuByRole: medianByRole([run]), peakRssMb };
}

function row(target: string, projects: number, resources: number, planMs: number, checkMs: number, peak = 500): Row {
    return { target, stack: `${target}-stack`, projects, requested: [projects], plan: series(resources, planMs),
             check: series(resources, checkMs, peak, { cli: 1000, "policy pack": 2000, "program x": 3000 }) };
}

function results(rows: Row[], combinedMs?: number, combinedPeak = 900): BenchResults {
    return {
        date: "2026-11-29T00:00:00.000Z",
        machine: { cpuModel: "test", cores: 2, memoryGb: 24, node: "v20", platform: "linux", commit: "abc" } as any,
        settings: { projects: [10, 500], targets: ["a", "b", "c"], runs: 1, largeRuns: 1, largeFrom: 500 },
        rows,
        combined: combinedMs === undefined ? undefined : {
            projects: 100,
            stacks: [{ stack: "a", projects: 100 }, { stack: "b", projects: 100 }, { stack: "c", projects: 80 }],
            series: series(5900, combinedMs, combinedPeak),
        },
        goals: [],
    };
}

const goal = (r: BenchResults, starts: string) => evaluateGoals(r).find(g => g.goal.startsWith(starts))!;

describe("goals of issue 8", () => {
    test("three stacks at 100 projects: met under 15 s, not met at or over it", () => {
        expect(goal(results([], 14_900), "all three").met).toBe(true);
        expect(goal(results([], 15_000), "all three").met).toBe(false);
        expect(goal(results([]), "all three").met).toBeNull();
    });

    test("linear growth: the time per resource at the largest size must not exceed the smallest's", () => {
        const linear = results([row("a", 10, 250, 3000, 5000), row("a", 500, 10_000, 60_000, 100_000)]);
        expect(goal(linear, "time per resource").met).toBe(true);
        const worse = results([row("a", 10, 250, 3000, 5000), row("a", 500, 10_000, 150_000, 250_000)]);
        expect(goal(worse, "time per resource").met).toBe(false);
    });

    test("memory: the highest peak of any plan, check or the combined run must stay under 1.5 GB", () => {
        expect(goal(results([row("a", 10, 250, 3000, 5000, 1400)], 10_000, 1500), "peak memory").met).toBe(true);
        const over = goal(results([row("a", 10, 250, 3000, 5000, 1600)], 10_000, 900), "peak memory");
        expect(over.met).toBe(false);
        expect(over.detail).toContain("check a-stack at 10");
    });

    test("policy evaluation: what the check adds to the plan, under half of the plan, names the stacks over", () => {
        expect(goal(results([row("a", 10, 250, 4000, 5900)]), "policy evaluation").met).toBe(true);
        const over = goal(results([row("a", 10, 250, 4000, 5900), row("b", 10, 250, 4000, 6000)]), "policy evaluation");
        expect(over.met).toBe(false);
        expect(over.detail).toBe("over: b-stack at 10 +50%");
    });
});

describe("where the CPU goes", () => {
    test("each process of a run is counted under its role, every stack's program as a program", () => {
        expect(roleOf(["/usr/bin/node", "/repo/engine/program/host/language-host.js", "azure-prod"])).toBe("program azure-prod");
        expect(roleOf(["/usr/bin/node", "/repo/node_modules/@pulumi/pulumi/cmd/run-policy-pack", "127.0.0.1:0", "bin"]))
            .toBe("policy pack");
        expect(roleOf(["/usr/bin/node", "/repo/cli/bin/warehouse-check.js", "check"])).toBe("cli");
        expect(medianByRole([
            { cpuByRole: { cli: 1000, "program a": 2000, "program b": 3000 } },
            { cpuByRole: { cli: 3000, "program a": 4000, "policy pack": 500 } },
        ])).toEqual({ cli: 2000, "policy pack": 250, programs: 4500 });
    });

    test("the Markdown table says, per check, how the CPU time splits between programs, pack and CLI", () => {
        const md = renderMarkdown({ ...results([row("a", 10, 250, 3000, 5000)], 12_000) });
        expect(md).toContain("- CPU s by process, check a-stack at 10: programs 3.0, policy pack 2.0, cli 1.0");
        const doc = "intro\n<!-- bench:results:start -->\nold\n<!-- bench:results:end -->\nrest";
        expect(replaceDocTable(doc, md)).toBe(`intro\n<!-- bench:results:start -->\n${md}\n<!-- bench:results:end -->\nrest`);
        expect(() => replaceDocTable("no markers", md)).toThrow(/bench:results:start/);
    });
});
