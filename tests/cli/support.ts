// Runs the CLI in-process (the programs and the pack still run in their own processes, as in production) and
// keeps what it printed.

import * as path from "path";
import { main } from "../../cli/main";

export const ROOT = path.resolve(__dirname, "../..");
export const FIXTURES = path.join(ROOT, "tests", "fixtures");
export const PROGRAMS = path.join(FIXTURES, "programs");
export const MINIMAL_PACK = path.join(FIXTURES, "packs", "minimal");

export interface CliRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export async function cli(args: readonly string[],
                          options: { cwd?: string; env?: NodeJS.ProcessEnv; now?: Date; interactive?: boolean } = {}): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, ...options.env },
        out: t => { stdout += t; },
        err: t => { stderr += t; },
        ...(options.now ? { now: () => options.now! } : {}),
        interactive: options.interactive ?? false,
    });
    return { code, stdout, stderr };
}

export function program(name: string): string {
    return path.join(PROGRAMS, name);
}
