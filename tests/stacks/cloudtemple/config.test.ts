import { parseWarehouseSpec } from "../../../components/model";
import { ConfigError } from "../../../components/errors";
import { TARGET_NAMES, createTarget, targetKeys } from "../../../stacks/targets";
import { stackConfig } from "../../support/program";

// Bad Cloud Temple configuration stops the program before anything is deployed, naming the key, the value found
// and what is allowed. Each case changes one thing in the rehearsal stack and runs the program's first two steps
// (spec, then target), which is where it must stop: no resource exists yet at that point.
const STACK = "cloudtemple-rehearsal";
const base = () => JSON.parse(stackConfig(STACK)["warehouse:cloudtemple"]);

interface Problem { key: string; value: unknown; allowed: string }

/** The `warehouse:` namespace as the program reads it (stacks/config.ts), with the changes applied. */
function namespace(options: { config?: Record<string, unknown>; unset?: string[] }): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(stackConfig(STACK))) {
        if (!k.startsWith("warehouse:")) continue;
        const text = v.trim();
        raw[k.slice("warehouse:".length)] = /^[[{]/.test(text) ? JSON.parse(text)
            : text === "true" || text === "false" ? text === "true" : v;
    }
    for (const k of options.unset ?? []) delete raw[k.slice("warehouse:".length)];
    for (const [k, v] of Object.entries(options.config ?? {})) raw[k.slice("warehouse:".length)] = v;
    return raw;
}

async function problemsOf(options: { config?: Record<string, unknown>; unset?: string[] }): Promise<Problem[]> {
    const raw = namespace(options);
    try {
        const spec = parseWarehouseSpec(raw, { targets: TARGET_NAMES, reservedKeys: targetKeys(raw) });
        createTarget(spec, raw);
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return [...e.problems];
    }
    throw new Error("the configuration was accepted");
}

describe("Cloud Temple configuration errors", () => {
    const savedToken = process.env.VAULT_TOKEN;
    // The token check looks at Pulumi's environment: keep the developer's out of these cases.
    beforeAll(() => { delete process.env.VAULT_TOKEN; });
    afterAll(() => { if (savedToken !== undefined) process.env.VAULT_TOKEN = savedToken; });

    test("accepts the rehearsal stack as it is", () => {
        const raw = namespace({});
        const spec = parseWarehouseSpec(raw, { targets: TARGET_NAMES, reservedKeys: targetKeys(raw) });
        expect(createTarget(spec, raw)).toMatchObject({ name: "cloudtemple", region: "FR1" });
    });

    test("refuses a missing kubeconfig, naming the secret key to set", async () => {
        const problems = await problemsOf({ unset: ["warehouse:cloudtempleKubeconfig"] });
        expect(problems).toEqual([expect.objectContaining({
            key: "warehouse:cloudtempleKubeconfig", value: undefined,
            allowed: expect.stringContaining("pulumi config set --secret warehouse:cloudtempleKubeconfig"),
        })]);
    });

    test("refuses a region Cloud Temple does not have, listing FR1", async () => {
        const problems = await problemsOf({ config: { "warehouse:region": "FR2" } });
        expect(problems).toEqual([{ key: "warehouse:region", value: "FR2", allowed: expect.stringContaining("FR1") }]);
    });

    test("refuses an object-storage endpoint that is not Cloud Temple's FR1 S3 endpoint", async () => {
        const settings = base();
        settings.objectStorage.endpoint = "http://hdh-rehearsal.s3.example.com";
        const problems = await problemsOf({ config: { "warehouse:cloudtemple": settings } });
        expect(problems).toEqual([{
            key: "warehouse:cloudtemple.objectStorage.endpoint", value: "http://hdh-rehearsal.s3.example.com",
            allowed: expect.stringContaining("https://<namespace>.s3.fr1.cloud-temple.com"),
        }]);
    });

    test("refuses provider-held keys: Cloud Temple has no key service for customers", async () => {
        const problems = await problemsOf({ config: {
            "warehouse:keys": { algorithm: "RSA", size: 3072, rotationDays: 90, custody: "provider" } } });
        expect(problems).toEqual([{ key: "warehouse:keys.custody", value: "provider",
            allowed: expect.stringContaining("\"customer\"") }]);
    });

    test("refuses a project without a storage account, and an account without a project", async () => {
        const settings = base();
        settings.objectStorage.projectAccounts.ghost = settings.objectStorage.projectAccounts.diabfr;
        delete settings.objectStorage.projectAccounts.diabfr;
        const problems = await problemsOf({ config: { "warehouse:cloudtemple": settings } });
        expect(problems.map(p => p.key)).toEqual(expect.arrayContaining([
            "warehouse:cloudtemple.objectStorage.projectAccounts.diabfr",
            "warehouse:cloudtemple.objectStorage.projectAccounts.ghost",
        ]));
    });

    test("refuses one storage account shared by two projects", async () => {
        const settings = base();
        settings.objectStorage.projectAccounts.diabfr = settings.objectStorage.projectAccounts.pharmaco;
        const problems = await problemsOf({ config: { "warehouse:cloudtemple": settings } });
        expect(problems).toEqual([{ key: "warehouse:cloudtemple.objectStorage",
            value: "urn:ecs:iam::hdh-rehearsal:user/rp-pharmaco", allowed: expect.stringContaining("distinct") }]);
    });

    test("refuses a misspelt secret key instead of ignoring it", async () => {
        const problems = await problemsOf({ config: { "warehouse:cloudtempleKubeConfig": "apiVersion: v1" } });
        expect(problems).toEqual([{ key: "warehouse:cloudtempleKubeConfig", value: "(hidden)",
            allowed: expect.stringContaining("warehouse:cloudtempleKubeconfig") }]);
    });

    test("refuses an unknown setting and an unknown seal type", async () => {
        const settings = base();
        settings.cluster.version = "4.18";
        settings.openbao.seal = { type: "awskms" };
        const problems = await problemsOf({ config: { "warehouse:cloudtemple": settings } });
        expect(problems.map(p => p.key).sort()).toEqual(
            ["warehouse:cloudtemple.cluster.version", "warehouse:cloudtemple.openbao.seal.type"]);
    });

    test("requires a token once OpenBao is initialised, from config or VAULT_TOKEN", async () => {
        const problems = await problemsOf({ unset: ["warehouse:cloudtempleOpenbaoToken"] });
        expect(problems).toEqual([{ key: "warehouse:cloudtempleOpenbaoToken", value: undefined,
            allowed: expect.stringContaining("VAULT_TOKEN") }]);
    });

    test("requires the HSM PIN when the PKCS#11 seal is chosen", async () => {
        const settings = base();
        settings.openbao.seal = { type: "pkcs11", library: "/usr/lib64/hsm/libvendor-pkcs11.so", tokenLabel: "openbao",
            keyLabel: "openbao-seal", image: { registry: "registry.example.fr", repository: "openbao-hsm", tag: "2.6.2" },
            hsm: { cidrs: ["10.70.0.16/29"], port: 1792 } };
        const problems = await problemsOf({ config: { "warehouse:cloudtemple": settings } });
        expect(problems).toEqual([expect.objectContaining({ key: "warehouse:cloudtempleHsmPin" })]);
    });

    test("refuses a missing cluster section, naming the first key to add", async () => {
        const settings = base();
        delete settings.cluster;
        const problems = await problemsOf({ config: { "warehouse:cloudtemple": settings } });
        expect(problems).toEqual([{ key: "warehouse:cloudtemple.cluster", value: undefined,
            allowed: expect.stringContaining("required") }]);
    });
});
