// Who operates each cloud and under which law. The question the CNIL asked of Azure is not where the datacentre
// is but whether a foreign authority can compel the operator: that is a property of the operator, kept here once.

import { Cloud, Country } from "./regions";

export interface ProviderEntry {
    readonly cloud: Cloud;
    /** The legal entity that operates the service for a French customer. */
    readonly operator: string;
    /** Country of the operator's head office (ISO 3166-1 alpha-2). */
    readonly headOffice: Country;
    /** Whether a non-EU law can compel the operator to hand over data it hosts, wherever it is stored. */
    readonly extraterritorial: boolean;
    /** The laws that give that reach, named so a finding can say why. */
    readonly laws: readonly string[];
    readonly asOf: string;
    readonly source: string;
}

export const PROVIDERS: readonly ProviderEntry[] = [
    {
        cloud: "azure", operator: "Microsoft Corporation (Microsoft Ireland Operations Ltd contracts in the EU)",
        headOffice: "US", extraterritorial: true, laws: ["US CLOUD Act", "FISA section 702"],
        asOf: "2026-11-24",
        source: "CNIL authorisation of 21 December 2023 (EMC2 warehouse on Azure, three years): the operator is " +
            "subject to the US CLOUD Act and FISA 702 whatever the datacentre",
    },
    {
        cloud: "ovhcloud", operator: "OVH SAS", headOffice: "FR", extraterritorial: false, laws: [],
        asOf: "2026-11-24", source: "OVHcloud is a French company (OVH SAS, Roubaix) holding SecNumCloud qualifications, which require " +
            "immunity from non-EU law (https://corporate.ovhcloud.com/en/trusted-cloud/security-certifications/)",
    },
    {
        cloud: "cloudtemple", operator: "Cloud Temple SAS", headOffice: "FR", extraterritorial: false, laws: [],
        asOf: "2026-11-24", source: "https://www.cloud-temple.com/en/transparency-in-the-processing-of-health-data/",
    },
];

export function findProvider(cloud: Cloud, providers: readonly ProviderEntry[] = PROVIDERS): ProviderEntry | undefined {
    return providers.find(p => p.cloud === cloud);
}
