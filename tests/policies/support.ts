// Builds engine-shaped resources for the pack and reads its verdicts. Tests drive a real pack process through
// engine/policy/analyzer.ts, so props reach the rules behind the runtime's unknown-value proxy and config is
// reconciled with the schema defaults, exactly as under `pulumi preview --policy-pack`.

import * as path from "path";
import { AnalyzerResource, Diagnostic, PolicyPack } from "../../engine/policy/analyzer";
import { parseFindingMessage } from "../../policies/framework/messages";

export const PACK_DIR = path.resolve(__dirname, "../../policies");

/** The wire sentinel of a string that is unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG = "4dabf18193072939515e22adb298388d";
export const secret = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });

export function resource(type: string, name: string, properties: Record<string, unknown>,
                         extra: Partial<AnalyzerResource> = {}): AnalyzerResource {
    return { urn: `urn:pulumi:test::warehouse::${type}::${name}`, type, name, properties, options: {}, ...extra };
}

export function provider(type: string, name: string, properties: Record<string, unknown>) {
    return { urn: `urn:pulumi:test::warehouse::pulumi:providers:${type}::${name}`, type: `pulumi:providers:${type}`, name, properties };
}

/** Starts the pack once for a test file; `now` pins the clock for every policy. */
export async function startPack(): Promise<PolicyPack> {
    const pack = await PolicyPack.start(PACK_DIR, { precompiled: true });
    await pack.configure({});
    await pack.configureStack({ project: "warehouse", stack: "test", dryRun: true });
    return pack;
}

/** The same setting for every policy (the engine's "all" only carries a level). */
export async function everyPolicy(pack: PolicyPack, settings: Record<string, unknown>,
                                  perPolicy: Record<string, Record<string, unknown>> = {}): Promise<Record<string, unknown>> {
    const info = await pack.info();
    return Object.fromEntries(info.policies.map(p => [p.name, { ...settings, ...(perPolicy[p.name] ?? {}) }]));
}

export function of(diags: Diagnostic[], policy: string): Diagnostic[] {
    return diags.filter(d => d.policyName === policy);
}

/** Mandatory findings of a policy, by message, excluding advice. */
export function failures(diags: Diagnostic[], policy?: string): string[] {
    return diags.filter(d => d.enforcementLevel === "mandatory" && (!policy || d.policyName === policy))
        .map(d => `${d.policyName}: ${d.message}`);
}

export function statuses(diags: Diagnostic[], policy: string): string[] {
    return of(diags, policy).map(d => `${d.enforcementLevel}:${parseFindingMessage(d.message).status}`);
}
