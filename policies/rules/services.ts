// The rules declared as data (checks/): property checks, service firewalls, private endpoints and network security
// rules, each turned into its policy's predicate by one evaluator. Policies that also have hand-written checks
// (storage and OVHcloud specifics in isolation.ts and keys.ts) get both; pack.ts joins them by name.

import { FIREWALL_CHECKS, PRIVATE_LINK_TYPES, PROPERTY_CHECKS } from "../checks";
import { Predicate } from "../framework/policy";
import { declaredPredicates, indexChecks } from "./declared";
import { firewallPredicate } from "./firewall";
import { privateLinkPredicate } from "./private-link";
import { SECURITY_RULES } from "./security-rules";

export const SERVICES: Readonly<Record<string, Predicate>> = {
    ...declaredPredicates(indexChecks(PROPERTY_CHECKS)),
    "no-open-firewall-rules": firewallPredicate(FIREWALL_CHECKS),
    "private-endpoints": privateLinkPredicate(PRIVATE_LINK_TYPES),
    "no-internet-ingress": SECURITY_RULES,
};
