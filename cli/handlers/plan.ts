// `plan`: run the stacks' programs and print their resources.

import type { Io } from "../commands/command";
import type { ProgramSelection } from "../commands/common";
import { planStacks } from "../../engine/run";
import { EXIT } from "../errors";
import { planJson } from "../formats/plan-json";
import { planText } from "../formats/plan-text";

export interface PlanOptions extends ProgramSelection {
    readonly format: "text" | "json";
}

export async function runPlan(options: PlanOptions, io: Io): Promise<number> {
    const plans = await planStacks({ ...options, env: io.env });
    io.out(options.format === "json" ? planJson(plans) : planText(plans));
    return EXIT.ok;
}
