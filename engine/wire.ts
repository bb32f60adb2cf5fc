// Pulumi's wire format for property values (what the SDK sends the engine and the engine sends analyzers):
// unknowns, secrets, resource references, assets and archives are marked with special strings. `plain` turns a
// wire value into something a reader can see: secrets masked, unknowns named.

type Marker = "UNKNOWN" | "SIG" | "SECRET_SIG" | "RESOURCE_SIG" | "ASSET_SIG" | "ARCHIVE_SIG" | "OUTPUT_SIG";
// One list of the markers for the engine and its language host (plain JavaScript: see wire-signatures.js).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const markers: Readonly<Record<Marker, string>> = require("./wire-signatures");

export const { UNKNOWN, SIG, SECRET_SIG, RESOURCE_SIG, ASSET_SIG, ARCHIVE_SIG, OUTPUT_SIG } = markers;

/** How the JSON and text reports show values that have no plain form. */
export const SHOWN_SECRET = "[secret]";
export const SHOWN_UNKNOWN = "[unknown]";

export function isSecret(v: unknown): v is { value: unknown } {
    return !!v && typeof v === "object" && (v as any)[SIG] === SECRET_SIG;
}

export function secret(value: unknown): Record<string, unknown> {
    return isSecret(value) ? (value as any) : { [SIG]: SECRET_SIG, value };
}

export function plain(v: unknown): unknown {
    if (v === UNKNOWN) return SHOWN_UNKNOWN;
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") {
        const o = v as Record<string, any>;
        switch (o[SIG]) {
            case SECRET_SIG: return SHOWN_SECRET;
            case RESOURCE_SIG: return o.urn;
            case ASSET_SIG: return o.path ?? o.uri ?? "[asset]";
            case ARCHIVE_SIG: return o.path ?? o.uri ?? "[archive]";
            case OUTPUT_SIG:
                if (o.secret) return SHOWN_SECRET;
                return "value" in o ? plain(o.value) : SHOWN_UNKNOWN;
        }
        const out: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(o)) out[k] = plain(val);
        return out;
    }
    return v;
}
