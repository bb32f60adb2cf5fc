// Regions per cloud operator, with the country that hosts them. The program refuses a region outside the
// jurisdiction at config time and the policy pack refuses it at check time: both read this one table, so a
// region is added here once. A region missing from the table is refused (fail closed).

/** ISO 3166-1 alpha-2 country code. */
export type Country = string;

/** The cloud operators the warehouse can run on; policy rules map provider packages onto them. */
export type Cloud = "azure" | "ovhcloud" | "cloudtemple";

/** A service whose API spells region names its own way (OVH: compute `GRA11`, storage `GRA`, KMS `eu-west-gra`). */
export type RegionService = "compute" | "storage" | "kms" | "database" | "any";

export interface RegionEntry {
    readonly cloud: Cloud;
    /** As the service's API spells it; matched case-insensitively. */
    readonly name: string;
    readonly country: Country;
    /** The services that spell the region this way; "any" when every service does. */
    readonly services: readonly RegionService[];
    /** Availability zones, as the API names them, where the region has several. */
    readonly zones?: readonly string[];
    /** Where the cloud keeps geo-redundant copies (Azure region pairs); absent when the region has no pair. */
    readonly pairedWith?: string;
    /** The day the entry was checked, and where. */
    readonly asOf: string;
    readonly source: string;
}

const AZURE_SOURCE = "https://learn.microsoft.com/azure/reliability/regions-list";
const OVH_SOURCE = "https://www.ovhcloud.com/fr/public-cloud/regions-availability/";
const OVH_KMS_SOURCE = "https://help.ovhcloud.com/csm/en-kms-quick-start";
const CT_SOURCE = "https://docs.cloud-temple.com/storage/oss/quickstart";

function azure(name: string, country: Country, zones?: string[], pairedWith?: string): RegionEntry {
    return { cloud: "azure", name, country, services: ["any"], zones, pairedWith, asOf: "2026-12-01", source: AZURE_SOURCE };
}
function ovh(name: string, country: Country, services: RegionService[], zones?: string[]): RegionEntry {
    const source = services.includes("kms") ? OVH_KMS_SOURCE : OVH_SOURCE;
    return { cloud: "ovhcloud", name, country, services, zones, asOf: "2026-11-24", source };
}

