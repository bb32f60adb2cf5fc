import { MockResourceArgs } from "@pulumi/pulumi/runtime";

/** Per type token: the outputs a cloud computes for a resource from its inputs. */
export type ComputedOutputs = Record<string, (args: MockResourceArgs) => Record<string, unknown>>;
