// What the clouds compute for a resource (ids, endpoints, generated names) during `pulumi up`, faked per type so
// that code which reads outputs runs under mocks. One file per target; keys are type tokens.

import { MockResourceArgs } from "@pulumi/pulumi/runtime";
import { azureOutputs } from "./azure";
import { ovhOutputs } from "./ovh";
import { cloudTempleOutputs } from "./cloudtemple";
import { commonOutputs } from "./common";
import type { ComputedOutputs } from "./outputs";

export type { ComputedOutputs };


const TABLE: ComputedOutputs = { ...commonOutputs, ...azureOutputs, ...ovhOutputs, ...cloudTempleOutputs };

export function computedOutputs(args: MockResourceArgs): Record<string, unknown> {
    return TABLE[args.type]?.(args) ?? {};
}
