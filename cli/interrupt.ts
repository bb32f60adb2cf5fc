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

/**
 * For the installed command only (tests call `main` in-process): on SIGINT or SIGTERM, clean up, say so, and exit
 * with the shell's code for the signal (130, 143).
 */
export function installInterruptHandlers(write: (text: string) => void = t => process.stderr.write(t)): void {
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
        process.once(signal, () => {
            const had = cleanups.size > 0;
            runCleanups();
            write(`\n${signal === "SIGINT" ? "interrupted" : "stopped"}${had ? ": temporary files removed" : ""}\n`);
            process.exit(code);
        });
    }
}
