// The mover's command line, as the container image runs it:
//   data-mover move   --plan plan.json [--shard-index I --shard-count N] [--manifest FILE] [--no-delta-pass]
//   data-mover verify --plan plan.json [--shard-index I --shard-count N] [--read-source]
//   data-mover inventory --plan plan.json          (the source's figures for the projection, from listings)
// In an indexed Job the shard index comes from JOB_COMPLETION_INDEX and the count from SHARD_COUNT.
// Exit codes: 0 done and proven; 1 verification found problems; 2 bad usage, plan or configuration, refused
// credentials or a failed pre-flight (retrying cannot help: the Job stops); 3 objects failed to copy, or the mover
// could not finish (a retry may help).

import * as path from "path";
import { Writable } from "stream";
import { KeyServiceAuthError } from "../keys/key-errors";
import { ControlError } from "./control";
import { cryptoEncryptor, CryptoPool } from "./crypto-pool";
import { inventory } from "./inventory";
import { Manifest, ManifestError } from "./manifest";
import { FatalError, MoveSummary, move } from "./mover";
import { PreflightError } from "./preflight";
import { Progress } from "./progress";
import { EndpointError } from "./requests";
import { PlanError, openContext, readPlan } from "./settings";
import { RateLimiter } from "./throttle";
import { VerifyReport, verify } from "./verify";

export interface CommandIo {
    readonly stdout: Writable;
    readonly stderr: Writable;
    /** Whether a person watches (progress bar) or a collector reads (JSON lines). */
    readonly tty?: boolean;
    readonly env?: Readonly<Record<string, string | undefined>>;
}

export const EXIT = { ok: 0, problems: 1, usage: 2, failure: 3 } as const;

export class UsageError extends Error {}

interface Parsed {
    command: "move" | "verify" | "inventory";
    plan: string;
    shardIndex: number;
    shardCount: number;
    manifest: string;
    readSource: boolean;
    deltaPass: boolean;
}

export function parseMoverArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Parsed {
    const [command, ...rest] = argv;
    if (command !== "move" && command !== "verify" && command !== "inventory") {
        throw new UsageError(`expected "move", "verify" or "inventory", got ${command === undefined ? "nothing" : `"${command}"`}`);
    }
    const flags = new Map<string, string>();
    const switches = new Set<string>();
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === "--read-source" || a === "--no-delta-pass") { switches.add(a); continue; }
        if (a === "--help" || a === "-h") throw new UsageError(USAGE);
        if (!["--plan", "--shard-index", "--shard-count", "--manifest"].includes(a)) throw new UsageError(`unknown option ${a}`);
        const v = rest[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        flags.set(a, v);
    }
    const plan = flags.get("--plan") ?? env.MOVER_PLAN;
    if (!plan) throw new UsageError("--plan FILE is required (or MOVER_PLAN)");
    const int = (text: string | undefined, what: string, fallback: number) => {
        if (text === undefined || text === "") return fallback;
        const n = Number(text);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`${what} must be a whole number, got "${text}"`);
        return n;
    };
    const shardIndex = int(flags.get("--shard-index") ?? env.JOB_COMPLETION_INDEX, "--shard-index", 0);
    const shardCount = int(flags.get("--shard-count") ?? env.SHARD_COUNT, "--shard-count", 1);
    if (shardCount < 1 || shardIndex >= shardCount) throw new UsageError(`shard ${shardIndex} of ${shardCount} does not exist`);
    const manifest = flags.get("--manifest") ??
        path.join(env.MANIFEST_DIR ?? "manifests", `shard-${String(shardIndex).padStart(3, "0")}-of-${shardCount}.jsonl`);
    return { command, plan, shardIndex, shardCount, manifest, readSource: switches.has("--read-source"), deltaPass: !switches.has("--no-delta-pass") };
}

