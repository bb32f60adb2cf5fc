// Azure built-in roles the warehouse assigns, by their fixed ids (the same in every tenant), and a helper that
// grants one role to one identity on one scope and nothing wider.

import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { StackRef } from "../../policies/flows/intents";

export const ROLES = {
    /** Wrap and unwrap with a key: what a service encrypting with a customer-managed key needs. */
    keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    /** Cryptographic operations with a key: what a research workload needs on its project's key. */
    keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
    /** Manage a vault (not its data): AKS needs it to reach a private vault for KMS. */
    keyVaultContributor: "f25e0fa2-a7c8-4377-a976-54943a77a395",
    /** Read, write and delete blobs. */
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    /** Join subnets and route tables: the cluster identity needs it on its own subnets. */
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    /** Read a resource: the cluster identity needs it on the disk encryption set. */
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

export type RoleName = keyof typeof ROLES;

export interface GrantArgs {
    readonly role: RoleName;
    readonly principalId: pulumi.Input<string>;
    /** The ARM id of the one resource the role applies to. */
    readonly scope: pulumi.Input<string>;
    readonly description: string;
}

/** The subscription the program deploys to, from the provider's credentials. */
export function subscriptionId(): pulumi.Output<string> {
    return authorization.getClientConfigOutput().subscriptionId;
}

/** Type tokens of the resources the permission verifier names as scopes and principals. */
export const TYPES = {
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    vaultKey: "azure-native:keyvault:Key",
    hsmKey: "azure-native:resources:Resource",
    vault: "azure-native:keyvault:Vault",
    container: "azure-native:storage:BlobContainer",
    subnet: "azure-native:network:Subnet",
    routeTable: "azure-native:network:RouteTable",
    diskEncryptionSet: "azure-native:compute:DiskEncryptionSet",
} as const;

export const stackRef = (type: keyof typeof TYPES, name: string): StackRef => ({ type: TYPES[type], name });

/** A role assignment of a managed identity on exactly one scope. */
export function grant(name: string, args: GrantArgs, opts: pulumi.CustomResourceOptions): authorization.RoleAssignment {
    return new authorization.RoleAssignment(name, {
        principalId: args.principalId,
        // Managed identities are service principals; saying so skips Entra's replication check on new identities.
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId()}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[args.role]}`,
        scope: args.scope,
        description: args.description,
    }, opts);
}
