// The three ways a run can fail, and the one place that turns an outcome into an exit code.
// (ExternalError is the engine's and the migration's; UsageError and the exit codes belong to the command line.)
// - UsageError: the command line is wrong (unknown flag, missing value): one line, and where to find the usage.
// - ExternalError: the input is wrong or something outside us failed (unknown stack, a program that throws, missing
//   config, a broken policy pack, git): one line naming the cause, no stack trace.
// - anything else is an internal error (a bug in this tool): the stack trace is shown, for the bug report.

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
export function reportFailure(err: unknown, program: string): FailureReport {
    if (err instanceof UsageError) {
        return { code: EXIT.failed, lines: [`${program}: ${err.message} (see '${program} --help')`] };
    }
    if (err instanceof ExternalError) {
        return { code: EXIT.failed, lines: [`${program}: error: ${oneLine(err.message)}`] };
    }
    const detail = err instanceof Error ? err.stack ?? err.message : String(err);
    return { code: EXIT.failed, lines: [`${program}: internal error (a bug in ${program}, please report it):`, detail] };
}

/** The verdict's exit code: 1 when any stack has a mandatory finding that no exemption covers. */
export function verdictExitCode(summary: { readonly mandatory: number }): ExitCode {
    return summary.mandatory > 0 ? EXIT.violations : EXIT.ok;
}
