// `check`: plan, then judge every stack with the policy pack over the analyzer protocol, as
// `pulumi preview --policy-pack` does; optionally against another commit (`--base`).

import * as path from "path";
import type { Command } from "./command";
import { PROGRAM_HELP, PROGRAM_OPTIONS, oneOf, programSelection } from "./common";
import { UsageError } from "../errors";
import { DEFAULT_POLICY_PACK, PACKAGE_ROOT, PROGRAM_NAME } from "../paths";

export const CHECK_FORMATS = ["text", "json", "sarif", "junit", "markdown"] as const;

export const check: Command = {
    name: "check",
    summary: "plan, then evaluate the policy pack on every stack; exit 1 on a mandatory finding",
    help: `usage: ${PROGRAM_NAME} check [--stack NAME]... [--program DIR] [--config KEY=VALUE]...
         [--policy-pack DIR] [--policy-config FILE] [--format text|json|sarif|junit|markdown]
         [--output FILE] [--base GIT_REF] [--warn-expiry-within DAYS] [--fail-on-expiry-within DAYS]
       ${PROGRAM_NAME} check --state FILE [--program DIR] [--policy-pack DIR] [--policy-config FILE] [--format ...]

${PROGRAM_HELP}
  --policy-pack DIR     the policy pack; default: this repository's policies/
  --policy-config FILE  policy config for every stack (pulumi --policy-pack-config format); default: per stack,
                        <pack>/config/<stack>.json if it exists, else none
  --format FORMAT       text (default), json, sarif (code scanning), junit (test reports), markdown (PR comment)
  --output FILE         write the report there instead of stdout (the verdict line goes to stderr); repeat
                        --format/--output in pairs to write several reports from one run
  --base GIT_REF        also check that commit and report which findings the change introduces and fixes
  --state FILE          judge a deployed stack from \`pulumi stack export\` output instead of the code; with
                        --program, also report where the code and the deployed state differ
  --warn-expiry-within DAYS
                        announce active exemptions that end within DAYS days; default 30
  --fail-on-expiry-within DAYS
                        exit 1 when an active exemption ends within DAYS days (its findings turn mandatory then)

exit status: 0 no mandatory finding, 1 at least one (or an exemption ending within --fail-on-expiry-within),
             2 bad input or a program or pack that fails`,
    options: {
        ...PROGRAM_OPTIONS,
        "policy-pack": { type: "string" },
        "policy-config": { type: "string" },
        format: { type: "string", multiple: true },
        output: { type: "string", multiple: true },
        base: { type: "string" },
        state: { type: "string" },
        "warn-expiry-within": { type: "string" },
        "fail-on-expiry-within": { type: "string" },
    },
    async run(values, _positionals, io) {
        const { runCheck } = await import("../handlers/check");
        const resolve = (v: unknown) => (typeof v === "string" ? path.resolve(io.cwd, v) : undefined);
        const formats = ((values.format as string[] | undefined) ?? ["text"]).map(f => oneOf("format", f, CHECK_FORMATS, "text"));
        const outputs = ((values.output as string[] | undefined) ?? []).map(o => resolve(o)!);
        if (formats.length > 1 && outputs.length !== formats.length) {
            throw new UsageError(`${formats.length} formats need as many --output files (got ${outputs.length})`);
        }
        if (outputs.length > formats.length) throw new UsageError("more --output files than --format values");
        const state = resolve(values.state);
        if (state && values.stack) throw new UsageError("--state judges the stack the state is of: leave out --stack");
        if (state && values.base) throw new UsageError("--state and --base cannot be combined: --base compares two commits of the code");
        return runCheck({
            ...programSelection(values, io.cwd, PACKAGE_ROOT),
            policyPack: resolve(values["policy-pack"]) ?? DEFAULT_POLICY_PACK,
            policyConfig: resolve(values["policy-config"]),
            reports: formats.map((format, i) => ({ format, output: outputs[i] })),
            base: values.base as string | undefined,
            state: state ? { file: state, compareWithProgram: values.program !== undefined } : undefined,
            warnExpiryWithinDays: days("warn-expiry-within", values["warn-expiry-within"]),
            failOnExpiryWithinDays: days("fail-on-expiry-within", values["fail-on-expiry-within"]),
        }, io);
    },
};

/** A number of days on the command line: a whole number from 0 to 3650. */
function days(flag: string, value: unknown): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (typeof value !== "string" || value.trim() === "" || !Number.isInteger(n) || n < 0 || n > 3650) {
        throw new UsageError(`--${flag} must be a whole number of days from 0 to 3650, got '${String(value)}'`);
    }
    return n;
}
