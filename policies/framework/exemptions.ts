// Exemptions: a named, dated, referenced permission to keep a finding that a rule reports. A finding under an
// active exemption is still reported (advisory, marked exempt); once the exemption expires, the same finding
// becomes a mandatory violation that names it, so an authorisation cannot lapse silently.

export interface Exemption {
    /** A short name the findings quote, e.g. `cnil-emc2-2023`. */
    readonly id: string;
    /**
     * Which resources: a type token (`azure-native:keyvault:Vault`, `*` allowed), a URN glob (`urn:pulumi:*::*`),
     * or a regular expression between slashes (`/::azure-native:storage:/`), matched against the URN.
     */
    readonly resources: readonly string[];
    readonly reason: string;
    /** Waiver: accepted risk. Mitigated: the risk is handled by something the rule cannot see. */
    readonly category: "waiver" | "mitigated";
    /** The decision that grants it (e.g. the CNIL deliberation). */
    readonly reference: string;
    /** The first day (UTC) the exemption no longer applies, `YYYY-MM-DD`. */
    readonly expires: string;
}

export const DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";

function globToRegExp(glob: string): RegExp {
    const body = glob.split("*").map(part => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    return new RegExp(`^${body}$`);
}

/** Whether a resource pattern matches a resource's URN or type. */
export function patternMatches(pattern: string, urn: string, type: string): boolean {
    if (pattern.length > 2 && pattern.startsWith("/") && pattern.endsWith("/")) {
        return new RegExp(pattern.slice(1, -1)).test(urn);
    }
    if (pattern.startsWith("urn:")) return globToRegExp(pattern).test(urn);
    return globToRegExp(pattern).test(type);
}

export function findExemption(exemptions: readonly Exemption[], urn: string, type: string): Exemption | undefined {
    return exemptions.find(e => e.resources.some(p => patternMatches(p, urn, type)));
}

/** The day (UTC midnight) a `YYYY-MM-DD` date starts. */
export function dayStart(date: string): Date {
    return new Date(`${date}T00:00:00Z`);
}

export function isActive(exemption: Exemption, now: Date): boolean {
    return now.getTime() < dayStart(exemption.expires).getTime();
}

/** Problems with an exemption list that the JSON schema cannot express (bad regex, impossible date). */
export function exemptionProblems(exemptions: readonly Exemption[]): string[] {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const e of exemptions) {
        if (ids.has(e.id)) problems.push(`exemption id "${e.id}" is used twice`);
        ids.add(e.id);
        if (Number.isNaN(dayStart(e.expires).getTime()) || dayStart(e.expires).toISOString().slice(0, 10) !== e.expires) {
            problems.push(`exemption "${e.id}": expires "${e.expires}" is not a calendar date (YYYY-MM-DD)`);
        }
        for (const p of e.resources) {
            if (p.length > 2 && p.startsWith("/") && p.endsWith("/")) {
                try { new RegExp(p.slice(1, -1)); } catch (err) {
                    problems.push(`exemption "${e.id}": resource pattern ${p} is not a valid regular expression`);
                }
            }
        }
    }
    return problems;
}
