// What a rule returns. Predicates are pure: (resource, context) -> findings; the policy wrapper decides how each
// finding is reported (level, exemption, message prefix).

export type FindingKind =
    /** The rule is broken. */
    | "violation"
    /** A value the rule needs is unknown (preview) or cannot be established: never a silent pass. */
    | "cannot-verify"
    /** The platform lacks the feature the rule asks for; reported as advice, with what compensates for it. */
    | "platform-gap";

export interface Finding {
    readonly kind: FindingKind;
    readonly message: string;
    /** For stack rules: the resource the finding is about. */
    readonly urn?: string;
}

export const violation = (message: string, urn?: string): Finding => ({ kind: "violation", message, urn });
export const cannotVerify = (message: string, urn?: string): Finding => ({ kind: "cannot-verify", message, urn });
export const platformGap = (message: string, urn?: string): Finding => ({ kind: "platform-gap", message, urn });
