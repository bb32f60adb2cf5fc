// `rehearse --from STACK --to STACK`: compare two stacks of the project offline (parity, differences that matter,
// policy verdicts side by side, a generated runbook). `rehearse data` runs the data mover's rehearsal on local
// servers (migration/rehearsal), with the mover's own flags and exit codes.

import * as path from "path";
import type { Command } from "./command";
import { oneOf } from "./common";
import { UsageError } from "../errors";
import { DEFAULT_POLICY_PACK, PACKAGE_ROOT, PROGRAM_NAME } from "../paths";

const FORMATS = ["text", "json", "markdown"] as const;
const DEFAULT_ROLLBACK_DAYS = 30;

/** The data rehearsal's flags (migration/rehearsal/command.ts parses them; declared here for the dispatcher). */
const DATA_VALUE_FLAGS = ["small", "large", "large-mib", "concurrency", "volume", "objects", "bandwidth", "pods",
    "shards", "routes", "rtt-ms", "unchecksummed", "key-rate", "client-side", "source-key-rate", "window-days", "work-dir"] as const;

const data: Command = {
    name: "data",
    summary: "move, re-key and verify seeded data between local Azure Blob and S3 servers, with SoftHSM keys",
    get help() {
        return (require("../../migration/rehearsal/command") as typeof import("../../migration/rehearsal/command"))
            .USAGE.replace(/^usage: rehearse data/, `usage: ${PROGRAM_NAME} rehearse data`).trimEnd();
    },
    options: {
        ...Object.fromEntries(DATA_VALUE_FLAGS.map(f => [f, { type: "string" as const }])),
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
    },
    async run(values, _positionals, io) {
        const { runDataRehearsal } = await import("../handlers/rehearse-data");
        return runDataRehearsal(values, DATA_VALUE_FLAGS, io);
    },
};

export const rehearse: Command = {
    name: "rehearse",
    summary: "compare two stacks offline: parity, differences, policy verdicts side by side, migration runbook",
    help: `usage: ${PROGRAM_NAME} rehearse --from STACK --to STACK [--program DIR] [--policy-pack DIR]
         [--policy-config FILE] [--format text|json|markdown] [--output FILE] [--rollback-days N]
       ${PROGRAM_NAME} rehearse data [flags]   (the data move on local servers: rehearse data --help)

  --from STACK          the stack that runs today (e.g. azure-prod)
  --to STACK            the stack to move to (e.g. ovh-rehearsal)
  --program DIR         the Pulumi project of both stacks; default: this repository
  --policy-pack DIR     the policy pack run on both stacks; default: this repository's policies/
  --policy-config FILE  policy config for both stacks; default: per stack, <pack>/config/<stack>.json if it exists
  --format FORMAT       text (default), json, markdown
  --output FILE         write the report there instead of stdout (the verdict line still goes to stderr)
  --rollback-days N     how long the runbook keeps the source read-only after the switch; default ${DEFAULT_ROLLBACK_DAYS}

exit status: 0 the target covers every capability and has no mandatory finding, 1 otherwise,
             2 bad input (unknown stack, the same stack twice, a missing flag) or a program or pack that fails`,
    options: {
        from: { type: "string" },
        to: { type: "string" },
        program: { type: "string" },
        "policy-pack": { type: "string" },
        "policy-config": { type: "string" },
        format: { type: "string" },
        output: { type: "string" },
        "rollback-days": { type: "string" },
        help: { type: "boolean", short: "h" },
    },
    subcommands: [data],
    async run(values, _positionals, io) {
        const { runRehearsal } = await import("../handlers/rehearse");
        const resolve = (v: unknown) => (typeof v === "string" ? path.resolve(io.cwd, v) : undefined);
        return runRehearsal({
            from: values.from as string | undefined,
            to: values.to as string | undefined,
            programDir: resolve(values.program) ?? PACKAGE_ROOT,
            policyPack: resolve(values["policy-pack"]) ?? DEFAULT_POLICY_PACK,
            policyConfig: resolve(values["policy-config"]),
            format: oneOf("format", values.format, FORMATS, "text"),
            output: resolve(values.output),
            rollbackDays: days(values["rollback-days"]),
        }, io);
    },
};

function days(value: unknown): number {
    if (value === undefined) return DEFAULT_ROLLBACK_DAYS;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 3650) {
        throw new UsageError(`--rollback-days must be a whole number of days from 1 to 3650, got '${String(value)}'`);
    }
    return n;
}
