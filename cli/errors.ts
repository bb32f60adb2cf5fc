// The three ways a run can fail, and the one place that turns an outcome into an exit code.
// (ExternalError is the engine's and the migration's; UsageError and the exit codes belong to the command line.)
// - UsageError: the command line is wrong (unknown flag, missing value): one line, and where to find the usage.
// - ExternalError: the input is wrong or something outside us failed (unknown stack, a program that throws, missing
//   config, a broken policy pack, git): one line naming the cause, no stack trace.
// - anything else is an internal error (a bug in this tool): its message, and its stack trace only when
//   WAREHOUSE_CHECK_DEBUG=1 asks for it (for the bug report); no error path prints a trace otherwise.

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

import { ExternalError, oneLine } from "../engine/errors";

/** Exit codes, as documented in docs/offline-check.md. */
export const EXIT = {
    /** No mandatory finding. */
    ok: 0,
    /** At least one mandatory finding. */
    violations: 1,
    /** Bad input, a failing program or pack, or a bug in this tool. */
    failed: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface FailureReport {
    readonly code: ExitCode;
    /** What to print on stderr. */
    readonly lines: readonly string[];
}

/** Decides how a failure is shown and which exit code it gets. The only place exit codes for errors are chosen. */
export function reportFailure(err: unknown, program: string, env: NodeJS.ProcessEnv = {}): FailureReport {
    if (err instanceof UsageError) {
        return { code: EXIT.failed, lines: [`${program}: ${err.message} (see '${program} --help')`] };
    }
    if (err instanceof ExternalError) {
        return { code: EXIT.failed, lines: externalLines(err.message).map((l, i) => (i === 0 ? `${program}: error: ${l}` : l)) };
    }
    const message = err instanceof Error ? err.message : String(err);
    const lines = [`${program}: internal error (a bug in ${program}, please report it): ${oneLine(message)}`];
    if (env.WAREHOUSE_CHECK_DEBUG === "1" && err instanceof Error && err.stack) lines.push(err.stack);
    else lines.push(`  (run again with WAREHOUSE_CHECK_DEBUG=1 for the stack trace to attach to the report)`);
    return { code: EXIT.failed, lines };
}

/**
 * An external error's message as printed: one line, except a configuration error, which keeps one problem per line
 * (`invalid configuration (N problems):` then the problems, indented). Stack frames are never printed.
 */
function externalLines(message: string): string[] {
    const lines = message.split("\n").filter(l => !/^\s+at\s/.test(l));
    const head = lines.findIndex(l => /invalid (policy )?configuration \(\d+ problems?\):\s*$/.test(l));
    const problems = lines.slice(head + 1).filter(l => l.trim());
    if (head < 0) return [oneLine(lines.join("\n"))];
    if (problems.length < 2) return [`${oneLine(lines.slice(0, head + 1).join("\n"))} ${problems.map(l => l.trim()).join("")}`];
    return [oneLine(lines.slice(0, head + 1).join("\n")), ...problems.map(l => `  ${l.trim()}`)];
}

/** The verdict's exit code: 1 when any stack has a mandatory finding that no exemption covers. */
export function verdictExitCode(summary: { readonly mandatory: number }): ExitCode {
    return summary.mandatory > 0 ? EXIT.violations : EXIT.ok;
}
