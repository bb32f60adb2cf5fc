// Pulumi's wire format for property values (what the SDK sends the engine and the engine sends analyzers):
// unknowns, secrets, resource references, assets and archives are marked with special strings. `plain` turns a
// wire value into something a reader can see: secrets masked, unknowns named.

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

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
