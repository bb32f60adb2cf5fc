// Which services of which cloud are certified HDS (health data hosting) or qualified SecNumCloud (ANSSI). An offer
// the research did not find a certificate for is "not-found" and treated as not certified: a certificate is a
// document someone can show, never an assumption.

import { Cloud } from "./regions";
import { Service } from "./services";

export type CertificationStatus = "certified" | "not-certified" | "not-found";

export interface Certification {
    readonly status: CertificationStatus;
    /** What the certificate covers or excludes, in words a reviewer can check against the source. */
    readonly note?: string;
}

export interface OfferEntry {
    readonly cloud: Cloud;
    readonly service: Service;
    /** The commercial name of the offer. */
    readonly offer: string;
    readonly hds: Certification;
    readonly secNumCloud: Certification;
    /** Plans of the offer that the HDS certificate excludes (matched case-insensitively on the `plan` input). */
    readonly hdsExcludedPlans?: readonly string[];
    readonly asOf: string;
    readonly source: string;
}

const AZURE_HDS = "Microsoft compliance offerings catalogue, HDS (France) entry: " +
    "https://learn.microsoft.com/compliance/regulatory/offering-home (catalogue URL; the entry was not re-read offline)";
const AZURE_SNC = "No SecNumCloud qualification found; SecNumCloud 3.2 requires immunity from non-EU law, which a " +
    "US-owned operator cannot show (see /work/shared/research/sovereignty.md)";
const OVH_HDS = "OVHcloud HDS documentation (team research notes, providers.md: Public Cloud instances, Kubernetes, " +
    "Object/Block Storage, managed databases except the Essential plan; KMS not listed)";
const OVH_SNC = "OVHcloud SecNumCloud documentation (qualifies Hosted Private Cloud VMware SNC and Bare Metal Pod, see " +
    "https://docs.ovhcloud.com/en/guides/account-and-service-management/reversibility/24-bm-pod-snc-reversbility; " +
    "no document found that qualifies Public Cloud)";
const CT_SOURCE = "https://www.cloud-temple.com/en/transparency-in-the-processing-of-health-data/ (Cloud Temple: " +
    "HDS certified host, SecNumCloud 3.2 qualified); qualified offers per team research notes, providers.md";

const certified = (note?: string): Certification => ({ status: "certified", note });
const notFound = (note?: string): Certification => ({ status: "not-found", note });
const notCertified = (note?: string): Certification => ({ status: "not-certified", note });

function azure(service: Service, offer: string): OfferEntry {
    return {
        cloud: "azure", service, offer, hds: certified("Azure is listed in Microsoft's HDS certificate scope"),
        secNumCloud: notCertified(AZURE_SNC), asOf: "2026-11-24", source: AZURE_HDS,
    };
}
function ovh(service: Service, offer: string, hds: Certification, hdsExcludedPlans?: string[]): OfferEntry {
    return {
        cloud: "ovhcloud", service, offer, hds, hdsExcludedPlans,
        secNumCloud: notFound("no SecNumCloud qualification found for OVHcloud Public Cloud"),
        asOf: "2026-11-24", source: `${OVH_HDS}; ${OVH_SNC}`,
    };
}
function cloudTemple(service: Service, offer: string, hds: Certification, secNumCloud: Certification): OfferEntry {
    return { cloud: "cloudtemple", service, offer, hds, secNumCloud, asOf: "2026-11-24", source: CT_SOURCE };
}

export const OFFERS: readonly OfferEntry[] = [
    azure("object-storage", "Azure Storage (Blob, ADLS Gen2)"),
    azure("kubernetes", "Azure Kubernetes Service"),
    azure("database", "Azure Database for PostgreSQL flexible server"),
    azure("block-storage", "Azure Managed Disks"),
    azure("compute", "Azure Virtual Machines"),
    azure("key-management", "Azure Key Vault and Managed HSM"),

    ovh("object-storage", "Public Cloud Object Storage", certified()),
    ovh("kubernetes", "Public Cloud Managed Kubernetes Service", certified()),
    ovh("database", "Public Cloud Databases", certified("business and enterprise plans"), ["essential"]),
    ovh("block-storage", "Public Cloud Block Storage", certified()),
    ovh("compute", "Public Cloud Instances", certified()),
    ovh("key-management", "OVHcloud KMS (OKMS)", notFound("KMS is not on OVHcloud's HDS list")),

    cloudTemple("object-storage", "Object Storage (FR1)", certified("hosting activities 2, 3, 4 and 6"), certified()),
    cloudTemple("kubernetes", "PaaS OpenShift", certified("hosting activities 2, 3, 4 and 6"), certified()),
    cloudTemple("compute", "IaaS OpenSource / IaaS VMware (Secure Temple)",
        certified("hosting activities 2, 3, 4 and 6"), certified()),
    cloudTemple("key-management", "Managed KMS", notFound("announced, not available"),
        notFound("announced, not available")),
];

export function findOffer(cloud: Cloud, service: Service, offers: readonly OfferEntry[] = OFFERS): OfferEntry | undefined {
    return offers.find(o => o.cloud === cloud && o.service === service);
}
