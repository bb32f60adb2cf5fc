// How a stack's configuration and policy configuration are found, as the Pulumi CLI would hand them over.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadPolicyConfig, policyConfigFile } from "../../engine/policy/policy-config";
import { SECRET_PLACEHOLDER_PREFIX } from "../../engine/program/project";
import { UNNAMED_STACK, resolveTargets } from "../../engine/program/targets";
import { ExternalError } from "../../engine/errors";
import { ROOT, program } from "../cli/support";

describe("stack configuration", () => {
    it("merges project-level config under the stack file's, and --config over both", () => {
        const [t] = resolveTargets(program("compliant"), [], { prefix: "xyz", "azure-native:location": "francesouth" });
        expect(t.stack).toBe("dev");
        expect(t.config).toMatchObject({
            "fixture-compliant:prefix": "xyz",
            "fixture-compliant:region": "francecentral",
            "azure-native:location": "francesouth",
        });
        expect(t.stackFile).toBe(path.join(program("compliant"), "Pulumi.dev.yaml"));
    });

    it("turns secure values into secret placeholders, since they cannot be decrypted offline", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secure-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  p:password:\n    secure: AAABAxyz\n  p:user: admin\n");
        const [t] = resolveTargets(dir, [], {});
        expect(t.config["p:password"]).toBe(`${SECRET_PLACEHOLDER_PREFIX}p:password`);
        expect(t.secretKeys).toEqual(["p:password"]);
        expect(t.config["p:user"]).toBe("admin");
    });

    it("runs a project without stack files as one unnamed stack with its project-level config", () => {
        const [t] = resolveTargets(program("own-runtime"), [], {});
        expect(t.stack).toBe(UNNAMED_STACK);
        expect(t.stackFile).toBeNull();
        expect(t.config["fixture-thirdparty:greeting"]).toBe("bonjour");
    });

    it("reads the project's runtime options (typescript, tsconfig, nodeargs)", () => {
        const [t] = resolveTargets(ROOT, ["ovh-rehearsal"], {});
        expect(t.project.runtimeOptions.typescript).toBe(true);
        expect(t.project.main).toBe("stacks/index.ts");
    });
});

describe("policy configuration per stack", () => {
    const pack = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
    beforeAll(() => {
        fs.mkdirSync(path.join(pack, "config"));
        fs.writeFileSync(path.join(pack, "config", "azure-prod.json"), JSON.stringify({ residency: { exemptions: [] } }));
        fs.writeFileSync(path.join(pack, "config", "broken.json"), "{ not json");
    });

    it("uses <pack>/config/<stack>.json by convention, and nothing for a stack without one", () => {
        expect(policyConfigFile(pack, "azure-prod")).toBe(path.join(pack, "config", "azure-prod.json"));
        expect(loadPolicyConfig(pack, "azure-prod").config).toEqual({ residency: { exemptions: [] } });
        expect(loadPolicyConfig(pack, "ovh-rehearsal")).toEqual({ file: null, config: {} });
    });

    it("lets --policy-config override the convention for every stack", () => {
        const explicit = path.join(pack, "config", "azure-prod.json");
        expect(policyConfigFile(pack, "ovh-rehearsal", explicit)).toBe(explicit);
    });

    it("refuses a file that is not a JSON object, naming it", () => {
        expect(() => loadPolicyConfig(pack, "broken")).toThrow(ExternalError);
        expect(() => loadPolicyConfig(pack, "broken")).toThrow(/broken.json:1: not valid JSON/);
    });

    it("finds the CNIL exemption file of the Azure stack in this repository", () => {
        expect(policyConfigFile(path.join(ROOT, "policies"), "azure-prod")).toBe(path.join(ROOT, "policies", "config", "azure-prod.json"));
    });
});
