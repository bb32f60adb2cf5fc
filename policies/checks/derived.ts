// Checks derived from the generated catalogue (catalog/resource-types.generated.json) for every data-holding type
// the hand-written declarations do not cover: a `publicNetworkAccess` switch must be Disabled, a `disableLocalAuth`
// switch true, a minimum TLS version at least 1.2, a `keySource` the Key Vault one. The hand-written rows stay the
// reference (they carry the documented defaults and the conditions that make a check moot); these rows give a new
// data service of the SDK the same four checks the day the catalogue is regenerated.

import { catalog, fieldsOf, typeInfo } from "../catalog/resource-types";
import { PropertyCheck } from "./model";

const SOURCE = "field of the generated resource-type catalogue (installed SDK)";

/** One derived row per rule shape, from a catalogue field. */
const SHAPES: readonly {
    readonly policy: string;
    readonly category: "exposure" | "auth" | "tls" | "encryption";
    readonly matches: (path: string, values: readonly string[] | undefined) => boolean;
    readonly make: (path: string, values: readonly string[] | undefined, documentedDefault: string | undefined) => Omit<PropertyCheck, "id" | "policy" | "types" | "source">;
}[] = [
    {
        policy: "no-public-data-access", category: "exposure",
        matches: (path, values) => /(^|\.)publicNetworkAccess$/.test(path) && (!values || values.some(v => /^disabled$/i.test(v))),
        make: (path, _values, d) => ({
            property: path, problem: "Public network access is allowed", require: { in: ["Disabled", "SecuredByPerimeter"] }, fix: "Disabled",
            whenAbsent: d && /disabled/i.test(d) ? "pass" : { default: "Enabled" },
        }),
    },
    {
        policy: "no-shared-keys", category: "auth",
        matches: path => /(^|\.)disableLocalAuth$/.test(path),
        make: (path, _values, d) => ({
            property: path, problem: "Local (key or password) authentication is allowed", require: { equals: true }, fix: "true",
            whenAbsent: d && /^true$/i.test(d) ? "pass" : { default: false },
        }),
    },
    {
        // Without a documented default the version is left to the service's own (no finding when absent).
        policy: "tls-minimum", category: "tls",
        matches: path => /(^|\.)minim(um|al)TlsVersion$/.test(path),
        make: path => ({ property: path, problem: "Clients may connect with TLS older than 1.2", require: { tlsAtLeast: "1.2" }, fix: "1.2", whenAbsent: "pass" }),
    },
    {
        policy: "customer-managed-encryption", category: "encryption",
        matches: (path, values) => /(^|\.)keySource$/.test(path) && !!values?.some(v => /keyvault/i.test(v)),
        make: (path, values) => {
            const keyVault = values!.find(v => /keyvault/i.test(v))!;
            return { property: path, problem: "Data at rest is encrypted with a Microsoft-managed key, not one the customer holds",
                require: { equals: keyVault }, fix: `${keyVault}, with the key's vault properties`, whenAbsent: "fail" };
        },
    },
];

/** The derived rows for every data-holding type of the catalogue whose (type, policy) no declaration covers. */
export function derivedChecks(declared: readonly PropertyCheck[]): PropertyCheck[] {
    const covered = new Set(declared.flatMap(c => c.types.map(t => `${c.policy} ${t}`)));
    const rows: PropertyCheck[] = [];
    for (const token of Object.keys(catalog().types)) {
        const info = typeInfo(token);
        if (!info?.holdsData) continue;
        for (const shape of SHAPES) {
            if (covered.has(`${shape.policy} ${token}`)) continue;
            for (const field of fieldsOf(info, shape.category)) {
                // Catalogue paths mark lists with `[]`; declarations with `[*]`.
                const path = field.path.replace(/\[\]/g, "[*]");
                if (path.includes("{}") || !shape.matches(path, field.values)) continue;
                rows.push({ id: `catalogue:${shape.policy}:${token}:${path}`, policy: shape.policy, types: [token], source: { docs: [SOURCE] },
                    ...shape.make(path, field.values, field.documentedDefault) });
            }
        }
    }
    return rows;
}
