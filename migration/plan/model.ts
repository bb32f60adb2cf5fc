// The rehearsal report: what `rehearse --from A --to B` found, in the form every output format renders. Its JSON
// form is documented in docs/rehearsal.md.

/** What the neutral model asks of every target (components/model.ts + components/target.ts). */
export type CapabilityKind = "network" | "keys" | "zone" | "project-storage" | "project-key" | "project-namespace"
    | "pool" | "catalog";

export interface Capability {
    /** Stable identity across clouds, e.g. `zone:raw`, `project:oncoprev:key`, `pool:system`. */
    readonly id: string;
    readonly kind: CapabilityKind;
    /** For a reader: "data zone raw", "research project oncoprev: key". */
    readonly label: string;
    /** The zone, project or pool the capability is about, when it is about one. */
    readonly subject?: string;
}

/** A resource of a plan, as the report names it. */
export interface ResourceRef {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
}

/**
 * How a stack implements a capability:
 * - `declared`: resources of the stack implement it;
 * - `external`: the building block exists but declares no resource at all, because it adopts what the provider
 *   delivers outside the program (e.g. a cluster ordered from the provider): it cannot be proven offline;
 * - `missing`: nothing implements it.
 */
export type Coverage = "declared" | "external" | "missing";

export interface Implementation {
    readonly coverage: Coverage;
    /** The resource that best represents the capability (a bucket, a key, a namespace), when declared. */
    readonly primary?: ResourceRef;
    /** Every resource attributed to the capability. */
    readonly resources: readonly ResourceRef[];
}

export interface ParityRow {
    readonly capability: Capability;
    readonly source: Implementation;
    readonly target: Implementation;
    /** Present on one side and missing on the other: fails the rehearsal. */
    readonly gap: boolean;
}

/** A setting that differs between equivalent parts, stated for a reviewer. */
export interface Difference {
    /** The fact compared, e.g. `encryption-scheme`, `zone:raw:immutability`. */
    readonly id: string;
    readonly label: string;
    readonly source: string;
    readonly target: string;
    /** Why a reviewer should care, and what to check. */
    readonly why: string;
    /** Where the values come from: the neutral spec or outputs, or the resources' inputs. */
    readonly origin: "spec" | "outputs" | "resources";
}

export interface RehearsalFinding {
    readonly policy: string;
    readonly level: "mandatory" | "advisory";
    readonly exempt: boolean;
    readonly message: string;
    readonly urn: string;
    /** The finding's identity across clouds: the capability (or block) its resource serves. */
    readonly identity: string;
    /** The building block of that capability, to match what the capability alone does not (a cluster). */
    readonly area: string;
}

export interface VerdictComparison {
    readonly source: readonly RehearsalFinding[];
    readonly target: readonly RehearsalFinding[];
    /** Findings of the source that the target no longer has. */
    readonly resolved: readonly RehearsalFinding[];
    /** Findings of the target that the source did not have. */
    readonly introduced: readonly RehearsalFinding[];
    /** Findings both have. */
    readonly kept: readonly RehearsalFinding[];
    /** Mandatory findings of the target that no exemption covers: each fails the rehearsal. */
    readonly targetMandatory: number;
}

export interface RunbookStep {
    readonly number: number;
    readonly phase: "prepare" | "copy" | "cutover" | "after";
    readonly title: string;
    /** What to do, commands included. */
    readonly actions: readonly string[];
    /** What must hold before the next step starts. */
    readonly gate: string;
    /** How to undo this step if its gate fails. */
    readonly rollback: string;
}

/** One copy route for the data mover: a source container to a target bucket, re-keyed under a target key. */
export interface CopyRoute {
    /** `zone:raw` or `project:oncoprev`. */
    readonly scope: string;
    /** The data mover's scope: a project id, or `platform` for the zones. */
    readonly moverScope: string;
    readonly source: string;
    readonly target: string;
    readonly targetKey: string;
}

export interface StackSummary {
    readonly stack: string;
    readonly target: string | null;
    readonly region: string | null;
    readonly resources: number;
    readonly zones: readonly string[];
    readonly projects: readonly string[];
}

export interface RehearsalReport {
    readonly from: StackSummary;
    readonly to: StackSummary;
    readonly parity: readonly ParityRow[];
    readonly differences: readonly Difference[];
    readonly verdicts: VerdictComparison;
    readonly routes: readonly CopyRoute[];
    readonly runbook: readonly RunbookStep[];
    readonly summary: RehearsalSummary;
    /** Where the offline run differs from a real preview (placeholders, remote components). */
    readonly notes: readonly string[];
}

export interface RehearsalSummary {
    readonly capabilities: number;
    readonly gaps: number;
    /** Capabilities the target leaves to the provider, outside the program: to verify by hand. */
    readonly external: number;
    readonly differences: number;
    readonly resolved: number;
    readonly introduced: number;
    readonly targetMandatory: number;
    /** `ready` when the target covers every capability and has no mandatory finding. */
    readonly verdict: "ready" | "not-ready";
}
