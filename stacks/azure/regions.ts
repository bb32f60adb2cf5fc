// The Azure regions the warehouse may be configured with. Every Azure service spells a region the same way, so
// a neutral name maps to one spelling; the table also lists regions outside France and the EU so that a slip is
// refused by name ("westus is in US") rather than as unknown. The sovereignty catalogue has the last word.

import { Jurisdiction, countryAllowed, findRegion } from "../../policies/catalog/regions";
import { RegionNames, resolveRegion, zonesOf } from "../../components/residency";
import { ConfigError } from "../../components/errors";
import { key } from "../../components/model";

export const DEFAULT_REGION = "francecentral";

const REGION_NAMES = [
    "francecentral", "francesouth", "westeurope", "northeurope", "germanywestcentral", "germanynorth",
    "swedencentral", "polandcentral", "italynorth", "spaincentral", "austriaeast", "norwayeast",
    "switzerlandnorth", "uksouth", "eastus", "westus", "canadacentral",
] as const;

export const AZURE_REGIONS: Readonly<Record<string, RegionNames<"any">>> =
    Object.fromEntries(REGION_NAMES.map(name => [name, { any: name }]));

/**
 * Service tags carry the region in PascalCase (`Storage.FranceCentral`); network rules use them to open the
 * platform services a region's database needs, and nothing wider.
 */
const SERVICE_TAG_SPELLING: Readonly<Record<string, string>> = {
    francecentral: "FranceCentral", francesouth: "FranceSouth", westeurope: "WestEurope",
    northeurope: "NorthEurope", germanywestcentral: "GermanyWestCentral", germanynorth: "GermanyNorth",
    swedencentral: "SwedenCentral", polandcentral: "PolandCentral", italynorth: "ItalyNorth",
    spaincentral: "SpainCentral", austriaeast: "AustriaEast", norwayeast: "NorwayEast",
    switzerlandnorth: "SwitzerlandNorth", uksouth: "UKSouth", eastus: "EastUS", westus: "WestUS",
    canadacentral: "CanadaCentral",
};

export interface AzureRegion {
    readonly name: string;
    /** Availability zones from the catalogue: the cluster, firewall and database spread across them. */
    readonly zones: readonly string[];
    /** The suffix of regional service tags, e.g. `FranceCentral`. */
    readonly serviceTag: string;
}

/**
 * The configured region, checked against the jurisdiction; refused when the catalogue lists no availability
 * zones (zone-redundant storage, cluster and database need at least three).
 */
export function resolveAzureRegion(configured: string | undefined, jurisdiction: Jurisdiction): AzureRegion {
    const name = resolveRegion("azure", configured ?? DEFAULT_REGION, AZURE_REGIONS, jurisdiction).any;
    const zones = zonesOf("azure", name);
    if (zones.length < 3) {
        const zoned = Object.keys(AZURE_REGIONS).filter(r => zonesOf("azure", r).length >= 3 &&
            countryAllowed(findRegion("azure", r)!.country, jurisdiction));
        throw ConfigError.single(key("region"), configured ?? DEFAULT_REGION,
            `a region with three availability zones (zone-redundant storage, cluster and database); ${name} has ` +
            `none in the catalogue. zoned regions inside jurisdiction ${jurisdiction}: ${zoned.join(", ")}`);
    }
    return { name, zones, serviceTag: SERVICE_TAG_SPELLING[name] };
}
