// Flags shared by the commands that run a program: which program, which stacks, which config.

import * as path from "path";
import type { OptionsConfig } from "./command";
import { UsageError } from "../errors";

export const PROGRAM_OPTIONS: OptionsConfig = {
    stack: { type: "string", multiple: true },
    program: { type: "string" },
    config: { type: "string", multiple: true },
    "no-predict": { type: "boolean" },
    help: { type: "boolean", short: "h" },
};

export const PROGRAM_HELP = `  --stack NAME          a stack of the program (repeatable); default: every stack with a settings file
  --program DIR         the Pulumi project to run (a directory with Pulumi.yaml); default: this repository
  --config KEY=VALUE    config over the stack's (repeatable); KEY without a namespace gets the project's
  --no-predict          leave every provider-computed output unknown, as a real preview does (by default, outputs
                        derived from inputs alone, such as Azure resource ids and Key Vault URIs, are predicted)`;

export interface ProgramSelection {
    /** Absolute directory of the Pulumi project. */
    readonly programDir: string;
    readonly stacks: readonly string[];
    /** Config keys as given (qualified later with the project's name) to string values. */
    readonly config: Readonly<Record<string, string>>;
    readonly predict: boolean;
}

export function programSelection(values: Record<string, unknown>, cwd: string, defaultProgram: string): ProgramSelection {
    const config: Record<string, string> = {};
    for (const pair of (values.config as string[] | undefined) ?? []) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new UsageError(`--config expects KEY=VALUE, got '${pair}'`);
        config[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const program = values.program as string | undefined;
    return {
        programDir: program ? path.resolve(cwd, program) : defaultProgram,
        stacks: (values.stack as string[] | undefined) ?? [],
        config,
        predict: values["no-predict"] !== true,
    };
}

export function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) {
        throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, got '${String(value)}'`);
    }
    return value as T;
}
