// What each resource type is, for the rules: which cloud runs it, which service it belongs to, whether it holds
// data. Types of the installed SDKs (azure-native, OVHcloud, Kubernetes) come from the generated catalogue
// (resource-types.ts); portable providers (Vault/OpenBao, MinIO/S3) run on whichever cloud their endpoint is on, so
// their cloud is found through the provider's endpoint (endpoints.ts), not their type.

import { DataClass, ServiceClass, foreignDataClass } from "./data-classes";
import { Cloud, RegionService } from "./regions";
import { TypeInfo, isAzureNativeType, typeInfo } from "./resource-types";

/** The services the offer catalogue and the endpoint catalogue speak of. */
export type Service = ServiceClass;

export interface ResourceClass {
    /** The cloud for provider packages bound to one cloud; absent for portable ones. */
    readonly cloud?: Cloud;
    /** The portable provider family, resolved to a cloud through its endpoint. */
    readonly portable?: "kubernetes" | "vault" | "minio";
    readonly service: Service;
    /** Whether the resource stores data (the catalogue's data classes: storage, databases, analytics...). */
    readonly holdsData: boolean;
    /** The catalogue entry, for types of the installed SDKs. */
    readonly info?: TypeInfo;
}

const CLOUD_OF_PACKAGE: Readonly<Record<string, Cloud>> = { "azure-native": "azure", ovh: "ovhcloud" };

/**
 * The class of a resource type, or undefined for types the pack does not place (components, random values,
 * providers' own resources, packages it has no catalogue for: see `foreignDataStore`).
 */
export function classify(type: string): ResourceClass | undefined {
    const pkg = type.split(":")[0];
    const cloud = isAzureNativeType(type) ? "azure" : CLOUD_OF_PACKAGE[pkg];
    if (cloud) {
        const info = typeInfo(type);
        if (info) return { cloud, service: info.service, holdsData: info.holdsData, info };
        // A type this SDK version does not declare (a newer local package): placed by its location, not judged as data.
        return { cloud, service: "management", holdsData: false };
    }
    if (pkg === "kubernetes") {
        const info = typeInfo(type);
        return { portable: "kubernetes", service: "kubernetes", holdsData: info?.holdsData ?? false, info };
    }
    if (pkg === "vault") return { portable: "vault", service: "key-management", holdsData: false };
    if (pkg === "minio") {
        const data = type === "minio:index/s3Bucket:S3Bucket" || type === "minio:index/s3Object:S3Object";
        return { portable: "minio", service: data ? "storage" : "identity", holdsData: data };
    }
    return undefined;
}

/** The kind of data store a resource of a provider without a catalogue is, when its type says it holds data. */
export function foreignDataStore(type: string): DataClass | undefined {
    return classify(type) ? undefined : foreignDataClass(type);
}

/** How a cloud's API spells the region of a resource of this type, for the region catalogue. */
export function regionServiceOf(type: string): RegionService {
    if (type.startsWith("azure-native:")) return "any";
    if (type === "ovh:CloudProject/storage:Storage" || type === "ovh:index/cloudProjectStorageReplicationJob:CloudProjectStorageReplicationJob") return "storage";
    if (type.startsWith("ovh:CloudProject/database:") || type.startsWith("ovh:CloudProjectDatabase/")) return "database";
    if (type.startsWith("ovh:Okms/")) return "kms";
    return "compute";
}
