// Policy verdicts side by side. URNs differ from one cloud to another, so a finding is matched across the two
// stacks by its policy and the capability (or building block) its resource serves: `keys-rotated @ project:p:key`
// on Azure and on OVH are the same finding, whatever resource carries it.

import type { RehearsalFinding, VerdictComparison } from "./model";

export interface SideFinding {
    readonly policy: string;
    readonly level: "mandatory" | "advisory";
    readonly exempt: boolean;
    readonly message: string;
    readonly urn: string;
}

export function compareVerdicts(source: readonly SideFinding[], sourceIdentity: ReadonlyMap<string, string>,
                                target: readonly SideFinding[], targetIdentity: ReadonlyMap<string, string>): VerdictComparison {
    const s = source.map(f => withIdentity(f, sourceIdentity));
    const t = target.map(f => withIdentity(f, targetIdentity));
    const key = (f: RehearsalFinding) => `${f.policy}@${f.identity}`;
    const inSource = new Set(s.map(key));
    const inTarget = new Set(t.map(key));
    return {
        source: s,
        target: t,
        resolved: dedupe(s.filter(f => !inTarget.has(key(f))), key),
        introduced: dedupe(t.filter(f => !inSource.has(key(f))), key),
        kept: dedupe(t.filter(f => inSource.has(key(f))), key),
        targetMandatory: t.filter(f => f.level === "mandatory" && !f.exempt).length,
    };
}

function withIdentity(f: SideFinding, identities: ReadonlyMap<string, string>): RehearsalFinding {
    return { policy: f.policy, level: f.level, exempt: f.exempt, message: f.message, urn: f.urn,
        identity: identities.get(f.urn) ?? "stack" };
}

/** One line per policy and identity: several resources of one capability raising one policy are one difference. */
function dedupe(findings: readonly RehearsalFinding[], key: (f: RehearsalFinding) => string): RehearsalFinding[] {
    const seen = new Map<string, RehearsalFinding>();
    for (const f of findings) {
        const k = key(f);
        const had = seen.get(k);
        // Keep the most severe: a mandatory finding must not hide behind an advisory one of the same identity.
        if (!had || (had.level === "advisory" && f.level === "mandatory")) seen.set(k, f);
    }
    return [...seen.values()];
}
