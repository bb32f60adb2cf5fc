// `npm run bench`: the offline plan and policy check at the scale of a national platform. For each target and each
// research-project count it measures `plan` alone and `check` (plan + policy pack) of one stack, then `check` of
// every selected stack in one CLI run, the type check and the test suite; prints a table, writes the results as
// JSON and, with --update-doc, the table of docs/benchmark.md. docs/benchmark.md explains the method.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { describeMachine } from "./machine";
import { canSampleTree } from "./measure";
import { BenchResults, DEFAULT_RESULTS, Row, evaluateGoals, renderMarkdown, renderText, replaceDocTable } from "./report";
import { STACKS, writeScenario } from "./scenario";
import { Mode, cliSeries, testSuite, typecheck } from "./suite";

const REPO = path.resolve(__dirname, "..");
const DEFAULT_OUTPUT = path.join(REPO, DEFAULT_RESULTS);
const DOC = path.join(REPO, "docs", "benchmark.md");
/** Counts from which a series runs `--large-runs` times instead of `--runs` (a 500-project run takes a minute). */
const LARGE = 500;

const USAGE = `usage: npm run bench -- [--projects 10,100,500] [--targets azure,ovh,cloudtemple] [--runs 3]
                      [--large-runs 1] [--combined 100] [--skip-typecheck] [--skip-tests]
                      [--node PATH] [--output FILE] [--update-doc]

  --projects N,...     research-project counts to measure (default 10,100,500)
  --targets T,...      targets: azure (azure-prod), ovh (ovh-rehearsal), cloudtemple (cloudtemple-rehearsal)
  --runs N             runs per measurement, the median is reported (default 3)
  --large-runs N       runs per measurement at ${LARGE} projects and more (default 1)
  --combined N         also check every selected stack in one CLI run at N projects (default 100; 0 to skip)
  --skip-typecheck     do not time \`tsc --noEmit\`
  --skip-tests         do not time the jest suite
  --node PATH          run the CLI with this Node binary (default: the one running the bench); the type check
                       and the tests keep the running one
  --output FILE        the results JSON (default ${DEFAULT_RESULTS}, git-ignored)
  --update-doc         rewrite the results section of docs/benchmark.md with this run's table

quick look: npm run bench -- --projects 10,100 --runs 1 --targets ovh --skip-tests --skip-typecheck`;

function positiveInts(flag: string, value: string): number[] {
    const numbers = value.split(",").map(s => Number(s.trim()));
    if (numbers.some(n => !Number.isInteger(n) || n < 1)) {
        throw new Error(`--${flag} expects positive whole numbers separated by commas, got '${value}'`);
    }
    return numbers;
}

/** A Node binary given with --node, checked to run; its absolute path. */
function nodeBinary(value: string): string {
    const file = path.resolve(value);
    try {
        execFileSync(file, ["--version"], { stdio: "ignore" });
    } catch (err) {
        throw new Error(`--node: ${value} does not run as a Node binary (${(err as Error).message.split("\n")[0]})`);
    }
    return file;
}

