// Runs one command and measures it as a user would feel it: wall time, CPU time and peak memory of the WHOLE process
// tree. The CLI forks one process per stack program and spawns the policy pack, so the parent's own figures (or
// `/usr/bin/time`, which reports the largest single process) would miss most of the work.
//
// Memory is sampled from /proc every SAMPLE_MS: the sum of the resident set of every live process of the tree.
// Summing RSS counts shared pages (the node binary, shared libraries) once per process, so the figure is a slight
// over-estimate, which is the safe side for a memory budget. CPU time is the user + system time each process had
// used at its last sample (a process that lives less than one interval is missed; none of the CLI's do).

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";

const SAMPLE_MS = 50;
const PAGE_BYTES = 4096;
const CLOCK_TICKS = 100;

export interface Measurement {
    readonly wallMs: number;
    readonly cpuMs: number;
    readonly peakRssMb: number;
    /** Largest number of processes seen at once (the CLI, its programs, the pack). */
    readonly peakProcesses: number;
    readonly exitCode: number;
    /** 1-minute load average just before and just after the run: above the core count, figures are inflated. */
    readonly loadBefore: number;
    readonly loadAfter: number;
    /** CPU time by role (the CLI, the policy pack, each stack's program), to show where the time goes. */
    readonly cpuByRole: Readonly<Record<string, number>>;
    readonly stderr: string;
}

export interface RunSpec {
    readonly command: string;
    readonly args: readonly string[];
    readonly cwd: string;
    /** Where the command's stdout goes (a report the caller parses); discarded when unset. */
    readonly stdoutFile?: string;
    readonly env?: NodeJS.ProcessEnv;
}

/** Whether this machine exposes what the sampler reads (Linux /proc with per-task children lists). */
export function canSampleTree(): boolean {
    return fs.existsSync(`/proc/${process.pid}/task/${process.pid}/children`);
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined; // the process ended between listing and reading
    }
}

function childrenOf(pid: number): number[] {
    let tasks: string[];
    try {
        tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
        return [];
    }
    return tasks.flatMap(t => (read(`/proc/${pid}/task/${t}/children`) ?? "").split(/\s+/).filter(Boolean).map(Number));
}

/**
 * What a process of the tree is, from its command line: the program of a stack (the language host is forked with
 * the stack's name as its argument), the policy pack, or the CLI itself.
 */
export function roleOf(argv: readonly string[]): string {
    const host = argv.findIndex(a => a.endsWith("language-host.js"));
    if (host >= 0) return `program ${argv[host + 1] ?? ""}`.trim();
    if (argv.some(a => a.endsWith("run-policy-pack") || a.endsWith("run-policy-pack/index.js"))) return "policy pack";
    if (argv.some(a => a.endsWith("warehouse-check.js"))) return "cli";
    return argv.map(a => a.split("/").pop()).join(" ").slice(0, 40) || "other";
}

/** Resident bytes and CPU ticks (user + system) of one process, or undefined once it is gone. */
function usage(pid: number): { rss: number; ticks: number } | undefined {
    const statm = read(`/proc/${pid}/statm`);
    const stat = read(`/proc/${pid}/stat`);
    if (!statm || !stat) return undefined;
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { rss: Number(statm.split(" ")[1]) * PAGE_BYTES, ticks: Number(fields[11]) + Number(fields[12]) };
}

export function measure(spec: RunSpec): Promise<Measurement> {
    return new Promise((resolve, reject) => {
        const loadBefore = os.loadavg()[0];
        const out = spec.stdoutFile ? fs.openSync(spec.stdoutFile, "w") : "ignore";
        const started = process.hrtime.bigint();
        const child = spawn(spec.command, [...spec.args], {
            cwd: spec.cwd,
            env: spec.env ?? process.env,
            stdio: ["ignore", out, "pipe"],
        });
        if (typeof out === "number") fs.closeSync(out);
        let stderr = "";
        child.stderr!.on("data", d => { stderr = (stderr + d.toString()).slice(-20_000); });
        const ticks = new Map<number, number>();
        const roles = new Map<number, string>();
        let peakRss = 0;
        let peakProcesses = 0;
        const sample = () => {
            if (child.pid === undefined) return;
            const tree: number[] = [];
            const queue = [child.pid];
            while (queue.length) {
                const pid = queue.pop()!;
                tree.push(pid);
                queue.push(...childrenOf(pid));
            }
            let rss = 0;
            let alive = 0;
            for (const pid of tree) {
                const u = usage(pid);
                if (!u) continue;
                alive++;
                rss += u.rss;
                ticks.set(pid, u.ticks);
                // Read every time: a child just forked shows its parent's command line until it executes. A process
                // that has exited and is not yet reaped has none.
                const argv = (read(`/proc/${pid}/cmdline`) ?? "").split("\0").filter(Boolean);
                if (argv.length) roles.set(pid, roleOf(argv));
            }
            peakRss = Math.max(peakRss, rss);
            peakProcesses = Math.max(peakProcesses, alive);
        };
        const timer = setInterval(sample, SAMPLE_MS);
        sample();
        child.on("error", err => { clearInterval(timer); reject(err); });
        child.on("exit", code => {
            clearInterval(timer);
            const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
            let cpuTicks = 0;
            const cpuByRole: Record<string, number> = {};
            for (const [pid, t] of ticks) {
                cpuTicks += t;
                const role = roles.get(pid) ?? "other";
                cpuByRole[role] = (cpuByRole[role] ?? 0) + (t * 1000) / CLOCK_TICKS;
            }
            resolve({
                wallMs,
                cpuMs: (cpuTicks * 1000) / CLOCK_TICKS,
                peakRssMb: peakRss / 1048576,
                peakProcesses,
                exitCode: code ?? 128,
                loadBefore,
                loadAfter: os.loadavg()[0],
                cpuByRole,
                stderr,
            });
        });
    });
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
