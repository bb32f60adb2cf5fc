// Resolves the configured region against the sovereignty catalogue, so a region outside the jurisdiction is
// refused at config time with the same table the policy pack judges by.

import { Cloud, Jurisdiction, RegionService, countryAllowed, findRegion, REGIONS } from "../policies/catalog/regions";
import { ConfigError } from "./errors";
import { key } from "./model";

/** How one neutral region is spelled by each of a cloud's services. */
export type RegionNames<S extends RegionService> = Readonly<Record<S, string>>;

/**
 * Looks the configured region up in a target's table, checks every service's spelling against the catalogue
 * (unknown: refused) and the jurisdiction (outside: refused), and returns the spellings.
 */
export function resolveRegion<S extends RegionService>(
    cloud: Cloud, configured: string, table: Readonly<Record<string, RegionNames<S>>>, jurisdiction: Jurisdiction,
): RegionNames<S> {
    const inJurisdiction = Object.keys(table).filter(name =>
        Object.entries<string>(table[name]).every(([service, spelled]) => {
            const entry = findRegion(cloud, spelled, service as RegionService);
            return entry !== undefined && countryAllowed(entry.country, jurisdiction);
        }));
    const names = table[configured] ?? table[Object.keys(table).find(n => n.toLowerCase() === configured.toLowerCase())!];
    if (!names) {
        throw ConfigError.single(key("region"), configured,
            `one of ${inJurisdiction.join(", ")} (the ${cloud} regions inside jurisdiction ${jurisdiction})`);
    }
    for (const [service, spelled] of Object.entries<string>(names)) {
        const entry = findRegion(cloud, spelled, service as RegionService);
        if (!entry) {
            throw ConfigError.single(key("region"), configured,
                `a region the sovereignty catalogue knows (${cloud} ${service} region ${spelled} is not in ` +
                `policies/catalog/regions.ts); one of ${inJurisdiction.join(", ")}`);
        }
        if (!countryAllowed(entry.country, jurisdiction)) {
            throw ConfigError.single(key("region"), configured,
                `a region inside jurisdiction ${jurisdiction} (${spelled} is in ${entry.country}); ` +
                `one of ${inJurisdiction.join(", ") || "(none)"}`);
        }
    }
    return names;
}

/** The catalogue's availability zones for a region, or none. */
export function zonesOf(cloud: Cloud, region: string, service: RegionService = "any"): readonly string[] {
    return findRegion(cloud, region, service, REGIONS)?.zones ?? [];
}
