// What a declared check is: a rule written as data, in the manner of Checkov's value checks and Azure Policy's
// aliases: the resource types it covers, the property it inspects, the value it requires, how the service treats
// the property when a program leaves it out, and where the requirement comes from. One evaluator
// (rules/declared.ts) runs every declaration; adding a service means adding rows, not code.

export type Scalar = string | number | boolean;

/**
 * A property path: keys joined by dots, `[*]` for every element of a list
 * (`agentPoolProfiles[*].enableNodePublicIP`). Keys are the SDK's input names, as the engine sends them.
 */
export type PropertyPath = string;

/** A value test. Strings compare without regard to case (Azure enums are case-insensitive: `Disabled`, `disabled`). */
export type ValueTest =
    | { readonly equals: Scalar }
    | { readonly in: readonly Scalar[] }
    | { readonly notIn: readonly Scalar[] }
    /** A TLS version at least this one, in any of the spellings services use (`TLS1_2`, `1.2`, `Tls12`, `TLSv1.2`). */
    | { readonly tlsAtLeast: "1.2" | "1.3" }
    /** A string matching this regular expression (case-insensitive, whole value). */
    | { readonly pattern: string }
    /** Set to something; a reference to another resource, unknown during preview, counts as set. */
    | { readonly present: true }
    /** Not set, or set to an empty value. */
    | { readonly absent: true };

/** A condition on another property of the same resource. */
export type Condition = { readonly property: PropertyPath } & ValueTest;

/** A resource that, when it refers to the judged one and meets its conditions, settles the check. */
export interface Companion {
    readonly type: string;
    readonly where?: readonly Condition[];
}

/** Where a requirement comes from: Azure Policy built-in definition ids, Checkov ids, documents. */
export interface Source {
    readonly azurePolicy?: readonly string[];
    readonly checkov?: readonly string[];
    /** The provider's documentation (URL or document name) for defaults and allowed values. */
    readonly docs?: readonly string[];
}

export interface PropertyCheck {
    /** Stable id (kebab-case), unique across declarations. */
    readonly id: string;
    /** The pack policy whose finding this is. */
    readonly policy: string;
    /** Resource type tokens (unversioned; versioned tokens of the same resource resolve to them). */
    readonly types: readonly string[];
    /** What is wrong when the check fails, as the start of a sentence ("Public network access is allowed"). */
    readonly problem: string;
    /** The property that decides, and that the remediation names. */
    readonly property: PropertyPath;
    readonly require: ValueTest;
    /** The value to set, as the remediation writes it (`Disabled`, `true`, `TLS1_2`). */
    readonly fix: string;
    /**
     * How the service treats the property when the program leaves it out: the value it then takes (judged like a
     * set value), or "pass"/"fail" when that is the whole answer. With `[*]`, applies to each element's property.
     */
    readonly whenAbsent: "pass" | "fail" | { readonly default: Scalar };
    /**
     * For programs pinned to an older API version (versioned type tokens): how the property was treated when left out
     * before that version, when the default changed (storage `allowBlobPublicAccess` defaulted to true before
     * 2023-01-01).
     */
    readonly whenAbsentBefore?: { readonly apiVersion: string; readonly whenAbsent: "pass" | "fail" | { readonly default: Scalar } };
    /**
     * Other resources of the program that settle the check when they refer to this one (a SQL server's customer key
     * set by a separate encryption protector). A check with companions is judged over the whole program, so its
     * policy is a stack policy.
     */
    readonly companions?: readonly Companion[];
    /**
     * With `[*]`: elements to leave out, by conditions on the element that holds the property (a data disk attached
     * from an existing managed disk, which is judged as a resource of its own).
     */
    readonly skipElements?: readonly Condition[];
    /** The check does not apply when any of these holds (another setting already closes the gap). */
    readonly unless?: readonly Condition[];
    /** The check applies only when all of these hold (the setting exists only in that configuration). */
    readonly onlyIf?: readonly Condition[];
    readonly source: Source;
}

/**
 * A firewall allow-list whose entries can open a service to the whole internet: ranges given as a start and an
 * end address (SQL and database firewall rules), or as CIDRs / addresses / service tags in a list.
 */
export type FirewallField =
    | { readonly kind: "range"; readonly start: PropertyPath; readonly end: PropertyPath }
    /** `skipIf`: conditions on the list element that make it harmless (a Deny entry). */
    | { readonly kind: "cidr"; readonly property: PropertyPath; readonly skipIf?: readonly Condition[] };

export interface FirewallCheck {
    readonly id: string;
    readonly types: readonly string[];
    readonly fields: readonly FirewallField[];
    /**
     * Whether `0.0.0.0` (as a single address or the range 0.0.0.0-0.0.0.0) means "every Azure service, of any
     * tenant" for this service, as it does for SQL, the database servers, Synapse and Cosmos DB.
     */
    readonly zeroMeansAzure?: boolean;
    /** The remediation: what to write instead. */
    readonly fix: string;
    readonly source: Source;
}

/** A type that can be reached through a private endpoint, and the settings that make it private without one. */
export interface PrivateLinkType {
    readonly type: string;
    /** The Private Link sub-resources (group ids) of the type, for the remediation. */
    readonly groupIds: readonly string[];
    /** Settings that already keep the resource off the internet without an endpoint (VNet injection). */
    readonly privateWithout?: readonly Condition[];
    /** The endpoint applies only in this configuration (a SKU that supports Private Link). */
    readonly onlyIf?: readonly Condition[];
    readonly source: Source;
}
