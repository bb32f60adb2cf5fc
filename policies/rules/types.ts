// Which resource a type token names, whatever API version or earlier name the program used: the catalogue
// (catalog/resource-types.ts) resolves versioned azure-native tokens (`azure-native:containerservice/v20240101:
// ManagedCluster`, or a v3 local package's `azure-native_containerservice_v20240101:...`) and renamed ones
// (`azure-native:documentdb:DatabaseAccount` is now `cosmosdb`) to the entry the rules are declared on. The policy
// wrapper already hands rules that token as `type`; the API version comes from `registeredType`.

import { canonicalType } from "../catalog/resource-types";

/** The token rules are declared on, for a (possibly versioned or renamed) type token. */
export function resourceTypeOf(type: string): string {
    return canonicalType(type);
}

/** The API version of a versioned token (`2024-01-01`, `2025-01-02-preview`), or undefined for a default token. */
export function apiVersionOf(type: string): string | undefined {
    const m = /\/v(\d{4})(\d{2})(\d{2})(preview|privatepreview)?:/.exec(type);
    return m ? `${m[1]}-${m[2]}-${m[3]}${m[4] ? `-${m[4]}` : ""}` : undefined;
}
