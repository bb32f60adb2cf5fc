import { ProgramRun, runWarehouse } from "../../support/program";

// The OpenBao token from Pulumi's environment: then it is not a provider input, so it is not in the state at all.
describe("Cloud Temple keys with VAULT_TOKEN from the environment", () => {
    let run: ProgramRun;
    const savedToken = process.env.VAULT_TOKEN;
    beforeAll(async () => {
        process.env.VAULT_TOKEN = "s.environment-token-for-the-test";
        run = await runWarehouse({ stack: "cloudtemple-rehearsal", unset: ["warehouse:cloudtempleOpenbaoToken"] });
    });
    afterAll(() => {
        if (savedToken === undefined) delete process.env.VAULT_TOKEN;
        else process.env.VAULT_TOKEN = savedToken;
    });

    test("configures the provider without a token input", () => {
        const provider = run.one("pulumi:providers:vault");
        expect(provider.inputs.token).toBeUndefined();
        expect(JSON.stringify(run.resources.map(r => r.inputs))).not.toContain("environment-token-for-the-test");
    });

    test("still manages the transit keys", () => {
        expect(run.ofType("vault:transit/secretBackendKey:SecretBackendKey")).toHaveLength(5);
    });
});
