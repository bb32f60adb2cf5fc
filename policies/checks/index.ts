// Every declared check, for the one evaluator and for the coverage table: adding a service is adding rows here.

import { AUTHENTICATION_CHECKS, SERVER_SETTING_CHECKS } from "./authentication";
import { CLUSTER_CHECKS } from "./cluster";
import { CUSTOMER_KEY_CHECKS } from "./customer-keys";
import { PropertyCheck } from "./model";
import { PUBLIC_ACCESS_CHECKS } from "./public-access";
import { TRANSPORT_CHECKS } from "./transport";

export { FIREWALL_CHECKS } from "./firewall";
export { PRIVATE_LINK_TYPES } from "./private-link";
export { KEY_CONSUMERS } from "./key-consumers";
export { EXPOSED_PORTS } from "./ports";

export const PROPERTY_CHECKS: readonly PropertyCheck[] = [
    ...PUBLIC_ACCESS_CHECKS, ...TRANSPORT_CHECKS, ...CUSTOMER_KEY_CHECKS, ...AUTHENTICATION_CHECKS, ...SERVER_SETTING_CHECKS,
    ...CLUSTER_CHECKS,
];
