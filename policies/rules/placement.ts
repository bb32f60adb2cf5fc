// Where a resource runs: its cloud and the region names it carries. Cloud-bound packages (azure-native, ovh) say
// so by their type; portable ones (MinIO, Vault) are placed by their provider's endpoint.

import { Cloud, JURISDICTIONS, Jurisdiction, REGIONS, RegionEntry, RegionService, countryAllowed, findRegion } from "../catalog/regions";
import { ENDPOINTS, Placement, placeEndpoint } from "../catalog/endpoints";
import { classify, regionServiceOf } from "../catalog/services";
import { ResourceInput, isUnknownValueError } from "../framework/policy";
import { at, list, str } from "../framework/props";

export interface RegionClaim {
    /** The property path that names the region, for the finding. */
    readonly path: string;
    /** Reads the value; throws the runtime's unknown-value error when it is unknown during preview. */
    readonly read: () => unknown;
    readonly service: RegionService;
}

/**
 * The region names a resource carries, each read on its own: an unknown list of nodes must not hide a known
 * region elsewhere on the resource (the property test found exactly that).
 */
export function regionClaims(r: ResourceInput): RegionClaim[] {
    const service = regionServiceOf(r.type);
    const claim = (path: string, read: () => unknown): RegionClaim => ({ path, read, service });
    /** The claims of a list, or one claim that rethrows when the list itself is unknown. */
    const each = (path: string, items: () => unknown, pick: (item: unknown) => unknown, suffix = "") => {
        let values: unknown[];
        try {
            values = list(items());
        } catch (e) {
            if (!isUnknownValueError(e)) throw e;
            return [claim(path, () => { throw e; })];
        }
        return values.map((_, i) => claim(`${path}[${i}]${suffix}`, () => pick(list(items())[i])));
    };
    if (r.type.startsWith("azure-native:")) {
        return "location" in r.props ? [claim("location", () => r.props.location)] : [];
    }
    if (r.type.startsWith("ovh:")) {
        const claims = ["region", "regionName"].filter(k => k in r.props).map(k => claim(k, () => r.props[k]));
        if ("regions" in r.props) claims.push(...each("regions", () => r.props.regions, v => v));
        if ("nodes" in r.props) claims.push(...each("nodes", () => r.props.nodes, n => at(n, "region"), ".region"));
        return claims;
    }
    return [];
}

/** Azure resource types that always carry a location; a missing one would be taken from defaults the pack cannot see. */
export const AZURE_LOCATED_TYPES = new Set([
    "azure-native:resources:ResourceGroup", "azure-native:storage:StorageAccount", "azure-native:keyvault:Vault",
    "azure-native:keyvault:ManagedHsm", "azure-native:containerservice:ManagedCluster",
    "azure-native:dbforpostgresql:Server", "azure-native:compute:DiskEncryptionSet", "azure-native:compute:Disk",
    "azure-native:network:VirtualNetwork", "azure-native:network:PublicIPAddress",
]);

export function regionsWith(overrides: unknown): readonly RegionEntry[] {
    const extra = list(overrides).map(o => ({ ...(o as RegionEntry), services: (o as RegionEntry).services ?? ["any"] }));
    return [...REGIONS, ...extra];
}

export type RegionVerdict =
    | { readonly ok: true; readonly entry: RegionEntry }
    | { readonly ok: false; readonly reason: string };

/** Judges one region name of a cloud against the catalogue and the jurisdiction (unknown: refused). */
export function judgeRegion(cloud: Cloud, value: unknown, service: RegionService, jurisdiction: Jurisdiction,
                            regions: readonly RegionEntry[]): RegionVerdict {
    const name = str(value);
    if (name === undefined || name.trim() === "") {
        return { ok: false, reason: `names no region (${JSON.stringify(value) ?? "nothing"})` };
    }
    const entry = findRegion(cloud, name, service, regions);
    if (!entry) {
        const known = regions.filter(r => r.cloud === cloud && countryAllowed(r.country, jurisdiction) &&
            (r.services.includes("any") || r.services.includes(service))).map(r => r.name);
        return { ok: false, reason: `is in region "${name}", which the ${cloud} region catalogue does not know ` +
            `(allowed in ${jurisdiction}: ${known.join(", ") || "none"})` };
    }
    if (!countryAllowed(entry.country, jurisdiction)) {
        return { ok: false, reason: `is in region "${name}" (${entry.country}), outside jurisdiction ${jurisdiction} ` +
            `(${(JURISDICTIONS[jurisdiction] as readonly string[]).join(", ")})` };
    }
    return { ok: true, entry };
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
