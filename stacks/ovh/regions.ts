// One neutral OVHcloud region, spelled the way each OVH service spells it. The compute API says `GRA11`, object
// storage `GRA`, OKMS `eu-west-gra`: a user sets `warehouse:region GRA` once and this table does the rest.

import { Jurisdiction } from "../../policies/catalog/regions";
import { RegionNames, resolveRegion, zonesOf } from "../../components/residency";

/** The OVH services whose APIs take a region name. */
export type OvhService = "compute" | "storage" | "kms" | "database";

/** The neutral region settings and their spellings. Every spelling is checked against the sovereignty catalogue. */
export const OVH_REGIONS: Readonly<Record<string, RegionNames<OvhService>>> = {
    // Paris, three availability zones: the default, and the only OVH region where node pools span zones.
    "EU-WEST-PAR": { compute: "EU-WEST-PAR", storage: "EU-WEST-PAR", kms: "eu-west-par", database: "EU-WEST-PAR" },
    "GRA": { compute: "GRA11", storage: "GRA", kms: "eu-west-gra", database: "GRA" },
    "SBG": { compute: "SBG5", storage: "SBG", kms: "eu-west-sbg", database: "SBG" },
    "RBX": { compute: "RBX-A", storage: "RBX", kms: "eu-west-rbx", database: "RBX" },
    // Listed so that choosing it is refused by name (Canada) rather than as an unknown region.
    "BHS": { compute: "BHS5", storage: "BHS", kms: "ca-east-bhs", database: "BHS" },
};

export const DEFAULT_OVH_REGION = "EU-WEST-PAR";

/** A region resolved for every service, with its availability zones (empty for single-zone regions). */
export interface OvhRegion extends RegionNames<OvhService> {
    /** The neutral name, as configured. */
    readonly name: string;
    readonly zones: readonly string[];
    /** The S3 endpoint of the region's object storage (public: OVH object storage has no private endpoint). */
    readonly s3Endpoint: string;
}

/** Resolves `warehouse:region` (refusing regions outside the jurisdiction and unknown ones) to every spelling. */
export function resolveOvhRegion(configured: string | undefined, jurisdiction: Jurisdiction): OvhRegion {
    const names = resolveRegion("ovhcloud", configured ?? DEFAULT_OVH_REGION, OVH_REGIONS, jurisdiction);
    const name = Object.keys(OVH_REGIONS).find(n => OVH_REGIONS[n] === names)!;
    return {
        ...names,
        name,
        zones: zonesOf("ovhcloud", names.compute, "compute"),
        s3Endpoint: `https://s3.${names.storage.toLowerCase()}.io.cloud.ovh.net`,
    };
}
