// Which resource a type token names, whatever API version or earlier name the program used: the catalogue
// (catalog/resource-types.ts) resolves versioned azure-native tokens (`azure-native:containerservice/v20240101:
// ManagedCluster`) and renamed ones (`azure-native:documentdb:DatabaseAccount` is now `cosmosdb`) to the entry the
// rules are declared on. Tokens the installed SDKs do not know are only stripped of their API version.

import { typeInfo, unversionedType } from "../catalog/resource-types";

const memo = new Map<string, string>();

/** The token rules are declared on, for a (possibly versioned or renamed) type token. */
export function resourceTypeOf(type: string): string {
    let base = memo.get(type);
    if (base === undefined) {
        base = typeInfo(type)?.token ?? unversionedType(type);
        memo.set(type, base);
    }
    return base;
}

/** The API version of a versioned token (`2024-01-01`, `2025-01-02-preview`), or undefined for a default token. */
export function apiVersionOf(type: string): string | undefined {
    const m = /\/v(\d{4})(\d{2})(\d{2})(preview|privatepreview)?:/.exec(type);
    return m ? `${m[1]}-${m[2]}-${m[3]}${m[4] ? `-${m[4]}` : ""}` : undefined;
}
