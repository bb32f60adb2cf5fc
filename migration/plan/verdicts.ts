// Policy verdicts side by side. URNs differ from one cloud to another, so a finding is matched across the two
// stacks by its policy and the capability (or building block) its resource serves: `keys-rotated @ project:p:key`
// on Azure and on OVH are the same finding, whatever resource carries it. What stays unmatched is then matched one
// to one by policy and building block: a cluster that carries the system pool on one cloud and serves no single
// pool on another is still the same cluster.

import type { RehearsalFinding, VerdictComparison } from "./model";
import type { Identity } from "./parity";

export interface SideFinding {
    readonly policy: string;
    readonly level: "mandatory" | "advisory";
    readonly exempt: boolean;
    readonly message: string;
    readonly urn: string;
}

export function compareVerdicts(source: readonly SideFinding[], sourceIdentity: ReadonlyMap<string, Identity>,
                                target: readonly SideFinding[], targetIdentity: ReadonlyMap<string, Identity>): VerdictComparison {
    const s = source.map(f => withIdentity(f, sourceIdentity));
    const t = target.map(f => withIdentity(f, targetIdentity));
    const exact = (f: RehearsalFinding) => `${f.policy}@${f.identity}`;
    const loose = (f: RehearsalFinding) => `${f.policy}@${f.area}`;
    // Second pass, one to one: a policy raised once in a block on each side, and matched nowhere else, is the same
    // finding (the cluster). One against several (an account against its buckets) stays apart.
    const sExact = new Set(s.map(exact));
    const tExact = new Set(t.map(exact));
    const lone = (fs: RehearsalFinding[], other: Set<string>) => {
        const groups = new Map<string, Set<string>>();
        for (const f of fs.filter(x => !other.has(exact(x)))) {
            groups.set(loose(f), (groups.get(loose(f)) ?? new Set()).add(exact(f)));
        }
        return new Set([...groups.entries()].filter(([, ids]) => ids.size === 1).map(([k]) => k));
    };
    const sLone = lone(s, tExact);
    const tLone = lone(t, sExact);
    const inTarget = (f: RehearsalFinding) => tExact.has(exact(f)) || (sLone.has(loose(f)) && tLone.has(loose(f)));
    const inSource = (f: RehearsalFinding) => sExact.has(exact(f)) || (tLone.has(loose(f)) && sLone.has(loose(f)));
    return {
        source: s,
        target: t,
        resolved: dedupe(s.filter(f => !inTarget(f)), exact),
        introduced: dedupe(t.filter(f => !inSource(f)), exact),
        kept: dedupe(t.filter(f => inSource(f)), exact),
        targetMandatory: t.filter(f => f.level === "mandatory" && !f.exempt).length,
    };
}

function withIdentity(f: SideFinding, identities: ReadonlyMap<string, Identity>): RehearsalFinding {
    const where = identities.get(f.urn) ?? { identity: "stack", area: "stack" };
    return { policy: f.policy, level: f.level, exempt: f.exempt, message: f.message, urn: f.urn, ...where };
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
