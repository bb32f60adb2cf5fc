// The registry of clouds the warehouse can be deployed on. Adding a target: implement the five blocks of
// components/target.ts in stacks/<name>/, export a TargetDefinition (same file) from its index.ts, list it here.

import { Target, TargetDefinition } from "../components/target";
import { WarehouseSpec, key } from "../components/model";
import { ConfigError, ConfigProblem, collectProblems } from "../components/errors";

interface Registration {
    readonly name: string;
    /** Loaded on demand: a stack only pays for its own provider SDK. */
    readonly load: () => TargetDefinition;
}

export const TARGETS: readonly Registration[] = [
    { name: "azure", load: () => (require("./azure") as typeof import("./azure")).azure },
    { name: "ovh", load: () => (require("./ovh") as typeof import("./ovh")).ovh },
    { name: "cloudtemple", load: () => (require("./cloudtemple") as typeof import("./cloudtemple")).cloudtemple },
];

export const TARGET_NAMES = TARGETS.map(t => t.name);

/** Whether a `warehouse:` key belongs to a target: `<target>` itself or `<target>` followed by a capital. */
export function isTargetKey(configKey: string, target: string): boolean {
    return configKey === target || (configKey.startsWith(target) && /^[A-Z]/.test(configKey.slice(target.length)));
}

/** The keys of raw config that belong to some target (passed through by the neutral parser). */
export function targetKeys(raw: Readonly<Record<string, unknown>>): string[] {
    return Object.keys(raw).filter(k => TARGET_NAMES.some(t => isTargetKey(k, t)));
}

/** Loads the selected target and hands it its settings; settings of another target are refused as a likely slip. */
export function createTarget(spec: WarehouseSpec, raw: Readonly<Record<string, unknown>>): Target<any, any, any, any, any> {
    const registration = TARGETS.find(t => t.name === spec.target)!;
    const foreign = targetKeys(raw).filter(k => !isTargetKey(k, spec.target));
    const problems: ConfigProblem[] = foreign.map(k => ({ key: key(k), value: raw[k],
        allowed: `settings of another target; this stack's target is ${spec.target} (remove ${key(k)})` }));
    const settings = Object.fromEntries(Object.entries(raw).filter(([k]) => isTargetKey(k, spec.target)));
    const target = collectProblems(problems, () => registration.load().create(spec, settings));
    if (problems.length > 0 || !target) throw new ConfigError(problems);
    return target;
}
