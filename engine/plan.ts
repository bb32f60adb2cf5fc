// What running a program for a stack produces: every resource the engine would see in a preview, in
// registration order, with the options and wire-format inputs the analyzer protocol carries.

export interface ResourceOptions {
    readonly protect?: boolean;
    readonly ignoreChanges: readonly string[];
    readonly replaceOnChanges: readonly string[];
    /** Alias URNs, derived from alias specs as the engine does. */
    readonly aliases: readonly string[];
    readonly deleteBeforeReplace?: boolean;
    readonly additionalSecretOutputs: readonly string[];
    readonly retainOnDelete?: boolean;
    readonly deletedWith?: string;
    readonly importId?: string;
    /** As the program gave them: Go duration strings ("10m", "1h30m"). */
    readonly customTimeouts?: {
        readonly create?: string; readonly update?: string; readonly delete?: string; readonly read?: string;
    };
}

/** Where the program declared a resource: the line of its `new` (engine/program/host/source-position.js). */
export interface SourcePosition {
    /** Absolute path of the program's file. */
    readonly file: string;
    readonly line: number;
    readonly column: number;
}

export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Parent URN; empty for the root Stack. */
    readonly parent: string;
    /** Provider reference `urn::id` as the engine resolves it (default providers included); empty if none. */
    readonly provider: string;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly options: ResourceOptions;
    /** Inputs in wire format (unknown and secret markers kept). */
    readonly inputs: Record<string, unknown>;
    /** Outputs in wire format: a preview's (inputs, rest unknown) for custom resources, registered outputs for components. */
    readonly outputs: Record<string, unknown>;
    /** How it came to be, when not registered by the program itself. */
    readonly origin: "program" | "read" | "default-provider";
    /** A multi-language component, whose children cannot be known offline. */
    readonly remote?: boolean;
    /** Where the program declared it; absent for default providers and resources the program's runtime declares. */
    readonly source?: SourcePosition;
    /**
     * Outputs (dotted paths, `id` included) that a real preview leaves unknown and the offline engine predicted
     * from the inputs, as the provider will compute them (engine/program/host/predictions.js).
     */
    readonly predicted?: readonly string[];
    /** Provider settings a prediction had to fill with a placeholder (e.g. `azure-native:subscriptionId`). */
    readonly predictionPlaceholders?: readonly string[];
    /**
     * Inputs whose value comes from an invoke with no offline answer (input -> invoke tokens): unknown here, known
     * to a real preview. What depends on them cannot be verified offline.
     */
    readonly unansweredInputs?: Readonly<Record<string, readonly string[]>>;
}

export interface InvokeRecord {
    readonly token: string;
    /**
     * Where the offline answer came from: the provider's config, a placeholder, nowhere (`unknown`: the result is
     * unknown, as in a preview that cannot know it), or `none` (`{}`, from a runtime too old to answer unknown).
     */
    readonly source: "config" | "placeholder" | "unknown" | "none";
}

export interface StackPlan {
    readonly stack: string;
    readonly project: string;
    /** The Pulumi project directory. */
    readonly programDir: string;
    /** The stack's settings file relative to programDir, or null when the project keeps none. */
    readonly stackFile: string | null;
    /** The @pulumi/pulumi that ran the program (the program's own). */
    readonly runtime: { readonly dir: string; readonly version: string };
    readonly resources: readonly PlannedResource[];
    /** Stack outputs in wire format. */
    readonly outputs: Record<string, unknown>;
    readonly invokes: readonly InvokeRecord[];
    /** Things the reader should know about this plan's fidelity (placeholders, remote components). */
    readonly notes: readonly string[];
    readonly timings: { readonly programMs: number; readonly totalMs: number };
}

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
