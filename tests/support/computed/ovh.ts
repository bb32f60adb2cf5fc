import type { ComputedOutputs } from "./index";

export const ovhOutputs: ComputedOutputs = {};
