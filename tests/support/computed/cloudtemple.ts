import type { ComputedOutputs } from "./index";

export const cloudTempleOutputs: ComputedOutputs = {};
