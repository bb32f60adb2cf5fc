// Which services of which cloud are certified HDS (health data hosting) or qualified SecNumCloud (ANSSI). An offer
// the research did not find a certificate for is "not-found" and treated as not certified: a certificate is a
// document someone can show, never an assumption.

import { Cloud } from "./regions";
import { Service } from "./services";
import { SealLevel, SovereigntyObjective } from "./sovereignty-framework";

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
    /**
     * The offer's own Cloud Sovereignty Framework grades, where they differ from its cloud's (sovereignty-framework.ts):
     * absent, the cloud's grades apply; `{}`, the offer is not graded (not available, nothing to assess).
     */
    readonly seal?: Readonly<Partial<Record<SovereigntyObjective, SealLevel>>>;
    readonly asOf: string;
    readonly source: string;
}

const AZURE_HDS = "Microsoft compliance offerings catalogue, HDS (France) entry: " +
    "https://learn.microsoft.com/compliance/regulatory/offering-home (catalogue URL; the entry and its list of in-scope " +
    "Azure services were not re-read offline, service by service)";
const AZURE_SNC = "No SecNumCloud qualification found; SecNumCloud 3.2 requires immunity from non-EU law, which a " +
    "US-owned operator cannot show (ANSSI, SecNumCloud 3.2 referential, requirement 19.6: protection against non-European law)";
const OVH_HDS = "OVHcloud certifications, https://corporate.ovhcloud.com/en/trusted-cloud/security-certifications/: HDS " +
    "for Public Cloud instances, Kubernetes, " +
    "Object/Block Storage, managed databases except the Essential plan; KMS not listed";
const OVH_SNC = "OVHcloud SecNumCloud documentation (qualifies Hosted Private Cloud VMware SNC and Bare Metal Pod, see " +
    "https://docs.ovhcloud.com/en/guides/account-and-service-management/reversibility/24-bm-pod-snc-reversbility; " +
    "no document found that qualifies Public Cloud)";
const CT_SOURCE = "https://www.cloud-temple.com/en/transparency-in-the-processing-of-health-data/ (Cloud Temple: " +
    "HDS certified host, SecNumCloud 3.2 qualified: IaaS, PaaS OpenShift, object storage)";

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
function cloudTemple(service: Service, offer: string, hds: Certification, secNumCloud: Certification,
                     seal?: OfferEntry["seal"]): OfferEntry {
    return { cloud: "cloudtemple", service, offer, hds, secNumCloud, seal, asOf: "2026-11-24", source: CT_SOURCE };
}

export const OFFERS: readonly OfferEntry[] = [
    // One entry per service class the catalogue of resource types knows (data-classes.ts): a class without an entry
    // is refused for health data ("no certification record").
    azure("storage", "Azure Storage (Blob, ADLS Gen2, Files, Queues, Tables), Managed Disks, NetApp Files"),
    azure("database", "Azure SQL, Cosmos DB, Azure Database for PostgreSQL / MySQL / MariaDB"),
    azure("analytics", "Synapse, Databricks, Data Factory, Data Explorer, HDInsight, Log Analytics"),
    azure("cache", "Azure Cache for Redis"),
    azure("queue", "Service Bus, Event Hubs, Event Grid"),
    azure("registry", "Azure Container Registry"),
    azure("machine-learning", "Azure Machine Learning, Azure AI services, Azure AI Search"),
    azure("backup", "Azure Backup (Recovery Services and Backup vaults)"),
    azure("kubernetes", "Azure Kubernetes Service"),
    azure("compute", "Azure Virtual Machines, App Service, Container Apps and Instances"),
    azure("key-management", "Azure Key Vault and Managed HSM"),

    ovh("storage", "Public Cloud Object Storage and Block Storage", certified()),
    ovh("database", "Public Cloud Databases (PostgreSQL, MySQL, MongoDB, Valkey, Kafka, OpenSearch...)",
        certified("business and enterprise plans"), ["essential"]),
    ovh("kubernetes", "Public Cloud Managed Kubernetes Service", certified()),
    ovh("compute", "Public Cloud Instances", certified()),
    ovh("registry", "Managed Private Registry", notFound("not on the HDS list found by the research")),
    ovh("analytics", "Logs Data Platform", notFound("not on the HDS list found by the research")),
    ovh("key-management", "OVHcloud KMS (OKMS)", notFound("KMS is not on OVHcloud's HDS list")),

    cloudTemple("storage", "Object Storage (FR1)", certified("hosting activities 2, 3, 4 and 6"), certified()),
    cloudTemple("kubernetes", "PaaS OpenShift", certified("hosting activities 2, 3, 4 and 6"), certified()),
    cloudTemple("compute", "IaaS OpenSource / IaaS VMware (Secure Temple)",
        certified("hosting activities 2, 3, 4 and 6"), certified()),
    cloudTemple("key-management", "Managed KMS", notFound("announced, not available"),
        notFound("announced, not available"), {}),
];

export function findOffer(cloud: Cloud, service: Service, offers: readonly OfferEntry[] = OFFERS): OfferEntry | undefined {
    return offers.find(o => o.cloud === cloud && o.service === service);
}
