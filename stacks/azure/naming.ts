// Names of Azure resources. Names that Azure makes global (storage account, vault, HSM, database server) are
// derived from the warehouse name and environment, so the same stack always asks for the same names.

import { WarehouseSpec } from "../../components/model";

export interface AzureNames {
    readonly resourceGroup: string;
    /** 3 to 24 lower-case letters and digits, globally unique. */
    readonly storageAccount: string;
    /** 3 to 24 letters, digits and hyphens, globally unique. */
    readonly keyVault: string;
    readonly managedHsm: string;
    readonly cluster: string;
    readonly catalogServer: string;
    /** Private DNS zone of the catalogue: PostgreSQL requires the suffix `.postgres.database.azure.com`. */
    readonly catalogDnsZone: string;
    /** Prefix of everything else. */
    readonly prefix: string;
}

export function azureNames(spec: WarehouseSpec): AzureNames {
    const prefix = `${spec.name}-${spec.environment}`;
    return {
        resourceGroup: `rg-${prefix}`,
        storageAccount: `${spec.name}${spec.environment}lake`,
        keyVault: `kv-${prefix}`,
        managedHsm: `hsm-${prefix}`,
        cluster: `aks-${prefix}`,
        catalogServer: `psql-${prefix}-catalog`,
        catalogDnsZone: `${prefix}.private.postgres.database.azure.com`,
        prefix,
    };
}

/** The container and key of a research project. */
export const projectContainer = (projectId: string) => `project-${projectId}`;
export const projectKeyName = (projectId: string) => `project-${projectId}`;
export const PLATFORM_KEY_NAME = "platform";
