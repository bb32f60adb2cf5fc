import * as pulumi from "@pulumi/pulumi";

/** One refused setting: the config key as a user types it, the value found, and what would be accepted. */
export interface ConfigProblem {
    readonly key: string;
    readonly value: unknown;
    readonly allowed: string;
}

/**
 * Bad configuration, found before any resource is registered. A RunError, so `pulumi up` shows the message
 * without a stack trace; every problem is listed at once so one run fixes them all.
 */
export class ConfigError extends pulumi.RunError {
    readonly problems: readonly ConfigProblem[];

    constructor(problems: readonly ConfigProblem[]) {
        super(ConfigError.format(problems));
        this.name = "ConfigError";
        this.problems = problems;
    }

    static single(key: string, value: unknown, allowed: string): ConfigError {
        return new ConfigError([{ key, value, allowed }]);
    }

    static format(problems: readonly ConfigProblem[]): string {
        const lines = problems.map(p => `  ${p.key} = ${show(p.value)}: ${p.allowed}`);
        return `invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
    }
}

/** Runs `f`; a ConfigError it throws adds its problems to `problems` (one round), and gives undefined. */
export function collectProblems<T>(problems: ConfigProblem[], f: () => T): T | undefined {
    try {
        return f();
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        problems.push(...e.problems);
        return undefined;
    }
}

function show(value: unknown): string {
    if (value === undefined) return "(not set)";
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
