// Every declared check, for the one evaluator and for the coverage table: adding a service is adding rows here.

import { AUTHENTICATION_CHECKS, SERVER_SETTING_CHECKS } from "./authentication";
import { CLUSTER_CHECKS } from "./cluster";
import { CUSTOMER_KEY_CHECKS } from "./customer-keys";
import { derivedChecks } from "./derived";
import { PropertyCheck } from "./model";
import { PUBLIC_ACCESS_CHECKS } from "./public-access";
import { TRANSPORT_CHECKS } from "./transport";

export { FIREWALL_CHECKS } from "./firewall";
export { PRIVATE_LINK_TYPES } from "./private-link";
export { KEY_CONSUMERS } from "./key-consumers";
export { EXPOSED_PORTS } from "./ports";

/** The hand-written declarations: each with its documented default and the Azure Policy or Checkov rule it mirrors. */
export const DECLARED_CHECKS: readonly PropertyCheck[] = [
    ...PUBLIC_ACCESS_CHECKS, ...TRANSPORT_CHECKS, ...CUSTOMER_KEY_CHECKS, ...AUTHENTICATION_CHECKS, ...SERVER_SETTING_CHECKS,
    ...CLUSTER_CHECKS,
];

/** Every property check: the declarations, then the catalogue's data-holding types they leave uncovered. */
export const PROPERTY_CHECKS: readonly PropertyCheck[] = [...DECLARED_CHECKS, ...derivedChecks(DECLARED_CHECKS)];
