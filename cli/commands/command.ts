// What a command is: its name, help, flags (node:util parseArgs syntax) and a handler loaded on demand, so that
// `--help` and usage errors never pay for loading the engine.

import type { ParseArgsConfig } from "node:util";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** Where a command writes; the entry point passes the process's streams, tests pass buffers. */
export interface Io {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    out(text: string): void;
    err(text: string): void;
    /** The clock: exemption countdowns are counted from its day (tests inject one). Default: the system clock. */
    now?(): Date;
    /** Whether `err` is a terminal (progress is shown only there). */
    readonly interactive?: boolean;
}

export interface Command {
    readonly name: string;
    readonly summary: string;
    /** Usage lines and option descriptions, shown by `--help`. */
    readonly help: string;
    readonly options: OptionsConfig;
    /** Commands under this one (e.g. `rehearse data`): the first positional selects one. */
    readonly subcommands?: readonly Command[];
    /** Runs the command with its parsed flags; resolves to the exit code (0 or 1); throws to fail. */
    run(values: Record<string, unknown>, positionals: string[], io: Io): Promise<number>;
}
