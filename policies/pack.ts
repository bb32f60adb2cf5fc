// The pack's policies: metadata joined with predicates, in one explicit array. Tests and tools import this module;
// index.ts hands it to PolicyPack (which starts a server, so nothing else imports index.ts).

import { EnforcementLevel, Policies } from "@pulumi/policy";
import { POLICY_METADATA } from "./metadata";
import { Predicate, toPolicy } from "./framework/policy";
import { RESIDENCY } from "./rules/residency";
import { JURISDICTION } from "./rules/jurisdiction";
import { KEYS } from "./rules/keys";
import { ISOLATION } from "./rules/isolation";
import { STACK } from "./rules/stack";
import { catalog } from "./catalog/resource-types";

export const PACK_NAME = "health-data-sovereignty";
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const PREDICATES: Readonly<Record<string, Predicate>> = { ...RESIDENCY, ...JURISDICTION, ...KEYS, ...ISOLATION, ...STACK };

function join(): Policies {
    const missing = POLICY_METADATA.filter(m => !PREDICATES[m.name]).map(m => m.name);
    const orphans = Object.keys(PREDICATES).filter(n => !POLICY_METADATA.some(m => m.name === n));
    if (missing.length || orphans.length) {
        throw new Error(`policy table and rules disagree: no predicate for ${missing.join(", ") || "-"}; ` +
            `no metadata for ${orphans.join(", ") || "-"}`);
    }
    // Read the generated catalogue now: a missing or damaged file stops the pack at start, not on its first resource.
    catalog();
    return POLICY_METADATA.map(m => toPolicy(m, PREDICATES[m.name]));
}

export const policies: Policies = join();
