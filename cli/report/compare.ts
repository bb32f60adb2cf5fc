// What a change does to the verdict: findings present now and not in the base (introduced), and findings of the
// base that are gone (fixed). A finding is the same across commits when its stack, policy and resource URN are.

import type { BaseComparison, CheckReport } from "./model";
import { findingKey } from "./model";

export function compareWithBase(head: CheckReport, base: CheckReport, ref: string, commit: string): BaseComparison {
    const keyed = (r: CheckReport) => new Map(r.stacks.flatMap(s =>
        s.findings.map(f => [findingKey(s.stack, f), { ...f, stack: s.stack }] as const)));
    const now = keyed(head);
    const before = keyed(base);
    return {
        ref,
        commit,
        introduced: [...now.entries()].filter(([k]) => !before.has(k)).map(([, f]) => f),
        fixed: [...before.entries()].filter(([k]) => !now.has(k)).map(([, f]) => f),
    };
}
