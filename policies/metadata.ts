// The pack's policies as a table: what each checks, how hard it bites, which clause it serves and its equivalents
// in Azure Policy and Checkov. Predicates live in rules/; pack.ts joins the two by name.

import { JURISDICTION_SETTING, REGION_OVERRIDES_SETTING } from "./framework/config";
import { SYSTEM_NAMESPACES } from "./checks/pod-security";
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
        description: "Checks whether every data store that offers a customer-managed key uses one (storage, databases, Cosmos DB, Synapse, registries, disks and virtual machines, messaging, AI and analytics services, AKS disks and secrets), or relies on envelope encryption where the platform has no such option.",
        remediationSteps: "Bind each service to a customer-managed key with the property the finding names (its key source, key " +
            "URI or disk encryption set); where the platform offers none, wrap data keys with a customer-held key in the workloads.",
        framework: { cnil: "CNIL cloud encryption recommendations (Jan 2024): keys kept from the host",
            secNumCloud: "SecNumCloud 3.2: encryption of stored data",
            azurePolicy: ["f15f4d95", "6fac406b", "7d7be79c", "702dd420", "1f905d99", "83cef61d", "12c74c95", "f7d52b2d", "5b9159ae", "295fc8b1"],
            checkov: ["CKV2_AZURE_1", "CKV_AZURE_117", "CKV_AZURE_93", "CKV_AZURE_100"] },
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
        description: "Checks whether keys rotate within the configured period, whether a key's rotation and its versions' expiry agree (a new version well before the current one expires), and whether keys and secrets are unexpired and secrets expire.",
        remediationSteps: "Add a rotation policy (Key Vault lifetime action Rotate, transit autoRotatePeriod) within maxRotationDays; " +
            "set `rotationPolicy.attributes.expiryTime` longer than the rotation period plus 7 days (28 days at least); give secrets an `attributes.expires` date.",
        framework: { anssi: "ANSSI cryptographic mechanisms guide: key renewal", azurePolicy: ["d8cf8476", "152b15f7", "98728c90"],
            checkov: ["CKV_AZURE_40", "CKV_AZURE_41"] },
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
        description: "Checks whether every data service (storage, vaults, databases, SQL, Cosmos DB, Synapse, App Service, registries, messaging, caches, disks, AI and analytics services) refuses public network access and anonymous reads, and whether no service firewall admits the whole internet (0.0.0.0-255.255.255.255, 0.0.0.0/0, *, Internet, Any, a /8 or wider) or, through 0.0.0.0, every Azure tenant.",
        remediationSteps: "Set the property the finding names to close public access (`publicNetworkAccess` Disabled for most " +
            "services), deny by default in service firewalls, allow only the addresses that need access (no \"allow Azure " +
            "services\" 0.0.0.0 rule), and reach the service through a private endpoint.",
        framework: { secNumCloud: "SecNumCloud 3.2: network segmentation",
            azurePolicy: ["b2982f36", "405c5871", "1b8ca024", "797b37f7", "c9299215", "5e1de0e3", "38d8df46", "1b5ef780", "0fdf0491", "8405fdab"],
            checkov: ["CKV_AZURE_35", "CKV_AZURE_59", "CKV_AZURE_189", "CKV_AZURE_113", "CKV_AZURE_101", "CKV_AZURE_11"] },
    },
    {
        name: "no-public-addresses", concern: "isolation", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether no public IP address, public load balancer or node port exposes the warehouse (a firewall's egress-only address excepted); whether no network security group rule, inline or separate, lets the internet reach administration, plain-text web, file-sharing or database ports (SSH, RDP, HTTP...) or every port; and whether Ingresses, OpenShift Routes and Gateway API listeners and routes serve only over TLS, with nothing exposed from research-project namespaces.",
        remediationSteps: "Use internal load balancers and private endpoints; reach the platform through the admin network. " +
            "The one public address allowed is the source of filtered egress (an Azure Firewall without DNAT rules). Limit a " +
            "security rule's source to the admin network or a bastion subnet, or deny it. Add TLS to Ingresses (`spec.tls`), " +
            "Routes (`spec.tls`, Redirect) and Gateway listeners (HTTPS/TLS); remove ingress objects from research namespaces.",
        framework: { secNumCloud: "SecNumCloud 3.2: network segmentation, administration interfaces and encryption of flows",
            azurePolicy: ["22730e10", "9daedab3", "1a5b4dca"], checkov: ["CKV_AZURE_9", "CKV_AZURE_10", "CKV_AZURE_160"] },
        settings: { projectLabel: PROJECT_LABEL },
    },
    {
        name: "tls-minimum", concern: "isolation", scope: "resource", severity: "medium", enforcementLevel: "mandatory",
        description: "Checks whether data in transit uses TLS 1.2 or later: minimum TLS versions, HTTPS only, FTPS only, no plain-text ports, secure transport on database servers, HTTPS endpoints for the S3 and Vault providers.",
        remediationSteps: "Set the property the finding names (minimum TLS version 1.2, HTTPS only, FTPS only or FTP disabled, " +
            "non-TLS ports closed) and use HTTPS endpoints for S3 and Vault providers.",
        framework: { cnil: "CNIL cloud encryption recommendations: encryption in transit", secNumCloud: "SecNumCloud 3.2: encryption of flows",
            anssi: "ANSSI TLS recommendations", azurePolicy: ["f1fe6a81", "c7c0ab87", "fe83a0eb", "404c3081", "32e6bbec", "a4af4a39", "4d24b6d4", "22bee202"],
            checkov: ["CKV_AZURE_3", "CKV_AZURE_44", "CKV_AZURE_52", "CKV_AZURE_14", "CKV_AZURE_15", "CKV_AZURE_78"] },
    },
    {
        name: "no-shared-keys", concern: "isolation", scope: "resource", severity: "medium", enforcementLevel: "mandatory",
        description: "Checks whether services accept only Entra ID identities: no shared keys, access keys or SAS, no local accounts or admin users, no password sign-in.",
        remediationSteps: "Set the property the finding names to turn the local method off (`disableLocalAuth` true, " +
            "`allowSharedKeyAccess` false, `adminUserEnabled` false, password authentication disabled) and grant access to identities.",
        framework: { secNumCloud: "SecNumCloud 3.2: access control",
            azurePolicy: ["8c6a50c6", "5450f5bd", "cfb11c26", "5d4e3c65", "dc921057", "12d4fa5e", "fa498b91", "871b205b"],
            checkov: ["CKV2_AZURE_40", "CKV_AZURE_137", "CKV_AZURE_140", "CKV_AZURE_1"] },
    },
    {
        name: "private-endpoints", concern: "isolation", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether every Azure data service that offers Private Link (storage, vaults, databases, SQL, Cosmos DB, Synapse, registries, messaging, caches, AI and analytics services) is reached through a private endpoint, unless it is injected into a virtual network.",
        remediationSteps: "Add a network:PrivateEndpoint (with its private DNS zone group) for each data service, with the group id the finding names.",
        framework: { secNumCloud: "SecNumCloud 3.2: network segmentation", checkov: ["CKV2_AZURE_33"],
            azurePolicy: ["6edd7eda", "a6abeaec", "7698e800", "58440f8a", "72d11df1", "e8eef0a8", "1c06e275"] },
    },
    {
        name: "cluster-api-restricted", concern: "isolation", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether each Kubernetes API server is private or restricted to admin CIDRs.",
        remediationSteps: "Make the AKS cluster private (no public FQDN); on OVHcloud add KubeIpRestrictions with the admin CIDRs.",
        framework: { secNumCloud: "SecNumCloud 3.2: administration interfaces", azurePolicy: ["040732e8"], checkov: ["CKV_AZURE_115"] },
    },
    {
        name: "cluster-hardening", concern: "isolation", scope: "resource", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether AKS clusters enforce network policies, disable local accounts, use Entra ID with Azure RBAC, give nodes no public IP and encrypt node disks at host (inline agent pools and AgentPool resources, any API version).",
        remediationSteps: "Set `networkProfile.networkPolicy`, `disableLocalAccounts` true, `aadProfile.managed` and `enableAzureRBAC` " +
            "true, and on every pool `enableNodePublicIP` false and `enableEncryptionAtHost` true.",
        framework: { secNumCloud: "SecNumCloud 3.2: hardening and access control", azurePolicy: ["993c2fcd", "450d2877", "41425d9f", "ac4a19c2"],
            checkov: ["CKV_AZURE_7", "CKV_AZURE_141", "CKV_AZURE_143", "CKV_AZURE_227"] },
    },
    {
        name: "database-server-settings", concern: "keys", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether SQL servers and managed instances and MySQL flexible servers use a customer-managed key and Entra-only sign-in, set on the server or by a child resource of the program (encryption protector, Entra-only authentication, server parameter).",
        remediationSteps: "Set the server property the finding names, or declare the child resource it names beside the server.",
        framework: { cnil: "CNIL cloud encryption recommendations (Jan 2024)", secNumCloud: "SecNumCloud 3.2: encryption and access control",
            azurePolicy: ["0a370ff3", "b3a22bc9", "0c28c3fb", "40e85574"], checkov: ["CKV2_AZURE_27"] },
    },
    {
        name: "pod-security", concern: "isolation", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether workloads (Pods, Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, ReplicaSets) outside the cluster's system namespaces meet the Baseline Pod Security Standard (no host network, PID, IPC, ports or paths, no privileged containers or extra capabilities), and workloads in research-project namespaces, or in namespaces that enforce the restricted profile, the Restricted one (non-root, no privilege escalation, seccomp, capabilities dropped, allowed volume types).",
        remediationSteps: "Remove the host access the finding names (run system agents that need it in an excluded system namespace); " +
            "set the pod or container securityContext it names: runAsNonRoot true, allowPrivilegeEscalation false, seccompProfile " +
            "RuntimeDefault, capabilities drop [\"ALL\"].",
        framework: { hds: "HDS v2: partitioning", secNumCloud: "SecNumCloud 3.2: hardening",
            azurePolicy: ["95edb821", "47a1ee2f", "82985f06", "098fc59e", "c26596ff", "1c6e92c9", "975ce327", "f06ddb64", "16697877"] },
        settings: {
            projectLabel: PROJECT_LABEL,
            excludedNamespaces: { type: "array", items: { type: "string" }, default: [...SYSTEM_NAMESPACES],
                description: "Namespaces whose workloads are the cluster's own agents, left out of the Baseline check (the Azure Policy defaults)." },
        },
    },
    {
        name: "key-version-pinning", concern: "keys", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether services pinned to one version of a key (AKS KMS, disk encryption sets without automatic rotation, databases and storage with a versioned key) use a key whose versions do not expire.",
        remediationSteps: "Use a versionless key URI or automatic rotation where the service has one; otherwise use a key whose versions do not expire and roll the service to new versions.",
        framework: { secNumCloud: "SecNumCloud 3.2: availability of secrets", azurePolicy: ["702dd420"] },
    },
    {
        name: "project-namespace-isolation", concern: "stack", scope: "stack", severity: "high", enforcementLevel: "mandatory",
        description: "Checks whether every research-project namespace denies ingress and egress by default, and whether no " +
            "RBAC binding lets the project's members or service accounts write its isolation objects (NetworkPolicies and " +
            "network-policy CRDs, Roles and RoleBindings, quotas, limit ranges, the Namespace) or escalate, bind or impersonate.",
        remediationSteps: "Give each project namespace a NetworkPolicy with an empty podSelector, policyTypes Ingress and Egress, and no rules. " +
            "Keep only get/list/watch on isolation objects in the roles bound to the project (not the built-in edit or admin roles).",
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
    {
        name: "network-flows", concern: "isolation", scope: "stack", severity: "critical", enforcementLevel: "mandatory",
        description: "Checks whether every flow the program's intents require is allowed at every hop (Kubernetes policies, " +
            "NSGs, routes and firewall, private DNS, OVH gateway and IP restrictions) and every forbidden flow is denied at one.",
        remediationSteps: "Read the finding's hop and rule: open the rule that blocks a required flow (a NetworkPolicy egress or " +
            "ingress rule, an NSG rule above the deny, a firewall rule, a private DNS link), or close the one that lets a " +
            "forbidden flow through. The intents and the platform facts they rest on are what the program publishes (its intents resource): correct them there if they are wrong.",
        framework: { hds: "HDS v2: partitioning between clients' data", secNumCloud: "SecNumCloud 3.2: network segmentation and flow filtering",
            cnil: "CNIL: separation of research projects" },
    },
    {
        name: "identity-permissions", concern: "isolation", scope: "stack", severity: "critical", enforcementLevel: "mandatory",
        description: "Checks whether each identity of the intents (researcher groups, workload service accounts, the data mover, " +
            "platform service identities, operators) holds what it needs and nothing that undoes isolation or reaches another " +
            "project's namespace, data or key: Kubernetes RBAC, OpenBao logins, Azure role assignments, OVHcloud users, S3 and " +
            "IAM policies, S3 bucket policies.",
        remediationSteps: "Bind researchers to a role without write access to NetworkPolicies, RBAC, quotas or policy objects; " +
            "bind service accounts in their own namespace only; give each OpenBao login a role bound to its own service " +
            "account with policies on its own keys; grant cloud roles and policies on the project's own container, bucket or " +
            "key alone, never a role that writes role assignments or network rules, and to no identity the intents do not name.",
        framework: { hds: "HDS v2: access control and partitioning", secNumCloud: "SecNumCloud 3.2: access control, least privilege",
            cnil: "CNIL: separation of research projects" },
    },
];
