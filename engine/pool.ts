// Runs asynchronous work with a bound on how much runs at once, keeping results in input order.

import * as os from "os";
import { ExternalError } from "./errors";

/** A count set in the environment: unset or empty means the default; anything but a whole number >= 1 is refused. */
function countSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const asked = Number(raw);
    if (!Number.isInteger(asked) || asked < 1) {
        throw new ExternalError(`${name}=${raw}: must be a whole number of 1 or more (unset: ${fallback})`);
    }
    return asked;
}

/** How many programs run side by side: one per core (each is a CPU-bound Node process). */
export function programConcurrency(env: NodeJS.ProcessEnv = process.env): number {
    return countSetting(env, "WAREHOUSE_CHECK_JOBS",
        Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length));
}

/**
 * How many policy packs judge stacks side by side. One by default: a pack judges one stack at a time, and on two
 * cores a second pack cost more (its own start and JIT warm-up) than it saved (docs/benchmark.md); stacks whose
 * programs run together share it (PackPool.lease). WAREHOUSE_CHECK_PACKS raises it on runners with more cores.
 */
export function packConcurrency(env: NodeJS.ProcessEnv = process.env): number {
    return countSetting(env, "WAREHOUSE_CHECK_PACKS", 1);
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    let failed = false;
    async function worker(): Promise<void> {
        while (!failed && next < items.length) {
            const i = next++;
            try {
                results[i] = await fn(items[i], i);
            } catch (err) {
                failed = true; // stop starting new work; the first failure is the one reported
                throw err;
            }
        }
    }
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
