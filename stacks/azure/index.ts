import { TargetDefinition } from "../targets";
export const azure: TargetDefinition = { name: "azure", create() { throw new Error("the Azure target is being written"); } };
