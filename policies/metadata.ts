// The pack's policies as a table: what each checks, how hard it bites, which clause it serves and its equivalents
// in Azure Policy and Checkov. Predicates live in rules/; pack.ts joins the two by name.

import { JURISDICTION_SETTING, REGION_OVERRIDES_SETTING } from "./framework/config";
import { PolicyMetadata } from "./framework/policy";
import { OBJECTIVE_IDS, SEAL_NAMES } from "./catalog/sovereignty-framework";

const PROJECT_LABEL = { type: "string", default: "health-data.fr/research-project",
    description: "The namespace label whose value is a research project's id." } as const;
const PROVIDER_OVERRIDES = { type: "array", default: [], items: { type: "object" },
    description: "Provider catalogue entries replacing the built-in ones for a cloud (dated and sourced)." } as const;

export const POLICY_METADATA: readonly PolicyMetadata[] = [
    {
        name: "allowed-regions", concern: "residency", scope: "resource", severity: "critical", enforcementLevel: "mandatory",
        description: "Checks whether every field that names a region (location, regions a data store serves from, or, " +
            "when none is set, the provider's location) is a catalogued region inside the jurisdiction, and whether a data " +
            "store of a provider without a catalogue can be placed at all.",
        remediationSteps: "Set the field the finding names to a region of the jurisdiction (France by default); where " +
            "the resource sets no location, set it or the provider's location (azure-native:location). If the region is " +
            "new and inside the jurisdiction, declare it with the additionalRegions setting, with its country and source.",
        framework: { hds: "HDS v2: hosting in the EEA, France preferred", secNumCloud: "SecNumCloud 3.2: data stored and processed in the EU",
            cnil: "CNIL EMC2 authorisation: data in France", azurePolicy: ["e56962a6", "e765b5de"] },
        settings: {
            jurisdiction: JURISDICTION_SETTING, additionalRegions: REGION_OVERRIDES_SETTING,
            allowGlobalTypes: { type: "array", items: { type: "string" },
                default: ["azure-native:privatedns:PrivateZone", "azure-native:privatedns:VirtualNetworkLink"],
                description: "Types allowed to be `global` (they hold names, not data). Versioned and earlier spellings " +
                    "of a listed type (azure-native:network:PrivateZone, azure-native:privatedns/v20240601:PrivateZone) count." },
        },
    },
    {
        name: "replicas-in-jurisdiction", concern: "residency", scope: "resource", severity: "critical", enforcementLevel: "mandatory",
        description: "Checks whether geo-redundant copies (GRS SKUs, geo-redundant backups), replicas, replication and " +
            "failover targets and backup regions stay inside the jurisdiction.",
        remediationSteps: "Set the redundancy field the finding names to a local or zone-redundant value, replicate and " +
            "back up only to catalogued regions of the jurisdiction, and set allowCrossTenantReplication to false.",
        framework: { hds: "HDS v2: hosting in the EEA, backups included", secNumCloud: "SecNumCloud 3.2: data location in the EU",
            azurePolicy: ["92a89a79"] },
        settings: { jurisdiction: JURISDICTION_SETTING, additionalRegions: REGION_OVERRIDES_SETTING },
    },
    {
        name: "replica-partners-placed", concern: "residency", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether every replica or failover partner a resource names by reference (a SQL failover " +
            "group's partner servers, a NetApp volume's remote volume) is a resource of the program, so that its region is judged.",
        remediationSteps: "Declare the partner resource in the same program (allowed-regions then judges its location), " +
            "or record a dated exemption that says where it is.",
        framework: { hds: "HDS v2: hosting in the EEA, backups and copies included", secNumCloud: "SecNumCloud 3.2: data location in the EU" },
    },
    {
        name: "provider-jurisdiction", concern: "jurisdiction", scope: "resource", severity: "critical", enforcementLevel: "mandatory",
        description: "Checks whether services that hold, process or protect health data are operated by a provider outside the reach of extraterritorial law.",
        remediationSteps: "Move the service to a provider whose operator is not subject to non-EU law (a SecNumCloud-qualified " +
            "provider), or record a dated exemption that cites the authorising decision.",
        framework: { hds: "HDS v2 requirement 30: risk of access imposed by third-country law",
            secNumCloud: "SecNumCloud 3.2: protection against non-European law", cnil: "CNIL EMC2 authorisation (21 Dec 2023, three years)" },
        settings: { providerOverrides: PROVIDER_OVERRIDES },
    },
    {
        name: "certified-services", concern: "jurisdiction", scope: "resource", severity: "critical", enforcementLevel: "mandatory",
        description: "Checks whether services that hold or process health data are HDS-certified, SecNumCloud-qualified " +
            "when required, and graded at least the required level of the EU Cloud Sovereignty Framework when one is set.",
        remediationSteps: "Use a certified offer and plan (e.g. OVHcloud databases business or enterprise, not essential); " +
            "with secNumCloudRequired, use only qualified offers; with minimumSeal, use offers graded at that level or above " +
            "on every objective of sealObjectives.",
        framework: { hds: "HDS v2: certified hosting for personal health data", secNumCloud: "SecNumCloud 3.2 qualification",
            euCsf: "EU Cloud Sovereignty Framework v1.2.1 (October 2025): minimum SEAL per sovereignty objective" },
        settings: {
            secNumCloudRequired: { type: "boolean", default: false, description: "Only SecNumCloud-qualified offers pass." },
            minimumSeal: { type: "string", enum: [...SEAL_NAMES],
                description: "The lowest SEAL level of the EU Cloud Sovereignty Framework an offer may have on each " +
                    "objective of sealObjectives (e.g. SEAL-3 for health data). Unset: no requirement." },
            sealObjectives: { type: "array", items: { type: "string", enum: [...OBJECTIVE_IDS] }, default: [...OBJECTIVE_IDS],
                description: "The sovereignty objectives minimumSeal applies to (SOV-1 to SOV-8; all by default)." },
            offerOverrides: { type: "array", default: [], items: { type: "object" },
                description: "Offer catalogue entries replacing built-in ones for a cloud and service (dated and sourced; " +
                    "an optional seal map grades the offer per objective)." },
        },
    },
    {
        name: "customer-managed-encryption", concern: "keys", scope: "resource", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether every data store is encrypted with a customer-managed key, or relies on envelope encryption where the platform has no such option.",
        remediationSteps: "Bind storage accounts, cluster disks and secrets, and databases to a customer-managed key; where the " +
            "platform offers none, wrap data keys with a customer-held key in the workloads.",
        framework: { cnil: "CNIL cloud encryption recommendations (Jan 2024): keys kept from the host",
            secNumCloud: "SecNumCloud 3.2: encryption of stored data", azurePolicy: ["6fac406b", "7d7be79c"],
            checkov: ["CKV2_AZURE_1", "CKV_AZURE_117"] },
    },
    {
        name: "key-strength", concern: "keys", scope: "resource", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether keys are HSM-backed where the platform offers it, at least RSA 3072 / AES-256, and not exportable.",
        remediationSteps: "Use RSA-HSM 3072+ or EC-HSM keys in a premium vault; AES-256 or RSA 3072+ in KMS and transit " +
            "engines; never mark keys exportable.",
        framework: { anssi: "ANSSI cryptographic mechanisms guide (RGS annex B1): RSA 3072 for long-lived keys, AES-256",
            azurePolicy: ["587c79fe", "82067dbb"], checkov: ["CKV_AZURE_112"] },
        settings: {
            minRsaBits: { type: "integer", minimum: 2048, default: 3072 },
            minSymmetricBits: { type: "integer", minimum: 128, default: 256 },
        },
    },
    {
        name: "key-rotation", concern: "keys", scope: "resource", severity: "medium", enforcementLevel: "mandatory",
        description: "Checks whether keys rotate within the configured period.",
        remediationSteps: "Add a rotation policy (Key Vault lifetime action Rotate, transit autoRotatePeriod) within maxRotationDays.",
        framework: { anssi: "ANSSI cryptographic mechanisms guide: key renewal", azurePolicy: ["d8cf8476"], checkov: ["CKV_AZURE_40"] },
        settings: { maxRotationDays: { type: "integer", minimum: 1, default: 365 } },
    },
    {
        name: "key-recovery-protection", concern: "keys", scope: "resource", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether key vaults keep purge protection and soft delete, and keys cannot be deleted outright.",
        remediationSteps: "Turn on purge protection, keep soft delete with at least minSoftDeleteDays, set deletionAllowed false on transit keys.",
        framework: { secNumCloud: "SecNumCloud 3.2: availability of secrets", azurePolicy: ["0b60c0b2"], checkov: ["CKV_AZURE_110", "CKV_AZURE_42"] },
        settings: { minSoftDeleteDays: { type: "integer", minimum: 7, maximum: 90, default: 7 } },
    },
    {
        name: "key-custody", concern: "keys", scope: "resource", severity: "critical", enforcementLevel: "mandatory",
        description: "Checks whether key services are operated by the customer or by a provider outside extraterritorial reach.",
        remediationSteps: "Hold keys in a service the customer operates (OpenBao/Vault, ideally HSM-sealed) or in a KMS of a " +
            "provider not subject to non-EU law.",
        framework: { cnil: "CNIL EMC2 authorisation: keys in an HSM operated by the host", hds: "HDS v2 requirement 30",
            secNumCloud: "SecNumCloud 3.2: protection against non-European law" },
        settings: { providerOverrides: PROVIDER_OVERRIDES },
    },
    {
        name: "no-public-data-access", concern: "isolation", scope: "resource", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether storage, vaults and databases refuse public network access.",
        remediationSteps: "Disable public network access, deny by default in firewalls, restrict databases to private networks.",
        framework: { secNumCloud: "SecNumCloud 3.2: network segmentation", azurePolicy: ["b2982f36", "405c5871"],
            checkov: ["CKV_AZURE_35", "CKV_AZURE_59", "CKV_AZURE_189"] },
    },
    {
        name: "no-public-addresses", concern: "isolation", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether no public IP address, public load balancer or node port exposes the warehouse (a firewall's egress-only address excepted).",
        remediationSteps: "Use internal load balancers and private endpoints; reach the platform through the admin network. " +
            "The one public address allowed is the source of filtered egress (an Azure Firewall without DNAT rules).",
        framework: { secNumCloud: "SecNumCloud 3.2: network segmentation" },
    },
    {
        name: "tls-minimum", concern: "isolation", scope: "resource", severity: "medium", enforcementLevel: "mandatory",
        description: "Checks whether data in transit uses TLS 1.2 or later.",
        remediationSteps: "Set minimum TLS 1.2 on storage and use HTTPS endpoints for S3 and Vault providers.",
        framework: { cnil: "CNIL cloud encryption recommendations: encryption in transit", secNumCloud: "SecNumCloud 3.2: encryption of flows",
            anssi: "ANSSI TLS recommendations" },
    },
    {
        name: "no-shared-keys", concern: "isolation", scope: "resource", severity: "medium", enforcementLevel: "mandatory",
        description: "Checks whether storage refuses shared-key (account key) access.",
        remediationSteps: "Set allowSharedKeyAccess false and grant access to identities.",
        framework: { secNumCloud: "SecNumCloud 3.2: access control", checkov: ["CKV2_AZURE_40"] },
    },
    {
        name: "private-endpoints", concern: "isolation", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether Azure storage, vaults and databases are reached through private endpoints.",
        remediationSteps: "Add a network:PrivateEndpoint (with its private DNS zone group) for each data service.",
        framework: { secNumCloud: "SecNumCloud 3.2: network segmentation", checkov: ["CKV2_AZURE_33"] },
    },
    {
        name: "cluster-api-restricted", concern: "isolation", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether each Kubernetes API server is private or restricted to admin CIDRs.",
        remediationSteps: "Make the AKS cluster private (no public FQDN); on OVHcloud add KubeIpRestrictions with the admin CIDRs.",
        framework: { secNumCloud: "SecNumCloud 3.2: administration interfaces", azurePolicy: ["040732e8"], checkov: ["CKV_AZURE_115"] },
    },
    {
        name: "project-namespace-isolation", concern: "stack", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether every research-project namespace denies ingress and egress by default.",
        remediationSteps: "Give each project namespace a NetworkPolicy with an empty podSelector, policyTypes Ingress and Egress, and no rules.",
        framework: { hds: "HDS v2: partitioning between clients' data", cnil: "CNIL: separation of research projects" },
        settings: { projectLabel: PROJECT_LABEL },
    },
    {
        name: "project-namespace-policies", concern: "stack", scope: "stack", severity: "medium", enforcementLevel: "mandatory",
        description: "Checks whether every research-project namespace enforces the restricted pod profile and forbids load balancers and node ports.",
        remediationSteps: "Label the namespace pod-security.kubernetes.io/enforce=restricted and add a ResourceQuota with services.loadbalancers and services.nodeports at 0.",
        framework: { secNumCloud: "SecNumCloud 3.2: hardening" },
        settings: { projectLabel: PROJECT_LABEL },
    },
    {
        name: "project-key-and-storage", concern: "stack", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether every research project has its own key and its own storage space.",
        remediationSteps: "Create a key and a bucket/container per project, named after the project id.",
        framework: { cnil: "CNIL: separation of research projects", hds: "HDS v2: partitioning" },
        settings: { projectLabel: PROJECT_LABEL },
    },
    {
        name: "storage-covered-by-key", concern: "stack", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether every bucket or container is covered by a customer-held key.",
        remediationSteps: "Use a customer-managed key on the storage account (or an enforced Key Vault encryption scope); on " +
            "platforms without one, create the project's (or the platform's) key that wraps the bucket's data keys.",
        framework: { cnil: "CNIL cloud encryption recommendations (Jan 2024)", secNumCloud: "SecNumCloud 3.2: encryption of stored data" },
        settings: { projectLabel: PROJECT_LABEL },
    },
];
