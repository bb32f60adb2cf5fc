// `plan`: run a Pulumi program for its stacks under the embedded engine and print what it would deploy.

import type { Command } from "./command";
import { PROGRAM_HELP, PROGRAM_OPTIONS, oneOf, programSelection } from "./common";
import { PACKAGE_ROOT, PROGRAM_NAME } from "../paths";

export const PLAN_FORMATS = ["text", "json"] as const;

export const plan: Command = {
    name: "plan",
    summary: "run a program offline as a preview and print its resources (component -> resources, key inputs)",
    help: `usage: ${PROGRAM_NAME} plan [--stack NAME]... [--program DIR] [--config KEY=VALUE]... [--format text|json]

${PROGRAM_HELP}
  --format FORMAT       text (default) or json`,
    options: { ...PROGRAM_OPTIONS, format: { type: "string" } },
    async run(values, _positionals, io) {
        const { runPlan } = await import("../handlers/plan");
        return runPlan({
            ...programSelection(values, io.cwd, PACKAGE_ROOT),
            format: oneOf("format", values.format, PLAN_FORMATS, "text"),
        }, io);
    },
};
