import { ProgramRun, runWarehouse, stackConfig } from "../../support/program";

// The documented option: OpenBao sealed by a key in an HSM reached over PKCS#11.
describe("Cloud Temple keys with the PKCS#11 (HSM) seal", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        const settings = JSON.parse(stackConfig("cloudtemple-rehearsal")["warehouse:cloudtemple"]);
        settings.openbao.seal = {
            type: "pkcs11", library: "/usr/lib64/hsm/libvendor-pkcs11.so", tokenLabel: "hdh-openbao",
            keyLabel: "hdh-openbao-seal",
            image: { registry: "registry.hdh.example.fr", repository: "openbao/openbao-hsm-ubi", tag: "2.6.2" },
            hsm: { cidrs: ["10.70.0.16/29"], port: 1792 },
        };
        run = await runWarehouse({ stack: "cloudtemple-rehearsal", config: {
            "warehouse:cloudtemple": settings, "warehouse:cloudtempleHsmPin": "123456" },
            secrets: ["warehouse:cloudtempleHsmPin"] });
    });

    const server = () => run.one("kubernetes:helm.sh/v3:Release").inputs.values.server;

    test("renders the pkcs11 seal stanza without the PIN", () => {
        const config = server().ha.raft.config as string;
        expect(config).toContain([
            'seal "pkcs11" {',
            '  lib         = "/usr/lib64/hsm/libvendor-pkcs11.so"',
            '  token_label = "hdh-openbao"',
            '  key_label   = "hdh-openbao-seal"',
            "}",
        ].join("\n"));
        expect(config).not.toContain("123456");
        expect(config).not.toMatch(/\bpin\b/);
    });

    test("passes the PIN from a secret into the servers' environment", () => {
        const pin = run.ofType("kubernetes:core/v1:Secret").find(s => s.inputs.metadata.name === "openbao-hsm")!;
        expect(pin.inputs.metadata.namespace).toBe("hdh-keys");
        expect(pin.secretInputs).toContain("stringData");
        expect(server().extraSecretEnvironmentVars).toEqual(
            [{ envName: "BAO_HSM_PIN", secretName: "openbao-hsm", secretKey: "pin" }]);
        expect(run.one("kubernetes:helm.sh/v3:Release").dependencies).toContain(pin.urn);
    });

    test("runs the image that carries the HSM vendor's library", () => {
        expect(server().image).toEqual(
            { registry: "registry.hdh.example.fr", repository: "openbao/openbao-hsm-ubi", tag: "2.6.2" });
    });
});
