// Where a resource runs: its cloud and the regions it names. Cloud-bound packages (azure-native, ovh) say so by
// their type, and the catalogue of resource types lists every field that names a region; portable ones (MinIO,
// Vault) are placed by their provider's endpoint.

import { Cloud, JURISDICTIONS, Jurisdiction, REGIONS, RegionEntry, RegionService, countryAllowed, findRegion } from "../catalog/regions";
import { ENDPOINTS, Placement, placeEndpoint } from "../catalog/endpoints";
import { FieldInfo, fieldsOf, readField } from "../catalog/resource-types";
import { ResourceClass, classify, regionServiceOf } from "../catalog/services";
import { ResourceInput, isUnknownValueError } from "../framework/policy";
import { list, peek, str } from "../framework/props";

/** Whether a region field holds a copy of the data (a backup, a replica, a failover or replication target). */
const COPY_WORDS = /(backup|replica|replicat|failover|secondary|partner|destination|target|remote|paired|geo|recovery|dr[A-Z])/i;

export interface RegionClaim {
    /** The property path that names the region, for the finding (`locations[1].locationName`). */
    readonly path: string;
    /** Reads the value; throws the runtime's unknown-value error when it is unknown during preview. */
    readonly read: () => unknown;
    readonly service: RegionService;
    /** Where the value comes from when the resource does not set it (the provider's configuration). */
    readonly from?: string;
}

/** The claims of one catalogue field: one per value found, or one that rethrows when the field is unknown. */
function fieldClaims(r: ResourceInput, field: FieldInfo, service: RegionService): RegionClaim[] {
    try {
        return readField(r.props, field.path).map(v => ({ path: v.path, read: () => v.value, service }));
    } catch (e) {
        if (!isUnknownValueError(e)) throw e;
        return [{ path: field.path.replace(/\[\]|\{\}/g, ""), read: () => { throw e; }, service }];
    }
}

/** A resource's own location fields and, for data stores, the other regions it serves from. */
export function regionClaims(r: ResourceInput, cls: ResourceClass): RegionClaim[] {
    const service = regionServiceOf(r.type);
    if (!cls.info) {
        // A type the installed SDK does not declare: its top-level region fields, as every provider names them.
        return ["location", "region", "regionName"].filter(k => k in r.props)
            .map(k => ({ path: k, read: () => r.props[k], service }));
    }
    const fields = [...fieldsOf(cls.info, "location"),
        ...(cls.holdsData ? fieldsOf(cls.info, "region").filter(f => !COPY_WORDS.test(f.path)) : [])];
    return fields.flatMap(f => fieldClaims(r, f, service));
}

/** The regions a data store copies its data to: backup regions, replicas, replication and failover targets. */
export function copyClaims(r: ResourceInput, cls: ResourceClass): RegionClaim[] {
    if (!cls.info) return [];
    const service = regionServiceOf(r.type);
    return fieldsOf(cls.info, "region").filter(f => COPY_WORDS.test(f.path)).flatMap(f => fieldClaims(r, f, service));
}

/** Whether the type has a top-level `location` that Azure fills in when the program leaves it out. */
export function takesDefaultLocation(r: ResourceInput, cls: ResourceClass): boolean {
    return cls.cloud === "azure" && !!cls.info && fieldsOf(cls.info, "location").some(f => f.path === "location") &&
        !present(r.props, "location");
}

function present(props: unknown, key: string): boolean {
    try {
        const v = (props as Record<string, unknown>)[key];
        return v !== undefined && v !== null && v !== "";
    } catch (e) {
        if (isUnknownValueError(e)) return true;
        throw e;
    }
}

/**
 * The location the azure-native provider gives a resource that sets none: its own `location` setting (the stack's
 * `azure-native:location` for the default provider, the `location` argument of an explicit one). The provider
 * fills it in during Check, before policies see the resource in a real preview; offline, the provider's
 * configuration is in the request, so the pack applies the same default.
 */
export function providerLocation(r: ResourceInput): string | undefined {
    if (!r.provider || !r.provider.type.startsWith("pulumi:providers:azure-native")) return undefined;
    const value = str(peek(r.provider.props, "location"));
    return value && value.trim() !== "" ? value : undefined;
}

export function regionsWith(overrides: unknown): readonly RegionEntry[] {
    const extra = list(overrides).map(o => ({ ...(o as RegionEntry), services: (o as RegionEntry).services ?? ["any"] }));
    return [...REGIONS, ...extra];
}

export type RegionVerdict =
    | { readonly ok: true; readonly entry: RegionEntry }
    | { readonly ok: false; readonly reason: string; readonly unknown?: boolean };

/** Judges one region name of a cloud against the catalogue and the jurisdiction (unknown: refused). */
export function judgeRegion(cloud: Cloud, value: unknown, service: RegionService, jurisdiction: Jurisdiction,
                            regions: readonly RegionEntry[]): RegionVerdict {
    const name = str(value);
    if (name === undefined || name.trim() === "") {
        return { ok: false, reason: `names no region (${JSON.stringify(value) ?? "nothing"})`, unknown: true };
    }
    const entry = findRegion(cloud, name, service, regions);
    if (!entry) {
        return { ok: false, unknown: true, reason: `is in region "${name}", which the ${cloud} region catalogue does not know ` +
            `(allowed in ${jurisdiction}: ${allowedNames(cloud, service, jurisdiction, regions)})` };
    }
    if (!countryAllowed(entry.country, jurisdiction)) {
        return { ok: false, reason: `is in region "${name}" (${entry.country}), outside jurisdiction ${jurisdiction} ` +
            `(${(JURISDICTIONS[jurisdiction] as readonly string[]).join(", ")})` };
    }
    return { ok: true, entry };
}

/** The region names of a cloud's service inside a jurisdiction, for a finding's fix. */
export function allowedNames(cloud: Cloud, service: RegionService, jurisdiction: Jurisdiction, regions: readonly RegionEntry[]): string {
    return regions.filter(r => r.cloud === cloud && countryAllowed(r.country, jurisdiction) &&
        (service === "any" || r.services.includes("any") || r.services.includes(service))).map(r => r.name).join(", ") || "none";
}

/** Where a portable resource runs, from its provider's endpoint. */
export function portablePlacement(r: ResourceInput): Placement | undefined {
    const kind = classify(r.type)?.portable;
    if (kind === "minio") return placeEndpoint(r.provider ? r.provider.props.minioServer : undefined, ENDPOINTS);
    if (kind === "vault") return placeEndpoint(r.provider ? r.provider.props.address : undefined, ENDPOINTS);
    return undefined;
}

/** The cloud a resource runs on, when it can be told. */
export function cloudOf(r: ResourceInput): Cloud | undefined {
    const cls = classify(r.type);
    if (cls?.cloud) return cls.cloud;
    const placed = portablePlacement(r);
    return placed?.kind === "cloud" ? placed.cloud : undefined;
}
