import type { ComputedOutputs } from "./outputs";

export const commonOutputs: ComputedOutputs = {
    "random:index/randomPassword:RandomPassword": () => ({ result: "generated-password-0123456789" }),
    "random:index/randomString:RandomString": args => ({ result: "x".repeat(Number(args.inputs.length ?? 8)) }),
    "random:index/randomId:RandomId": () => ({ hex: "a1b2c3d4", b64Url: "obLD1A", dec: "2712847316" }),
};
