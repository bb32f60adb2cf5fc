// One source of truth for the jurisdiction: the pack judges residency against the stack's own
// `warehouse:jurisdiction` (what the program validated its region against), and a policy setting that says
// otherwise stops the run with both values named, instead of 24 findings nobody can explain.

import { PolicyPack } from "../../engine/policy/analyzer";
import { JURISDICTION_CONFIG_KEY } from "../../policies/framework/stack-config";
import { CONFIG_NAMESPACE } from "../../components/model";
import { AZ } from "./fixtures";
import { failures, resource, startPack } from "./support";

let pack: PolicyPack;
beforeAll(async () => { pack = await startPack(); });
afterAll(async () => { await pack?.stop(); });

const westEurope = resource("azure-native:storage:StorageAccount", "acct", { ...AZ.account, location: "westeurope" });
const stack = (config: Record<string, string>) => pack.configureStack({ project: "warehouse", stack: "test", dryRun: true, config });

test("the pack reads the jurisdiction the program reads", () => {
    expect(JURISDICTION_CONFIG_KEY).toBe(`${CONFIG_NAMESPACE}:jurisdiction`);
});

test("a stack in jurisdiction EU is judged against the EU, with no policy setting", async () => {
    await pack.configure({});
    await stack({ [JURISDICTION_CONFIG_KEY]: "EU" });
    expect(failures(await pack.analyze(westEurope), "allowed-regions")).toEqual([]);
    await stack({ [JURISDICTION_CONFIG_KEY]: "FR" });
    expect(failures(await pack.analyze(westEurope), "allowed-regions")).toHaveLength(1);
});

test("without the stack's setting the pack's default (FR) holds", async () => {
    await stack({});
    expect(failures(await pack.analyze(westEurope), "allowed-regions")).toHaveLength(1);
});

test("a policy setting that disagrees with the stack is refused, naming both", async () => {
    await pack.configure({ "allowed-regions": { jurisdiction: "FR" } });
    await stack({ [JURISDICTION_CONFIG_KEY]: "EU" });
    await expect(pack.analyze(westEurope)).rejects.toThrow(
        /allowed-regions: jurisdiction "FR" \(policy config\) differs from the stack's warehouse:jurisdiction "EU"/);
    await stack({ [JURISDICTION_CONFIG_KEY]: "FR" });
    expect(failures(await pack.analyze(westEurope), "allowed-regions")).toHaveLength(1);
    await pack.configure({});
    await stack({});
});
