// Service firewalls open to everyone: runs the firewall declarations (checks/firewall.ts) on a resource, each
// entry on its own, and names the entry, what it lets in and what to write instead.

import { FirewallCheck } from "../checks/model";
import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, ResourceInput, isUnknownValueError } from "../framework/policy";
import { Openness, openness, rangeOpenness } from "./addresses";
import { holds, valuesAt } from "./declared";
import { resourceTypeOf } from "./types";

function entryFindings(check: FirewallCheck, props: unknown): Finding[] {
    const findings: Finding[] = [];
    const report = (where: string, o: Openness) => {
        if (!o.open) return;
        const who = o.what === "azure" ? "every Azure tenant's resources" : "the whole internet";
        findings.push(violation(`\`${where}\` lets in ${o.describe}, that is ${who}: ${check.fix}.`));
    };
    for (const field of check.fields) {
        if (field.kind === "range") {
            const [start] = valuesAt(props, field.start);
            const [end] = valuesAt(props, field.end);
            report(`${field.start}\`-\`${field.end}`, rangeOpenness(start.value, end.value, check.zeroMeansAzure));
            continue;
        }
        for (const f of valuesAt(props, field.property)) {
            if (field.skipIf?.some(c => holds(f.element, c))) continue;
            report(f.at, openness(f.value, check.zeroMeansAzure));
        }
    }
    return findings;
}

export function firewallPredicate(checks: readonly FirewallCheck[]): Predicate {
    const byType = new Map<string, FirewallCheck[]>();
    for (const c of checks) for (const t of c.types) (byType.get(t) ?? byType.set(t, []).get(t)!).push(c);
    return {
        scope: "resource",
        checks: [(r: ResourceInput) => {
            const found: Finding[] = [];
            for (const check of byType.get(resourceTypeOf(r.type)) ?? []) {
                try {
                    found.push(...entryFindings(check, r.props));
                } catch (e) {
                    if (!isUnknownValueError(e)) throw e;
                    found.push(cannotVerify(`A firewall entry (.${e.props.join(".")}) is unknown until the update runs; ` +
                        "whether it opens the service to the internet is judged then."));
                }
            }
            return found;
        }],
    };
}
