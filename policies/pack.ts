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
import { SERVICES } from "./rules/services";
import { KUBERNETES } from "./rules/kubernetes";
import { PROJECT_RBAC } from "./rules/project-rbac";
import { KEY_LIFETIME } from "./rules/key-lifetime";
import { FLOWS } from "./rules/flows";
import { catalog } from "./catalog/resource-types";

export const PACK_NAME = "health-data-sovereignty";
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

/** Predicates of the same policy from several rule files, as one: their checks run one after the other. */
export function combine(...groups: Readonly<Record<string, Predicate>>[]): Record<string, Predicate> {
    const out: Record<string, Predicate> = {};
    for (const group of groups) {
        for (const [name, p] of Object.entries(group)) {
            const prior = out[name];
            if (!prior) { out[name] = p; continue; }
            if (prior.scope !== p.scope) throw new Error(`policy ${name}: rule files disagree on its scope (${prior.scope}, ${p.scope})`);
            out[name] = { scope: p.scope, checks: [...prior.checks, ...p.checks] } as Predicate;
        }
    }
    return out;
}

export const PREDICATES: Readonly<Record<string, Predicate>> = combine(RESIDENCY, JURISDICTION, KEYS, ISOLATION, STACK, SERVICES,
    KUBERNETES, PROJECT_RBAC, KEY_LIFETIME, FLOWS);

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
