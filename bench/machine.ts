// The machine a benchmark ran on: figures mean nothing without it.

import { execFileSync } from "child_process";
import * as os from "os";

export interface Machine {
    readonly cpuModel: string;
    readonly cores: number;
    readonly memoryGb: number;
    readonly node: string;
    readonly platform: string;
    /** The commit measured, and whether the work tree had changes on top of it. */
    readonly commit: string;
}

/** `node`: the Node binary the measured runs use (the running one by default). */
export function describeMachine(repo: string, node = process.execPath): Machine {
    const cpus = os.cpus();
    return {
        cpuModel: cpus[0]?.model.trim() || "unknown",
        cores: typeof os.availableParallelism === "function" ? os.availableParallelism() : cpus.length,
        memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
        node: node === process.execPath ? process.version : execFileSync(node, ["--version"], { encoding: "utf8" }).trim(),
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        commit: commitOf(repo),
    };
}

function commitOf(repo: string): string {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    try {
        const head = git("rev-parse", "--short", "HEAD");
        return git("status", "--porcelain").length > 0 ? `${head} + uncommitted changes` : head;
    } catch {
        return "not a git checkout";
    }
}
