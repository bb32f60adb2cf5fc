// Which resource a type token names, whatever API version the program chose: azure-native publishes each resource
// under its default token (`azure-native:containerservice:ManagedCluster`) and, for programs generated against an
// explicit API version, under versioned ones (`azure-native:containerservice/v20240101:ManagedCluster`,
// `.../v20250102preview:...`). Rules are declared on the default token; a versioned token is judged the same way.

const VERSIONED = /^azure-native:([A-Za-z0-9]+)\/v\d{8}(?:preview|privatepreview)?:([A-Za-z0-9]+)$/;

const memo = new Map<string, string>();

/** The default token of a (possibly versioned) resource type token. */
export function resourceTypeOf(type: string): string {
    let base = memo.get(type);
    if (base === undefined) {
        const m = VERSIONED.exec(type);
        base = m ? `azure-native:${m[1]}:${m[2]}` : type;
        memo.set(type, base);
    }
    return base;
}

/** The API version of a versioned token (`2024-01-01`, `2025-01-02-preview`), or undefined for a default token. */
export function apiVersionOf(type: string): string | undefined {
    const m = /\/v(\d{4})(\d{2})(\d{2})(preview|privatepreview)?:/.exec(type);
    return m ? `${m[1]}-${m[2]}-${m[3]}${m[4] ? `-${m[4]}` : ""}` : undefined;
}
