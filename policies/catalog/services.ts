// What each resource type is, for the rules: which cloud runs it, which service it belongs to, whether it holds
// health data. Portable providers (Kubernetes, Vault/OpenBao, MinIO/S3) run on whichever cloud their endpoint is
// on, so their cloud is found through the provider's endpoint (see endpoints.ts), not their type.

import { Cloud, RegionService } from "./regions";

export type Service =
    | "object-storage" | "block-storage" | "database" | "kubernetes" | "compute"
    | "key-management" | "network" | "identity" | "management";

export interface ResourceClass {
    /** The cloud for provider packages bound to one cloud; absent for portable ones. */
    readonly cloud?: Cloud;
    /** The portable provider family, resolved to a cloud through its endpoint. */
    readonly portable?: "kubernetes" | "vault" | "minio";
    readonly service: Service;
    /** Whether the resource stores or processes health data (HDS scope). */
    readonly holdsHealthData: boolean;
}

const AZURE_SERVICES: Readonly<Record<string, Service>> = {
    storage: "object-storage", keyvault: "key-management", containerservice: "kubernetes",
    dbforpostgresql: "database", compute: "compute", network: "network", privatedns: "network",
    managedidentity: "identity", authorization: "identity", resources: "management",
};
const AZURE_DATA_TYPES = new Set([
    "azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer",
    "azure-native:containerservice:ManagedCluster", "azure-native:containerservice:AgentPool",
    "azure-native:dbforpostgresql:Server", "azure-native:compute:Disk", "azure-native:compute:VirtualMachine",
]);

const OVH_TYPES: Readonly<Record<string, { service: Service; data: boolean }>> = {
    "ovh:CloudProject/storage:Storage": { service: "object-storage", data: true },
    "ovh:CloudProject/kube:Kube": { service: "kubernetes", data: true },
    "ovh:CloudProject/kubeNodePool:KubeNodePool": { service: "kubernetes", data: true },
    "ovh:CloudProject/database:Database": { service: "database", data: true },
    "ovh:CloudProject/instance:Instance": { service: "compute", data: true },
    "ovh:CloudProject/volume:Volume": { service: "block-storage", data: true },
    "ovh:Okms/okms:Okms": { service: "key-management", data: false },
    "ovh:Okms/serviceKey:ServiceKey": { service: "key-management", data: false },
    "ovh:Okms/credential:Credential": { service: "key-management", data: false },
};

/** The class of a resource type, or undefined for types the pack does not judge (components, random, ...). */
export function classify(type: string): ResourceClass | undefined {
    const [pkg, module] = type.split(":");
    if (pkg === "azure-native") {
        const service = AZURE_SERVICES[module] ?? "management";
        return { cloud: "azure", service, holdsHealthData: AZURE_DATA_TYPES.has(type) };
    }
    if (pkg === "ovh") {
        const known = OVH_TYPES[type];
        if (known) return { cloud: "ovhcloud", service: known.service, holdsHealthData: known.data };
        return { cloud: "ovhcloud", service: type.startsWith("ovh:CloudProject/") ? "network" : "management",
            holdsHealthData: false };
    }
    if (pkg === "kubernetes") {
        const data = type === "kubernetes:core/v1:PersistentVolumeClaim" || type === "kubernetes:core/v1:Secret";
        return { portable: "kubernetes", service: "kubernetes", holdsHealthData: data };
    }
    if (pkg === "vault") return { portable: "vault", service: "key-management", holdsHealthData: false };
    if (pkg === "minio") {
        const data = type === "minio:index/s3Bucket:S3Bucket" || type === "minio:index/s3Object:S3Object";
        return { portable: "minio", service: data ? "object-storage" : "identity", holdsHealthData: data };
    }
    return undefined;
}

/** How a cloud's API spells the region of a resource of this type, for the region catalogue. */
export function regionServiceOf(type: string): RegionService {
    if (type.startsWith("azure-native:")) return "any";
    if (type === "ovh:CloudProject/storage:Storage") return "storage";
    if (type === "ovh:CloudProject/database:Database") return "database";
    if (type.startsWith("ovh:Okms/")) return "kms";
    return "compute";
}
