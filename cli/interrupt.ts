// Ctrl-C (SIGINT) or a stop (SIGTERM) in the middle of a command: what the command created outside the working tree
// (a temporary git worktree, a work directory) is removed before the process exits, as it would be on success.
// Commands register a synchronous cleanup for as long as the thing exists; the installed entry point runs them.

const cleanups = new Set<() => void>();

/** Registers `cleanup` for an interruption; call the returned function once the thing is gone. */
export function onInterrupt(cleanup: () => void): () => void {
    cleanups.add(cleanup);
    return () => { cleanups.delete(cleanup); };
}

/** Runs every registered cleanup (each at most once), the last registered first. */
export function runCleanups(): void {
    for (const cleanup of [...cleanups].reverse()) {
        cleanups.delete(cleanup);
        try {
            cleanup();
        } catch {
            // Best effort: the next cleanup still runs.
        }
    }
}

/** The processes this one started (Linux: from /proc; elsewhere none are known). */
function childProcesses(): number[] {
    const fs = require("fs") as typeof import("fs");
    if (!fs.existsSync("/proc/self/stat")) return [];
    const children: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            if (ppid === process.pid) children.push(Number(entry));
        } catch {
            // gone meanwhile
        }
    }
    return children;
}

/**
 * Stops the processes this one started (programs, the policy pack, local servers) and waits for them, up to two
 * seconds: a server that flushes its files on exit would otherwise write them back into a removed directory.
 */
function stopChildren(): void {
    const children = childProcesses();
    for (const pid of children) {
        try { process.kill(pid, "SIGTERM"); } catch { /* already gone */ }
    }
    // A child that ended is a zombie until this (blocked) process reaps it: state Z counts as gone.
    const alive = (pid: number) => {
        try {
            const stat = require("fs").readFileSync(`/proc/${pid}/stat`, "utf8") as string;
            return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
        } catch {
            return false;
        }
    };
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; waited < 2000 && children.some(alive); waited += 50) Atomics.wait(pause, 0, 0, 50);
}

/**
 * For the installed command only (tests call `main` in-process): on SIGINT or SIGTERM, clean up, say so, and exit
 * with the shell's code for the signal (130, 143).
 */
export function installInterruptHandlers(write: (text: string) => void = t => process.stderr.write(t)): void {
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
        process.once(signal, () => {
            const had = cleanups.size > 0;
            stopChildren();
            runCleanups();
            write(`\n${signal === "SIGINT" ? "interrupted" : "stopped"}${had ? ": temporary files removed" : ""}\n`);
            process.exit(code);
        });
    }
}