export const USAGE = `usage: data-mover move   --plan FILE [--shard-index I --shard-count N] [--manifest FILE] [--no-delta-pass]
       data-mover verify --plan FILE [--shard-index I --shard-count N] [--read-source]
       data-mover inventory --plan FILE   (objects, bytes, share without Content-MD5: the projection's inputs)
  In an indexed Job, I and N come from JOB_COMPLETION_INDEX and SHARD_COUNT, the plan from MOVER_PLAN.
  --read-source   verify re-reads every source object (default: only those without a Content-MD5)
exit status: 0 done and proven; 1 verification found problems; 2 bad plan or configuration, refused credentials,
             failed pre-flight; 3 objects failed to copy, or the mover could not finish`;

/** Errors no retry can fix: the Job's podFailurePolicy fails the whole Job on their exit code. */
function isConfigurationError(e: unknown): boolean {
    return e instanceof PlanError || e instanceof PreflightError || e instanceof FatalError || e instanceof ControlError ||
        e instanceof ManifestError || e instanceof KeyServiceAuthError || (e instanceof EndpointError && e.kind === "auth");
}

export async function runMover(argv: readonly string[], io: CommandIo): Promise<number> {
    const env = io.env ?? process.env;
    if (argv[0] === "--help" || argv[0] === "-h") {
        io.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    let parsed: Parsed;
    let plan;
    try {
        parsed = parseMoverArgs(argv, env);
        plan = readPlan(parsed.plan);
    } catch (e) {
        if (e instanceof UsageError || e instanceof PlanError) {
            io.stderr.write(`data-mover: ${e.message}\n`);
            return EXIT.usage;
        }
        throw e;
    }
    const shard = { index: parsed.shardIndex, count: parsed.shardCount };
    const progress = new Progress(io, io.tty ?? false, { command: parsed.command, shard: shard.index });
    let opened;
    let manifest: Manifest | undefined;
    let pool: CryptoPool | undefined;
    try {
        opened = openContext(plan, shard, progress);
        if (parsed.command === "inventory") {
            const found = await inventory(opened.ctx);
            progress.log("info", "inventory", { total: found.total, histogram: found.histogram });
            return EXIT.ok;
        }
        if (parsed.command === "move") {
            manifest = Manifest.open(parsed.manifest);
            pool = plan.workers > 0 ? new CryptoPool(plan.workers) : undefined;
            const summary = await move(opened.ctx, manifest, {
                concurrency: plan.concurrency, segmentSize: plan.segmentSize, deltaPass: parsed.deltaPass,
                limiter: plan.maxBytesPerSecond ? new RateLimiter(plan.maxBytesPerSecond) : undefined,
                encryptor: pool ? cryptoEncryptor(pool) : undefined,
            });
            progress.log(summary.failed.length ? "error" : "info", "move finished", summaryFields(summary));
            return summary.failed.length ? EXIT.failure : EXIT.ok;
        }
        const report = await verify(opened.ctx, { concurrency: plan.concurrency, sourceCheck: parsed.readSource ? "reread" : "auto" });
        logReport(progress, report);
        return report.ok ? EXIT.ok : EXIT.problems;
    } catch (e) {
        const configuration = isConfigurationError(e);
        progress.log("error", configuration ? "the mover stopped: retrying cannot help" : "the mover could not finish",
            { error: (e as Error).message || (e as Error).name || String(e) });
        return configuration ? EXIT.usage : EXIT.failure;
    } finally {
        manifest?.close();
        opened?.close();
        await pool?.close();
    }
}

export function summaryFields(s: MoveSummary): Record<string, unknown> {
    return {
        listed: s.listed, listedBytes: s.listedBytes, skipped: s.skipped, copied: s.copied, adopted: s.adopted, recopied: s.recopied,
        failed: s.failed, deletedAtSource: s.deletedAtSource, retainedUnderOtherKey: s.retainedUnderOtherKey, movedBytes: s.movedBytes,
        keyServiceCalls: s.keyServiceCalls, seconds: Number(s.seconds.toFixed(3)), bytesPerSecond: Math.round(s.bytesPerSecond),
    };
}

export function logReport(progress: Progress, report: VerifyReport): void {
    progress.log(report.ok ? "info" : "error", report.ok ? "verification passed" : "verification FAILED", {
        source: report.source, target: report.target, checkedAgainst: report.checkedAgainst, problems: report.problems,
    });
}
