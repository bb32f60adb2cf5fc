import { runWarehouse } from "../support/program";

// The program as `pulumi up` runs it: bad configuration stops it with every problem named, before any resource.
describe("the program refuses bad configuration", () => {
    test("a region outside the jurisdiction", async () => {
        await expect(runWarehouse({ stack: "ovh-rehearsal", config: { "warehouse:region": "BHS" } }))
            .rejects.toThrow(/warehouse:region = "BHS": a region inside jurisdiction FR \(BHS5 is in CA\)/);
    });

    test("a neutral setting missing from the stack", async () => {
        await expect(runWarehouse({ stack: "azure-prod", unset: ["warehouse:environment"] }))
            .rejects.toThrow(/warehouse:environment = \(not set\): required: one of "prod", "preprod", "rehearsal", "dev"/);
    });

    test("an unknown target", async () => {
        const run = runWarehouse({ stack: "azure-prod", config: { "warehouse:target": "aws" } });
        // A RunError: `pulumi up` prints its message without a stack trace.
        await expect(run).rejects.toMatchObject({ name: "ConfigError", __pulumiRunError: true });
        await expect(run).rejects.toThrow(/warehouse:target = "aws": one of "azure", "ovh", "cloudtemple"/);
    });

    test("settings of another target left in a stack", async () => {
        await expect(runWarehouse({ stack: "azure-prod", config: { "warehouse:ovh": { projectId: "x" } } }))
            .rejects.toThrow(/warehouse:ovh = .*settings of another target; this stack's target is azure/);
    });
});
