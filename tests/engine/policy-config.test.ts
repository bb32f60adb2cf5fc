// The engine's reconciliation of a policy configuration (what `--policy-pack-config` holds) with a pack's metadata:
// a name no policy has is refused with the closest one, and schema errors name the setting and what is allowed.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PackInfo, PolicyConfigValidationError, reconcileConfig } from "../../engine/policy/analyzer";
import { loadPolicyConfig } from "../../engine/policy/policy-config";

const INFO: PackInfo = {
    name: "p", version: "1", initialConfig: {},
    policies: [
        { name: "allowed-regions", description: "", enforcementLevel: "mandatory",
            configSchema: { properties: { jurisdiction: { type: "string", enum: ["FR", "EU"], default: "FR" } } } },
        { name: "certified-services", description: "", enforcementLevel: "mandatory",
            configSchema: { properties: {
                secNumCloudRequired: { type: "boolean", default: false },
                exemptions: { type: "array", items: { type: "object", additionalProperties: false, required: ["id"],
                    properties: { id: { type: "string" }, category: { type: "string", enum: ["waiver", "mitigated"] },
                        expires: { type: "string" } } } },
            } } },
    ],
};

function problems(config: Record<string, unknown>): string[] {
    try {
        reconcileConfig(INFO, config);
        return [];
    } catch (e) {
        if (e instanceof PolicyConfigValidationError) return e.problems;
        throw e;
    }
}

test("an unknown policy name is refused with the closest one, whether it carries settings or a level", () => {
    expect(problems({ "certified-service": { secNumCloudRequired: true } }))
        .toEqual([expect.stringMatching(/^certified-service: no such policy in pack p \(did you mean "certified-services"\?\)/)]);
    expect(problems({ "allowed-region": "disabled" })[0]).toMatch(/did you mean "allowed-regions"/);
    expect(problems({ all: "advisory" })).toEqual([]);
});

test("a schema error names the setting, the value and the allowed values", () => {
    expect(problems({ "certified-services": { exemptions: [{ id: "x", category: "waver" }] } }))
        .toEqual([`certified-services: exemptions[0].category = "waver": one of "waiver", "mitigated"`]);
    expect(problems({ "allowed-regions": { jurisdiction: "US" } }))
        .toEqual([`allowed-regions: jurisdiction = "US": one of "FR", "EU"`]);
});

test("an unknown exemption field names the closest field", () => {
    expect(problems({ "certified-services": { exemptions: [{ id: "x", expire: "2027-01-01" }] } }))
        .toEqual([expect.stringMatching(/^certified-services: exemptions\[0\]: unknown field "expire" \(did you mean "expires"\?\); fields: id, category, expires$/)]);
});

test("a policy config file that is not JSON names the line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, `{\n  "certified-services": {\n    "secNumCloudRequired": true,\n  }\n}\n`);
    expect(() => loadPolicyConfig(dir, "s", file)).toThrow(/bad\.json:4: not valid JSON/);
});