export const REGIONS: readonly RegionEntry[] = [
    // Azure public cloud: every region with its country and pair, so that a region outside the jurisdiction is named
    // as such instead of "unknown". Programmatic names; display names ("France Central") are read as Azure reads
    // them (case and spaces ignored).
    azure("francecentral", "FR", ["1", "2", "3"], "francesouth"),
    azure("francesouth", "FR", undefined, "francecentral"),
    azure("westeurope", "NL", ["1", "2", "3"], "northeurope"),
    azure("northeurope", "IE", ["1", "2", "3"], "westeurope"),
    azure("germanywestcentral", "DE", ["1", "2", "3"], "germanynorth"),
    azure("germanynorth", "DE", undefined, "germanywestcentral"),
    azure("swedencentral", "SE", ["1", "2", "3"], "swedensouth"),
    azure("swedensouth", "SE", undefined, "swedencentral"),
    azure("polandcentral", "PL", ["1", "2", "3"]),
    azure("italynorth", "IT", ["1", "2", "3"]),
    azure("spaincentral", "ES", ["1", "2", "3"]),
    azure("austriaeast", "AT", ["1", "2", "3"]),
    azure("belgiumcentral", "BE", ["1", "2", "3"]),
    azure("norwayeast", "NO", ["1", "2", "3"], "norwaywest"),
    azure("norwaywest", "NO", undefined, "norwayeast"),
    azure("switzerlandnorth", "CH", ["1", "2", "3"], "switzerlandwest"),
    azure("switzerlandwest", "CH", undefined, "switzerlandnorth"),
    azure("uksouth", "GB", ["1", "2", "3"], "ukwest"),
    azure("ukwest", "GB", undefined, "uksouth"),
    azure("eastus", "US", ["1", "2", "3"], "westus"),
    azure("eastus2", "US", ["1", "2", "3"], "centralus"),
    azure("centralus", "US", ["1", "2", "3"], "eastus2"),
    azure("northcentralus", "US", undefined, "southcentralus"),
    azure("southcentralus", "US", ["1", "2", "3"], "northcentralus"),
    azure("westcentralus", "US", undefined, "westus2"),
    azure("westus", "US", undefined, "eastus"),
    azure("westus2", "US", ["1", "2", "3"], "westcentralus"),
    azure("westus3", "US", ["1", "2", "3"], "eastus"),
    azure("canadacentral", "CA", ["1", "2", "3"], "canadaeast"),
    azure("canadaeast", "CA", undefined, "canadacentral"),
    azure("brazilsouth", "BR", ["1", "2", "3"], "southcentralus"),
    azure("brazilsoutheast", "BR", undefined, "brazilsouth"),
    azure("mexicocentral", "MX", ["1", "2", "3"]),
    azure("chilecentral", "CL", ["1", "2", "3"]),
    azure("eastasia", "HK", ["1", "2", "3"], "southeastasia"),
    azure("southeastasia", "SG", ["1", "2", "3"], "eastasia"),
    azure("japaneast", "JP", ["1", "2", "3"], "japanwest"),
    azure("japanwest", "JP", ["1", "2", "3"], "japaneast"),
    azure("koreacentral", "KR", ["1", "2", "3"], "koreasouth"),
    azure("koreasouth", "KR", undefined, "koreacentral"),
    azure("centralindia", "IN", ["1", "2", "3"], "southindia"),
    azure("southindia", "IN", undefined, "centralindia"),
    azure("westindia", "IN", undefined, "southindia"),
    azure("jioindiawest", "IN", undefined, "jioindiacentral"),
    azure("jioindiacentral", "IN", undefined, "jioindiawest"),
    azure("australiaeast", "AU", ["1", "2", "3"], "australiasoutheast"),
    azure("australiasoutheast", "AU", undefined, "australiaeast"),
    azure("australiacentral", "AU", undefined, "australiacentral2"),
    azure("australiacentral2", "AU", undefined, "australiacentral"),
    azure("newzealandnorth", "NZ", ["1", "2", "3"]),
    azure("indonesiacentral", "ID", ["1", "2", "3"]),
    azure("malaysiawest", "MY", ["1", "2", "3"]),
    azure("uaenorth", "AE", ["1", "2", "3"], "uaecentral"),
    azure("uaecentral", "AE", undefined, "uaenorth"),
    azure("qatarcentral", "QA", ["1", "2", "3"]),
    azure("israelcentral", "IL", ["1", "2", "3"]),
    azure("southafricanorth", "ZA", ["1", "2", "3"], "southafricawest"),
    azure("southafricawest", "ZA", undefined, "southafricanorth"),

    // OVHcloud Public Cloud: each service spells its regions its own way.
    ovh("EU-WEST-PAR", "FR", ["compute", "storage", "database"], ["eu-west-par-a", "eu-west-par-b", "eu-west-par-c"]),
    ovh("GRA", "FR", ["storage", "database"]),
    ovh("GRA7", "FR", ["compute"]),
    ovh("GRA9", "FR", ["compute"]),
    ovh("GRA11", "FR", ["compute"]),
    ovh("SBG", "FR", ["storage", "database"]),
    ovh("SBG5", "FR", ["compute"]),
    ovh("SBG7", "FR", ["compute"]),
    ovh("RBX", "FR", ["storage", "database"]),
    ovh("RBX-A", "FR", ["compute"]),
    ovh("EU-SOUTH-MIL", "IT", ["compute", "storage", "database"], ["eu-south-mil-a", "eu-south-mil-b", "eu-south-mil-c"]),
    ovh("DE", "DE", ["storage", "database"]),
    ovh("DE1", "DE", ["compute"]),
    ovh("WAW", "PL", ["storage", "database"]),
    ovh("WAW1", "PL", ["compute"]),
    ovh("UK", "GB", ["storage", "database"]),
    ovh("UK1", "GB", ["compute"]),
    ovh("BHS", "CA", ["storage", "database"]),
    ovh("BHS5", "CA", ["compute"]),
    ovh("SGP1", "SG", ["compute", "storage"]),
    ovh("SYD1", "AU", ["compute", "storage"]),
    ovh("US-EAST-VA-1", "US", ["compute", "storage"]),
    ovh("eu-west-par", "FR", ["kms"]),
    ovh("eu-west-gra", "FR", ["kms"]),
    ovh("eu-west-rbx", "FR", ["kms"]),
    ovh("eu-west-sbg", "FR", ["kms"]),
    ovh("eu-central-lz-fra", "DE", ["kms"]),
    ovh("ca-east-bhs", "CA", ["kms"]),

    // Cloud Temple: one region, three availability zones in and around Paris.
    {
        cloud: "cloudtemple", name: "FR1", country: "FR", services: ["any"], zones: ["AZ05", "AZ06", "AZ07"],
        asOf: "2026-11-24", source: CT_SOURCE,
    },
];

/** The jurisdictions the data may be held to, and the countries each admits. */
export const JURISDICTIONS = {
    FR: ["FR"],
    // The 27 member states of the European Union.
    EU: ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
         "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"],
} as const satisfies Record<string, readonly Country[]>;

export type Jurisdiction = keyof typeof JURISDICTIONS;
export const JURISDICTION_NAMES = Object.keys(JURISDICTIONS) as Jurisdiction[];

/**
 * How a cloud compares region names. Azure accepts its display names wherever it takes a location ("France Central"
 * is francecentral): case and spaces do not count. Other clouds: case does not count.
 */
export function regionKey(cloud: Cloud, name: string): string {
    const lower = name.trim().toLowerCase();
    return cloud === "azure" ? lower.replace(/\s+/g, "") : lower;
}

/** The catalogue entry for a region name as one of a cloud's services spells it, or undefined when unknown. */
export function findRegion(cloud: Cloud, name: string, service: RegionService = "any",
                           regions: readonly RegionEntry[] = REGIONS): RegionEntry | undefined {
    const wanted = regionKey(cloud, name);
    return regions.find(r => r.cloud === cloud && regionKey(cloud, r.name) === wanted &&
        (service === "any" || r.services.includes("any") || r.services.includes(service)));
}

/** Whether a country is inside a jurisdiction. */
export function countryAllowed(country: Country, jurisdiction: Jurisdiction): boolean {
    return (JURISDICTIONS[jurisdiction] as readonly string[]).includes(country);
}
