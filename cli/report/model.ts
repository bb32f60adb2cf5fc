// The check report: what every output format renders. Its JSON form is documented in docs/offline-check.md and
// specified by cli/schema/check-report.schema.json.

import type { PolicySummary } from "../../engine/run";
import type { Drift } from "../../engine/state/drift";

export type { PolicySummary };

export type Level = "mandatory" | "advisory";

/** Where a resource was declared: the line of its `new` in the program, the file relative to the program's directory. */
export interface SourceLocation {
    /** Relative to the program directory, with `/` separators. */
    readonly file: string;
    readonly line: number;
    readonly column: number;
}

/** The exemption a finding falls under, as the pack quotes it. */
export interface ExemptionRef {
    readonly id: string;
    readonly expires: string;
    readonly reference: string;
    readonly category?: string;
    readonly reason?: string;
}

export interface ReportResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Parent URN; null for the root Stack and default providers. */
    readonly parent: string | null;
    /** Inputs after remediation, secrets shown as "[secret]", values unknown at preview as "[unknown]". */
    readonly inputs: Record<string, unknown>;
    /** Where the program declared it; null for default providers and the root Stack. */
    readonly source: SourceLocation | null;
    /** Outputs the offline engine predicted from the inputs (a real preview leaves them unknown), when any. */
    readonly predicted?: readonly string[];
}

export interface ReportFinding {
    readonly policy: string;
    readonly level: Level;
    readonly urn: string;
    readonly message: string;
    /** Covered by an active exemption: reported, advisory, not counted against the verdict. */
    readonly exempt: boolean;
    /** The policy pack, `name@version`. */
    readonly pack: string;
    /** What the policy checks (its description). */
    readonly description?: string;
    /** How to fix it (the policy's remediation steps), when the pack says. */
    readonly remediation?: string;
    /** The nearest enclosing component (URN), or null when the resource sits directly under the stack. */
    readonly component: string | null;
    /** Where the resource was declared; null when the program has no line for it (the root Stack, providers). */
    readonly source: SourceLocation | null;
    /** The active exemption it falls under (exempt findings), or the one that expired (mandatory again). */
    readonly exemption?: ExemptionRef & { readonly active: boolean };
}

export interface ReportRemediation {
    /** The remediating policy when known (the analyzer client reports only the new inputs), else null. */
    readonly policy: string | null;
    readonly urn: string;
    /** The inputs the remediation changed: key -> [before, after]. */
    readonly changes: Record<string, [unknown, unknown]>;
}

export interface StackReport {
    readonly stack: string;
    /** The Pulumi project directory that ran. */
    readonly program: string;
    readonly project: string;
    /** The stack's settings file, relative to the program directory; null when the project keeps none. */
    readonly stackFile: string | null;
    readonly resources: readonly ReportResource[];
    readonly findings: readonly ReportFinding[];
    readonly remediations: readonly ReportRemediation[];
    /** Where the offline run differs from a real preview for this stack (placeholders, remote components). */
    readonly notes: readonly string[];
    readonly policyConfig: string | null;
    readonly timings: { readonly planMs: number; readonly evaluationMs: number };
    /** Set when the stack was judged from its deployed state (`--state`) rather than its code. */
    readonly state?: {
        readonly file: string;
        /** With `--program`: where the code and the deployed state differ. */
        readonly drift?: Drift;
    };
}

export interface Summary {
    readonly resources: number;
    readonly mandatory: number;
    /** Advisory findings that are not exempt. */
    readonly advisory: number;
    readonly exempt: number;
    /** Active exemptions that expire within the warning window (see CheckReport.expiring). */
    readonly expiring: number;
}

/** An active exemption that ends soon: on `expires`, its findings turn mandatory. */
export interface ExpiringExemption {
    readonly stack: string;
    readonly id: string;
    readonly reference: string;
    /** The first day (UTC) it no longer applies. */
    readonly expires: string;
    /** Whole days from the judging day to `expires`. */
    readonly daysLeft: number;
    /** Findings it covers today, which turn mandatory on `expires`. */
    readonly findings: number;
    readonly policies: readonly string[];
    /** Where the exemption is declared (the policy config file, relative to the program directory when inside it). */
    readonly declaredAt: { readonly file: string; readonly line: number } | null;
    /** Whether `--fail-on-expiry-within` makes this run fail on it. */
    readonly blocking: boolean;
}

export interface BaseComparison {
    readonly ref: string;
    readonly commit: string;
    /** Findings present now and not in the base. */
    readonly introduced: readonly (ReportFinding & { readonly stack: string })[];
    /** Findings of the base that are gone now. */
    readonly fixed: readonly (ReportFinding & { readonly stack: string })[];
}

export interface CheckReport {
    readonly stacks: readonly StackReport[];
    readonly summary: Summary;
    readonly pack: {
        readonly name: string;
        readonly version: string;
        readonly dir: string;
        readonly policies: readonly PolicySummary[];
    };
    readonly base?: BaseComparison;
    /** Active exemptions expiring within `expiryWindowDays` of `judgedOn`, soonest first. */
    readonly expiring: readonly ExpiringExemption[];
    /** The day exemptions are counted from (UTC, YYYY-MM-DD). */
    readonly judgedOn: string;
    readonly expiryWindowDays: number;
}

/**
 * A check that could not reach a verdict (bad input, a failing program or pack, a bug): what the machine-readable
 * formats carry instead of a report, so that a CI parser reads the cause rather than nothing. Exit status 2.
 */
export interface CheckFailure {
    /** One line naming the cause, as printed on stderr. */
    readonly message: string;
    /** `input`: the input or something outside the tool failed; `internal`: a bug in the tool. */
    readonly kind: "input" | "internal";
    readonly exitCode: number;
}

export function summarize(stacks: readonly StackReport[], expiring: readonly ExpiringExemption[] = []): Summary {
    let resources = 0, mandatory = 0, advisory = 0, exempt = 0;
    for (const s of stacks) {
        resources += s.resources.length;
        for (const f of s.findings) {
            if (f.exempt) exempt++;
            else if (f.level === "mandatory") mandatory++;
            else advisory++;
        }
    }
    return { resources, mandatory, advisory, exempt, expiring: expiring.length };
}

/** A finding's identity across commits: the same policy on the same resource of the same stack. */
export function findingKey(stack: string, f: Pick<ReportFinding, "policy" | "urn">): string {
    return `${stack}\u0000${f.policy}\u0000${f.urn}`;
}
