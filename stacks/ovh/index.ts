import { TargetDefinition } from "../targets";
export const ovh: TargetDefinition = { name: "ovh", create() { throw new Error("the OVHcloud target is being written"); } };
