// Runs the mover as a separate process, exactly as a Job's container would, so the rehearsal can kill it for real.

import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface MoverRun {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** The mover's entry and how to start it: TypeScript through ts-node in the repository, plain JS when built. */
export function moverCommand(): { command: string; nodeArgs: string[]; script: string } {
    const ts = path.join(__dirname, "..", "mover", "main.ts");
    const js = path.join(__dirname, "..", "mover", "main.js");
    if (fs.existsSync(js)) return { command: process.execPath, nodeArgs: [], script: js };
    return { command: process.execPath, nodeArgs: ["-r", "ts-node/register/transpile-only"], script: ts };
}

export interface SpawnOptions {
    readonly env: Record<string, string>;
    /** Called while the process runs; return true to kill it with SIGKILL (no chance to clean up). */
    readonly killWhen?: () => boolean;
    /** Lets the caller kill the process at an exact moment (a front's byte count), with SIGKILL. */
    readonly onStart?: (kill: () => void) => void;
    /** Node options before the mover's entry, e.g. `-r` a preload that counts PKCS#11 logins. */
    readonly nodeArgs?: readonly string[];
    readonly timeoutMs?: number;
}

export function runMoverProcess(args: readonly string[], options: SpawnOptions): Promise<MoverRun> {
    const { command, nodeArgs, script } = moverCommand();
    const child: ChildProcess = spawn(command, [...nodeArgs, ...(options.nodeArgs ?? []), script, ...args], {
        cwd: path.join(__dirname, "..", ".."),
        // The SDK's notice about future Node versions is known: the versions are pinned for Node 20 on purpose.
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", d => { stdout += d; });
    child.stderr!.on("data", d => { stderr += d; });
    const watch = options.killWhen && setInterval(() => {
        if (child.exitCode === null && options.killWhen!()) child.kill("SIGKILL");
    }, 20);
    options.onStart?.(() => { if (child.exitCode === null) child.kill("SIGKILL"); });
    const timeout = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    return new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("close", (code, signal) => {
            if (watch) clearInterval(watch);
            clearTimeout(timeout);
            resolve({ code, signal, stdout, stderr });
        });
    });
}

/** The structured log lines a mover process printed (JSON lines on stdout when not on a terminal). */
export function logLines(stdout: string): any[] {
    return stdout.split("\n").filter(l => l.startsWith("{")).map(l => { try { return JSON.parse(l); } catch { return undefined; } }).filter(Boolean);
}
