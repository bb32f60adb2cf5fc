// The three stacks of this project, planned offline by the CLI's engine and judged by the real pack: Azure fails
// only on what the CNIL exemption covers (and outright once it expires), OVHcloud and Cloud Temple pass.

import * as fs from "fs";
import * as path from "path";
import { PolicyPack } from "../../engine/policy/analyzer";
import { StackEvaluation, evaluateStack } from "../../engine/policy/evaluate";
import { planStacks } from "../../engine/run";
import { AnalyzerResource } from "../../engine/policy/analyzer";
import { runWarehouse } from "../support/program";
import type { StackPlan } from "../../engine/plan";
import { parseFindingMessage } from "../../policies/framework/messages";
import { PACK_DIR, everyPolicy, startPack } from "./support";
import { INTENTS_TYPE } from "../../policies/flows/intents";

const ROOT = path.resolve(__dirname, "../..");
const STACKS = ["azure-prod", "ovh-rehearsal", "cloudtemple-rehearsal"];
const AZURE_CONFIG = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "config", "azure-prod.json"), "utf8"));

let pack: PolicyPack;
let plans: Record<string, StackPlan>;
beforeAll(async () => {
    const [started, planned] = await Promise.all([startPack(), planStacks({ programDir: ROOT, stacks: STACKS, config: {}, env: process.env })]);
    pack = started;
    plans = Object.fromEntries(planned.map(p => [p.stack, p]));
}, 180000);
afterAll(async () => { await pack?.stop(); });

async function judge(stack: string, now: string, exemptions: Record<string, any> = {}): Promise<StackEvaluation> {
    const config: Record<string, any> = await everyPolicy(pack, { now });
    for (const [policy, settings] of Object.entries<any>(exemptions)) config[policy] = { ...config[policy], ...settings };
    await pack.configure(config);
    await pack.configureStack({ project: plans[stack].project, stack: plans[stack].stack, dryRun: !stack.endsWith("@update") });
    return evaluateStack(pack, plans[stack]);
}

const blocking = (e: StackEvaluation) => e.findings.filter(f => f.level === "mandatory").map(f => `${f.policy}: ${f.urn}: ${f.message}`);

test("OVHcloud passes with no exemption", async () => {
    expect(blocking(await judge("ovh-rehearsal", "2026-11-24"))).toEqual([]);
});

test("Cloud Temple passes with no exemption", async () => {
    expect(blocking(await judge("cloudtemple-rehearsal", "2026-11-24"))).toEqual([]);
});

test("Azure fails only on what the CNIL exemption covers, reported exempt until 21 December 2026", async () => {
    const bare = await judge("azure-prod", "2026-12-20");
    const policies = new Set(bare.findings.filter(f => f.level === "mandatory").map(f => f.policy));
    expect([...policies].sort()).toEqual(["key-custody", "provider-jurisdiction"]);
    const exempt = await judge("azure-prod", "2026-12-20", AZURE_CONFIG);
    expect(blocking(exempt)).toEqual([]);
    expect(exempt.findings.filter(f => parseFindingMessage(f.message).status === "exempt").length).toBeGreaterThan(0);
});

test("with update-time values (mocked outputs, no unknowns) nothing is left unverified and the verdicts hold", async () => {
    for (const stack of STACKS) {
        const run = await runWarehouse({ stack, preview: false });
        const byUrn = new Map(run.resources.map(r => [r.urn, r]));
        // Custom resources, and the component that publishes the intents (its registered outputs), as analyzeStack gets them.
        const resources: AnalyzerResource[] = run.resources.filter(r => r.custom || r.type === INTENTS_TYPE).map(r => {
            const providerUrn = r.provider ? r.provider.split("::").slice(0, -1).join("::") : "";
            const p = byUrn.get(providerUrn);
            return {
                urn: r.urn, type: r.type, name: r.name, properties: r.custom ? r.inputs : r.outputs, parent: r.parent || undefined,
                options: { protect: r.protect, ignoreChanges: [...r.ignoreChanges], parent: r.parent || undefined },
                provider: p ? { urn: p.urn, type: p.type, name: p.name, properties: p.inputs } : undefined,
                dependencies: [...r.dependencies],
                propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, [...v]])),
            };
        });
        const config: Record<string, any> = await everyPolicy(pack, { now: "2026-12-20" });
        if (stack === "azure-prod") for (const [k, v] of Object.entries<any>(AZURE_CONFIG)) config[k] = { ...config[k], ...v };
        await pack.configure(config);
        await pack.configureStack({ project: "health-data-warehouse", stack, dryRun: false });
        const diags = [...(await Promise.all(resources.map(r => pack.analyze(r)))).flat(), ...await pack.analyzeStack(resources)];
        expect({ stack, blocking: diags.filter(d => d.enforcementLevel === "mandatory").map(d => `${d.policyName}: ${d.urn}: ${d.message}`) })
            .toEqual({ stack, blocking: [] });
        expect({ stack, unverified: diags.filter(d => parseFindingMessage(d.message).cannotVerify).map(d => `${d.policyName}: ${d.message}`) })
            .toEqual({ stack, unverified: [] });
        const exempt = diags.filter(d => parseFindingMessage(d.message).status === "exempt").map(d => d.policyName);
        if (stack === "azure-prod") expect(new Set(exempt)).toEqual(new Set(["provider-jurisdiction", "key-custody"]));
        else expect(exempt).toEqual([]);
    }
}, 180000);

test("Azure fails outright from 21 December 2026, naming the expired exemption", async () => {
    const expired = await judge("azure-prod", "2026-12-21", AZURE_CONFIG);
    const failing = expired.findings.filter(f => f.level === "mandatory");
    expect(failing.length).toBeGreaterThan(0);
    for (const f of failing) expect(parseFindingMessage(f.message)).toMatchObject({ status: "exemption-expired", exemption: { id: "cnil-emc2-2023" } });
});
