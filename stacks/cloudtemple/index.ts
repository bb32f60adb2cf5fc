import { TargetDefinition } from "../targets";
export const cloudtemple: TargetDefinition = { name: "cloudtemple", create() { throw new Error("the Cloud Temple target is being written"); } };
