// The program reports every problem of the model and of the target's settings in one round, and refuses a secret
// set in plain text, before any resource is registered.

import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../components/errors";
import { SECRET_KEYS, projectSecretKey } from "../../stacks/cloudtemple/settings";
import { isSecretKey } from "../../stacks/config";
import { runWarehouse, ROOT } from "../support/program";

async function refusal(options: Parameters<typeof runWarehouse>[0]): Promise<ConfigError> {
    try {
        await runWarehouse(options);
    } catch (e) {
        if (e instanceof Error && e.name === "ConfigError") return e as ConfigError;
        throw e;
    }
    throw new Error("the configuration was accepted");
}

test("a bad model and bad target settings are reported together", async () => {
    const e = await refusal({ stack: "ovh-rehearsal", config: {
        "warehouse:keys": { algorithm: "AES", size: 2048 }, "warehouse:region": "BHS", "warehouse:environment": "x",
        "warehouse:ovh": { ...JSON.parse(stackValue("ovh-rehearsal", "warehouse:ovh")), vlanId: 0 },
    } });
    expect(e.problems.map(p => p.key).sort()).toEqual([
        "warehouse:environment", "warehouse:keys.size", "warehouse:ovh.vlanId", "warehouse:region",
    ]);
});

test("Azure: its settings, its region and its key checks in the same round", async () => {
    const e = await refusal({ stack: "azure-prod", config: {
        "warehouse:azure": { ...JSON.parse(stackValue("azure-prod", "warehouse:azure")), tenantId: "nope" },
        "warehouse:region": "eastus", "warehouse:keys": { algorithm: "AES", size: 256 },
    } });
    expect(e.problems.map(p => p.key).sort()).toEqual(["warehouse:azure.tenantId", "warehouse:keys.algorithm", "warehouse:region"]);
});

test("Cloud Temple: custody, settings and secrets in the same round", async () => {
    const e = await refusal({ stack: "cloudtemple-rehearsal", config: {
        "warehouse:keys": { algorithm: "RSA", size: 3072, custody: "provider" },
        "warehouse:cloudtemple": { cluster: { name: "Bad Name" } },
        "warehouse:cloudtempleKubeconfig": undefined,
    } });
    const keys = e.problems.map(p => p.key);
    expect(keys).toContain("warehouse:keys.custody");
    expect(keys).toContain("warehouse:cloudtemple.cluster.name");
    expect(keys).toContain("warehouse:cloudtempleKubeconfig");
});

test("a secret in plain text is refused, naming the key and how to set it", async () => {
    const e = await refusal({ stack: "cloudtemple-rehearsal", plaintext: ["warehouse:cloudtempleKubeconfig"] });
    expect(e.problems).toEqual([expect.objectContaining({
        key: "warehouse:cloudtempleKubeconfig", value: "(hidden)",
        allowed: expect.stringMatching(/a secret.*pulumi config set --secret warehouse:cloudtempleKubeconfig/),
    })]);
    expect(e.message).not.toMatch(/REPLACE-ME/);
});

test("every key the program reads with requireSecret or getSecret is one the plaintext check covers", () => {
    const files: string[] = [];
    const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach(d =>
        d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith(".ts") && files.push(path.join(dir, d.name)));
    walk(path.join(ROOT, "stacks"));
    walk(path.join(ROOT, "components"));
    const reads = files.flatMap(f => [...fs.readFileSync(f, "utf8").matchAll(/\.(?:requireSecret|getSecret)\(([^)]*\)?)\)/g)]
        .map(m => m[1]));
    expect(reads.length).toBeGreaterThan(0);
    for (const arg of reads) expect(arg).toMatch(/^(SECRET_KEYS\.\w+|projectSecretKey\(.+\))$/);
    for (const k of [...Object.values(SECRET_KEYS), projectSecretKey("oncoprev")]) expect(isSecretKey(k)).toBe(true);
    expect(isSecretKey("cloudtemple")).toBe(false);
    expect(isSecretKey("region")).toBe(false);
});

function stackValue(stack: string, configKey: string): string {
    const { stackConfig } = require("../support/program");
    return stackConfig(stack)[configKey];
}
