import { ProgramRun, runWarehouse, stackConfig } from "../../support/program";

// The first deployment: OpenBao cannot be configured before an operator initialises it, so only OpenBao is
// deployed, and no token is needed yet.
describe("Cloud Temple keys before OpenBao is initialised", () => {
    let run: ProgramRun;
    const savedToken = process.env.VAULT_TOKEN;
    beforeAll(async () => {
        delete process.env.VAULT_TOKEN;
        const settings = JSON.parse(stackConfig("cloudtemple-rehearsal")["warehouse:cloudtemple"]);
        settings.openbao.initialised = false;
        run = await runWarehouse({ stack: "cloudtemple-rehearsal", config: { "warehouse:cloudtemple": settings },
            unset: ["warehouse:cloudtempleOpenbaoToken"] });
    });
    afterAll(() => { if (savedToken !== undefined) process.env.VAULT_TOKEN = savedToken; });

    test("deploys OpenBao itself", () => {
        expect(run.one("kubernetes:helm.sh/v3:Release").inputs.values.server.ha.replicas).toBe(3);
    });

    test("configures nothing inside it yet", () => {
        expect(run.resources.filter(r => r.type.startsWith("vault:") || r.type === "pulumi:providers:vault")).toEqual([]);
    });

    test("still exports the key ids the next run will create", () => {
        expect(run.outputs.outputs.platformKeyId).toBe("transit/keys/hdh-platform");
        expect(run.outputs.outputs.projects.covidlong.keyId).toBe("transit/keys/hdh-rp-covidlong");
    });
});
