import type { ComputedOutputs } from "./index";

export const azureOutputs: ComputedOutputs = {};
