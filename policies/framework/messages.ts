// The diagnostic message format. Pulumi carries a finding to the user as a policy name, a level and one message
// string; exemption state and "cannot verify" travel as a stable prefix on that string, so the CLI, CI logs and
// people read the same thing. `parseFindingMessage` is the one reader; keep the two in step.

export interface ExemptionLabel {
    readonly id: string;
    readonly category: "waiver" | "mitigated";
    readonly expires: string;
    readonly reference: string;
}

export type FindingStatus = "violation" | "exempt" | "exemption-expired" | "cannot-verify" | "platform-gap";

export interface ParsedMessage {
    readonly status: FindingStatus;
    /** The finding itself, without prefixes. */
    readonly text: string;
    /** Set when the finding fell under an exemption (active or expired). */
    readonly exemption?: Partial<ExemptionLabel> & { readonly id: string };
    /** The exemption's reason, for exempt findings. */
    readonly reason?: string;
    /** Whether the underlying finding was a "cannot verify" (also under an exemption). */
    readonly cannotVerify: boolean;
}

export const CANNOT_VERIFY = "[cannot verify]";
export const PLATFORM_GAP = "[platform gap]";

export function cannotVerifyMessage(text: string): string {
    return `${CANNOT_VERIFY} ${text}`;
}

export function platformGapMessage(text: string): string {
    return `${PLATFORM_GAP} ${text}`;
}

/** `[exempt: waiver until 2026-12-21; id cnil-emc2; ref CNIL DR-2023-xxx] <finding> (reason: <reason>)` */
export function exemptMessage(label: ExemptionLabel, reason: string, text: string): string {
    return `[exempt: ${label.category} until ${label.expires}; id ${label.id}; ref ${label.reference}] ${text} ` +
        `(reason: ${reason})`;
}

/** `[exemption expired: <id> on <date>; ref <reference>] <finding>` */
export function expiredMessage(label: ExemptionLabel, text: string): string {
    return `[exemption expired: ${label.id} on ${label.expires}; ref ${label.reference}] ${text}`;
}

const EXEMPT = /^\[exempt: (waiver|mitigated) until (\d{4}-\d{2}-\d{2}); id ([^;\]]+); ref ([^\]]*)\] ([\s\S]*?)(?: \(reason: ([\s\S]*)\))?$/;
const EXPIRED = /^\[exemption expired: ([^\]]+?) on (\d{4}-\d{2}-\d{2}); ref ([^\]]*)\] ([\s\S]*)$/;

export function parseFindingMessage(message: string): ParsedMessage {
    const exempt = EXEMPT.exec(message);
    if (exempt) {
        const [, category, expires, id, reference, rest, reason] = exempt;
        const inner = stripCannotVerify(rest);
        return {
            status: "exempt", text: inner.text, cannotVerify: inner.cannotVerify, reason,
            exemption: { id, category: category as ExemptionLabel["category"], expires, reference },
        };
    }
    const expired = EXPIRED.exec(message);
    if (expired) {
        const [, id, expires, reference, rest] = expired;
        const inner = stripCannotVerify(rest);
        return { status: "exemption-expired", text: inner.text, cannotVerify: inner.cannotVerify,
            exemption: { id, expires, reference } };
    }
    if (message.startsWith(PLATFORM_GAP)) {
        return { status: "platform-gap", text: message.slice(PLATFORM_GAP.length).trim(), cannotVerify: false };
    }
    const inner = stripCannotVerify(message);
    return { status: inner.cannotVerify ? "cannot-verify" : "violation", text: inner.text, cannotVerify: inner.cannotVerify };
}

function stripCannotVerify(text: string): { text: string; cannotVerify: boolean } {
    return text.startsWith(CANNOT_VERIFY)
        ? { text: text.slice(CANNOT_VERIFY.length).trim(), cannotVerify: true }
        : { text, cannotVerify: false };
}
