// The pack loads the way `pulumi preview --policy-pack policies` loads it: the CLI's runner, ts-node with type
// checking, the pack's own tsconfig. And a pack that cannot start says why, in one line.

import * as fs from "fs";
import * as path from "path";
import { PolicyPack, PolicyPackError } from "../../engine/policy/analyzer";
import { POLICY_METADATA } from "../../policies/metadata";
import { PACK_DIR } from "./support";

test("the pack starts type-checked under the CLI's runner and lists every policy with its metadata", async () => {
    const pack = await PolicyPack.start(PACK_DIR);
    try {
        const info = await pack.info();
        expect(info.name).toBe("health-data-sovereignty");
        expect(info.policies.map(p => p.name)).toEqual(POLICY_METADATA.map(m => m.name));
        const custody = info.policies.find(p => p.name === "key-custody")!;
        expect(custody).toMatchObject({ enforcementLevel: "mandatory", severity: "critical", policyType: "resource" });
        expect(custody.description).toMatch(/^Checks whether /);
        expect(custody.remediationSteps).toMatch(/OpenBao/);
        expect(custody.framework?.reference).toMatch(/CNIL/);
        expect(Object.keys(custody.configSchema!.properties).sort()).toEqual(["exemptions", "now", "providerOverrides", "unknownValues"]);
        expect(info.policies.find(p => p.name === "project-key-and-storage")!.policyType).toBe("stack");
    } finally {
        await pack.stop();
    }
}, 60000);

test("a pack that fails to start reports the first meaningful line of its error output", async () => {
    // Inside the repository so that the pack resolves @pulumi/policy like the real one.
    const dir = fs.mkdtempSync(path.join(PACK_DIR, "..", "node_modules", ".broken-pack-"));
    try {
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "broken", version: "0.0.1", main: "index.js" }));
        fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.writeFileSync(path.join(dir, "index.js"), "throw new Error('catalogue file is missing');\n");
        await expect(PolicyPack.start(dir)).rejects.toThrow(PolicyPackError);
        await expect(PolicyPack.start(dir)).rejects.toThrow(/failed to start \(exit 32\): Error: catalogue file is missing$/);
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "broken", version: "0.0.1", main: "index.ts" }));
        fs.writeFileSync(path.join(dir, "index.ts"), "const size: number = \"3072\";\n");
        await expect(PolicyPack.start(dir)).rejects.toThrow(/index\.ts\(1,7\): error TS2322/);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}, 60000);
