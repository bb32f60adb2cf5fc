// `rehearse data`: the data-move rehearsal as a command. The CLI mounts `runDataRehearsal`; `main.ts` beside this
// file runs it on its own. Exit codes: 0 every proof holds; 1 a proof failed; 2 bad usage; 3 the rehearsal could
// not run (a dependency such as SoftHSM is missing, a server did not start).

import { Writable } from "stream";
import { formatBytes } from "../mover/progress";
import { formatDuration, parseBandwidth, parseSize } from "../mover/projection";
import { DEFAULT_OPTIONS, RehearsalOptions, RehearsalResult, rehearse } from "./rehearse";
import { MissingDependency } from "./softhsm";

export interface DataRehearsalIo {
    readonly stdout: Writable;
    readonly stderr: Writable;
}

export const USAGE = `usage: rehearse data [options]
  Seeds synthetic research data in a local Azure Blob emulator, moves it to a local S3 server with re-encryption
  under SoftHSM keys, kills and resumes the mover, damages the target, and proves each step.
options:
  --small N           small files per container (default ${DEFAULT_OPTIONS.smallPerContainer})
  --large N           large files in total (default ${DEFAULT_OPTIONS.largeCount})
  --large-mib N       size of a large file in MiB (default ${DEFAULT_OPTIONS.largeBytes / 1024 / 1024})
  --concurrency N     objects in flight in the mover (default ${DEFAULT_OPTIONS.concurrency})
  --volume SIZE       production volume to project onto, e.g. 250TiB (default ${DEFAULT_OPTIONS.production.volume})
  --objects N         production object count (default ${DEFAULT_OPTIONS.production.objects})
  --bandwidth RATE    link to the target, e.g. 10Gbit/s (default ${DEFAULT_OPTIONS.production.bandwidth})
  --pods N            mover pods running at once in production (default ${DEFAULT_OPTIONS.production.pods})
  --rtt-ms N          round trip to source and target in production, ms (default ${DEFAULT_OPTIONS.production.roundTripMs})
  --work-dir DIR      work here and keep it (default: a temporary directory, removed)
  --json              print the result as JSON on stdout
`;

class UsageError extends Error {}

export function parseRehearsalArgs(argv: readonly string[]): { options: RehearsalOptions; json: boolean } {
    let options: RehearsalOptions = { ...DEFAULT_OPTIONS, production: { ...DEFAULT_OPTIONS.production } };
    let json = false;
    const positive = (flag: string, v: string | undefined) => {
        const n = Number(v);
        if (v === undefined || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a whole number of at least 1, got ${v === undefined ? "nothing" : `"${v}"`}`);
        return n;
    };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => argv[++i];
        switch (flag) {
            case "--small": options = { ...options, smallPerContainer: positive(flag, value()) }; break;
            case "--large": options = { ...options, largeCount: positive(flag, value()) }; break;
            case "--large-mib": options = { ...options, largeBytes: positive(flag, value()) * 1024 * 1024 }; break;
            case "--concurrency": options = { ...options, concurrency: positive(flag, value()) }; break;
            case "--objects": options = { ...options, production: { ...options.production, objects: positive(flag, value()) } }; break;
            case "--pods": options = { ...options, production: { ...options.production, pods: positive(flag, value()) } }; break;
            case "--rtt-ms": options = { ...options, production: { ...options.production, roundTripMs: positive(flag, value()) } }; break;
            case "--volume": {
                const v = value() ?? "";
                try { parseSize(v); } catch (e) { throw new UsageError(`--volume: ${(e as Error).message}`); }
                if (parseSize(v) <= 0) throw new UsageError(`--volume: more than nothing to project onto, got "${v}"`);
                options = { ...options, production: { ...options.production, volume: v } };
                break;
            }
            case "--bandwidth": {
                const v = value() ?? "";
                try { parseBandwidth(v); } catch (e) { throw new UsageError(`--bandwidth: ${(e as Error).message}`); }
                if (parseBandwidth(v) <= 0) throw new UsageError(`--bandwidth: a link faster than nothing, got "${v}"`);
                options = { ...options, production: { ...options.production, bandwidth: v } };
                break;
            }
            case "--work-dir": {
                const v = value();
                if (!v) throw new UsageError("--work-dir needs a directory");
                options = { ...options, workDir: v, keep: true };
                break;
            }
            case "--json": json = true; break;
            case "--help": case "-h": throw new UsageError("");
            default: throw new UsageError(`unknown option ${flag}`);
        }
    }
    return { options, json };
}

/** The `rehearse data` command. Returns the exit code; never calls process.exit. */
export async function runDataRehearsal(argv: string[], io: DataRehearsalIo): Promise<number> {
    let parsed;
    try {
        parsed = parseRehearsalArgs(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        io.stderr.write(`${e.message ? `rehearse data: ${e.message}\n` : ""}${USAGE}`);
        return e.message ? 2 : 0;
    }
    try {
        const result = await rehearse(parsed.options, io);
        const failed = result.proofs.filter(p => !p.ok);
        if (parsed.json) {
            io.stdout.write(JSON.stringify(toJson(result), null, 2) + "\n");
        } else {
            io.stdout.write(`${failed.length === 0 ? "data move rehearsed" : "data move rehearsal FAILED"}: ` +
                `${result.proofs.length - failed.length}/${result.proofs.length} proofs hold, ${result.seeded.length} objects ` +
                `(${formatBytes(result.seeded.reduce((n, o) => n + o.size, 0))}) in ${result.seconds.toFixed(1)} s; ` +
                `projected production move: ${formatDuration(result.projection.seconds)} (${result.projection.bottleneck})\n`);
        }
        return failed.length === 0 ? 0 : 1;
    } catch (e) {
        io.stderr.write(`rehearse data: ${(e as Error).message}\n`);
        if (!(e instanceof MissingDependency)) io.stderr.write(`${(e as Error).stack ?? ""}\n`);
        return 3;
    }
}

/** The result as data: what each proof rests on, for CI logs and for the end-to-end test that runs this command. */
export function toJson(result: RehearsalResult): Record<string, unknown> {
    const stored = [...result.storedDuringMove.values()];
    return {
        ok: result.proofs.every(p => p.ok),
        seconds: result.seconds,
        proofs: result.proofs,
        seeded: { objects: result.seeded.length, bytes: result.seeded.reduce((n, o) => n + o.size, 0), sizes: result.seeded.map(o => o.size) },
        interrupted: { signal: result.interrupted.run.signal, code: result.interrupted.run.code, recordedAtKill: result.interrupted.recordedAtKill },
        resumed: { code: result.resumed.run.code, summary: result.resumed.summary },
        storedDuringMove: { objects: stored.length, storedMoreThanOnce: stored.filter(n => n > 1).length, stores: stored.reduce((a, b) => a + b, 0) },
        delta: { summary: result.delta.summary, targetWrites: result.delta.stored.length },
        verifyClean: result.verifyClean,
        verifyTampered: result.verifyTampered,
        throughputBytesPerSecond: result.throughputBytesPerSecond,
        projection: result.projection,
    };
}
