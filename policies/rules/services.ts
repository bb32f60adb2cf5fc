// The rules declared as data (checks/): property checks, service firewalls, private endpoints and network security
// rules, each turned into its policy's predicate by one evaluator. Policies that also have hand-written checks
// (OVHcloud and S3 specifics in isolation.ts and keys.ts) get both; pack.ts joins them by name. Firewalls open to
// the internet belong to no-public-data-access and security rules to no-public-addresses: the policy runtime
// decodes every resource once per policy, so a concern gets a policy of its own only where it is one.

import { FIREWALL_CHECKS, PRIVATE_LINK_TYPES, PROPERTY_CHECKS } from "../checks";
import { Predicate, ResourceCheck } from "../framework/policy";
import { declaredPredicates, indexChecks } from "./declared";
import { firewallPredicate } from "./firewall";
import { privateLinkPredicate } from "./private-link";
import { SECURITY_RULES } from "./security-rules";

const DECLARED = declaredPredicates(indexChecks(PROPERTY_CHECKS));

export const SERVICES: Readonly<Record<string, Predicate>> = {
    ...DECLARED,
    "no-public-data-access": { scope: "resource",
        checks: [...DECLARED["no-public-data-access"].checks as ResourceCheck[], ...firewallPredicate(FIREWALL_CHECKS).checks as ResourceCheck[]] },
    "private-endpoints": privateLinkPredicate(PRIVATE_LINK_TYPES),
    "no-public-addresses": SECURITY_RULES,
};