function options(argv: string[]) {
    const { values } = parseArgs({
        args: argv,
        options: {
            projects: { type: "string", default: "10,100,500" },
            targets: { type: "string", default: Object.keys(STACKS).join(",") },
            runs: { type: "string", default: "3" },
            "large-runs": { type: "string", default: "1" },
            combined: { type: "string", default: "100" },
            "skip-typecheck": { type: "boolean", default: false },
            "skip-tests": { type: "boolean", default: false },
            node: { type: "string" },
            output: { type: "string", default: DEFAULT_OUTPUT },
            "update-doc": { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
    });
    const targets = values.targets!.split(",").map(t => t.trim());
    const unknown = targets.filter(t => !STACKS[t]);
    if (unknown.length) throw new Error(`--targets: unknown ${unknown.join(", ")}; known: ${Object.keys(STACKS).join(", ")}`);
    const combined = values.combined === "0" ? 0 : positiveInts("combined", values.combined!)[0];
    return {
        help: values.help!,
        projects: [...new Set(positiveInts("projects", values.projects!))].sort((a, b) => a - b),
        targets,
        runs: positiveInts("runs", values.runs!)[0],
        largeRuns: positiveInts("large-runs", values["large-runs"]!)[0],
        combined,
        typecheck: !values["skip-typecheck"],
        tests: !values["skip-tests"],
        node: values.node === undefined ? process.execPath : nodeBinary(values.node),
        output: path.resolve(values.output!),
        updateDoc: values["update-doc"]!,
    };
}

/**
 * The most research projects each stack supports, where a target has a hard limit: Cloud Temple gives each project
 * an AdminNetworkPolicy priority, and OVN-Kubernetes implements priorities 0 to 99 only.
 */
function projectCaps(): Record<string, number> {
    const egress = require("../stacks/cloudtemple/egress") as typeof import("../stacks/cloudtemple/egress");
    return { [STACKS.cloudtemple]: egress.LAST_SUPPORTED_PRIORITY - egress.FIRST_PROJECT_PRIORITY + 1 };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(argv: string[]): Promise<number> {
    const opts = options(argv);
    if (opts.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (!canSampleTree()) {
        process.stderr.write("bench: needs Linux /proc (per-task children lists) to measure the process tree's memory\n");
        return 2;
    }
    const machine = describeMachine(REPO, opts.node);
    const caps = projectCaps();
    const stacks = opts.targets.map(t => STACKS[t]);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "warehouse-bench-reports-"));
    const log = (line: string) => process.stderr.write(`${line}\n`);
    log(`bench: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; ` +
        `load ${os.loadavg()[0].toFixed(2)}`);

    const rows: Row[] = [];
    let combined: BenchResults["combined"];
    const scenarios = new Map<number, ReturnType<typeof writeScenario>>();
    const scenario = (count: number) => {
        if (!scenarios.has(count)) scenarios.set(count, writeScenario(REPO, count, Object.values(STACKS), caps));
        return scenarios.get(count)!;
    };
    try {
        // One unrecorded check first: it builds the policy pack's transpiled copy if a source changed and warms the
        // file cache, which every later run would otherwise find in a different state than the first.
        log("bench: warm-up check (not recorded)");
        await cliSeries("check", { repo: REPO, programDir: scenario(opts.projects[0]).dir, stacks: [stacks[0]],
                                   runs: 1, scratch, node: opts.node });

        for (const count of opts.projects) {
            for (const target of opts.targets) {
                const stack = STACKS[target];
                const projects = Math.min(count, caps[stack] ?? count);
                const existing = rows.find(r => r.target === target && r.projects === projects);
                if (existing) {
                    existing.requested.push(count);
                    continue;
                }
                const runs = count >= LARGE ? opts.largeRuns : opts.runs;
                const series: Partial<Record<Mode, Awaited<ReturnType<typeof cliSeries>>>> = {};
                for (const mode of ["plan", "check"] as const) {
                    log(`bench: ${mode} ${stack} at ${projects} projects, ${runs} run(s)`);
                    series[mode] = await cliSeries(mode, {
                        repo: REPO, programDir: scenario(count).dir, stacks: [stack], runs, scratch, node: opts.node,
                        onRun: (_m, r) => log(`  ${seconds(r.wallMs)} wall, ${seconds(r.cpuMs)} CPU, ` +
                            `${r.peakRssMb.toFixed(0)} MB peak, load ${r.loadBefore.toFixed(2)}`),
                    });
                    if (series[mode]!.error) log(`  failed: ${series[mode]!.error}`);
                }
                rows.push({ target, stack, projects, requested: [count], cap: caps[stack], plan: series.plan!,
                            check: series.check! });
            }
        }

        if (opts.combined > 0) {
            log(`bench: check of ${stacks.join(", ")} in one run at ${opts.combined} projects, ${opts.runs} run(s)`);
            const series = await cliSeries("check", {
                repo: REPO, programDir: scenario(opts.combined).dir, stacks, runs: opts.runs, scratch, node: opts.node,
                onRun: (_m, r) => log(`  ${seconds(r.wallMs)} wall, ${seconds(r.cpuMs)} CPU, ` +
                    `${r.peakRssMb.toFixed(0)} MB peak, load ${r.loadBefore.toFixed(2)}`),
            });
            if (series.error) log(`  failed: ${series.error}`);
            combined = {
                projects: opts.combined,
                stacks: stacks.map(s => ({ stack: s, projects: Math.min(opts.combined, caps[s] ?? opts.combined) })),
                series,
            };
        }
    } finally {
        for (const s of scenarios.values()) s.remove();
    }

    let typecheckRun: BenchResults["typecheck"];
    if (opts.typecheck) {
        log("bench: tsc --noEmit -p tsconfig.json (1 run)");
        typecheckRun = await typecheck(REPO);
        log(`  ${seconds(typecheckRun.wallMs)}, ${typecheckRun.peakRssMb.toFixed(0)} MB peak: ${typecheckRun.outcome}`);
    }
    let testsRun: BenchResults["tests"];
    if (opts.tests) {
        log("bench: jest, the whole suite (1 run)");
        testsRun = await testSuite(REPO, scratch);
        log(`  ${seconds(testsRun.wallMs)}, ${testsRun.peakRssMb.toFixed(0)} MB peak: ${testsRun.outcome}`);
    }
    fs.rmSync(scratch, { recursive: true, force: true });

    const results: BenchResults = {
        date: new Date().toISOString(),
        machine,
        settings: { projects: opts.projects, targets: opts.targets, runs: opts.runs, largeRuns: opts.largeRuns,
                    largeFrom: LARGE },
        rows,
        combined,
        typecheck: typecheckRun,
        tests: testsRun,
        goals: [],
    };
    results.goals = evaluateGoals(results);
    fs.mkdirSync(path.dirname(opts.output), { recursive: true });
    fs.writeFileSync(opts.output, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(renderText(results));
    process.stdout.write(`\nresults: ${path.relative(process.cwd(), opts.output)}\n`);
    if (opts.updateDoc) {
        fs.writeFileSync(DOC, replaceDocTable(fs.readFileSync(DOC, "utf8"), renderMarkdown(results)));
        process.stdout.write(`table written to ${path.relative(process.cwd(), DOC)}\n`);
    }
    return 0;
}

main(process.argv.slice(2)).then(code => { process.exitCode = code; }, err => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
});
