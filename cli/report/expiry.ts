// The countdown of exemptions: an active exemption that ends within the warning window is announced with its id,
// its reference, the days left and how many findings turn mandatory that day (an expired exemption makes the pack
// report its findings as mandatory, policies/framework/policy.ts), so an authorisation cannot lapse unnoticed.

import * as fs from "fs";
import * as path from "path";
import type { ExpiringExemption, StackReport } from "./model";

/** The warning window when none is given: a month, time enough to renew an authorisation or finish a move. */
export const DEFAULT_EXPIRY_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(now: Date): string {
    return now.toISOString().slice(0, 10);
}

/** Whole days from one `YYYY-MM-DD` to another. */
export function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export interface ExpiryOptions {
    /** The day the check runs (the clock's, injectable for tests). */
    readonly today: string;
    /** Announce exemptions that end within this many days. */
    readonly windowDays: number;
    /** Fail the run (exit 1) on an exemption that ends within this many days; undefined: never. */
    readonly failWithinDays?: number;
}

/** A stack's policy config as the check read it (the file and its content), to find each exemption's own clock. */
export interface StackPolicyConfig {
    readonly file: string | null;
    readonly config: Readonly<Record<string, unknown>>;
}

/**
 * The exemptions of each stack that end within the window, soonest first. The day counted from is the one the
 * pack judged on: a policy's `now` setting when its config sets one, else today.
 */
export function expiringExemptions(stacks: readonly StackReport[], configs: readonly StackPolicyConfig[],
                                   options: ExpiryOptions): ExpiringExemption[] {
    const out: ExpiringExemption[] = [];
    const window = Math.max(options.windowDays, options.failWithinDays ?? 0);
    stacks.forEach((stack, i) => {
        const config = configs[i] ?? { file: null, config: {} };
        const byId = new Map<string, { reference: string; expires: string; policies: Set<string>; findings: number; daysLeft: number }>();
        for (const f of stack.findings) {
            if (!f.exempt || !f.exemption) continue;
            const judgedOn = policyClock(config.config, f.policy) ?? options.today;
            const daysLeft = daysBetween(judgedOn, f.exemption.expires);
            const entry = byId.get(f.exemption.id) ?? { reference: f.exemption.reference, expires: f.exemption.expires,
                policies: new Set<string>(), findings: 0, daysLeft };
            entry.policies.add(f.policy);
            entry.findings++;
            entry.daysLeft = Math.min(entry.daysLeft, daysLeft);
            byId.set(f.exemption.id, entry);
        }
        for (const [id, e] of byId) {
            if (e.daysLeft > window) continue;
            out.push({
                stack: stack.stack, id, reference: e.reference, expires: e.expires, daysLeft: e.daysLeft,
                findings: e.findings, policies: [...e.policies].sort(),
                declaredAt: declaration(config.file, id, stack.program),
                blocking: options.failWithinDays !== undefined && e.daysLeft <= options.failWithinDays,
            });
        }
    });
    return out.sort((a, b) => a.daysLeft - b.daysLeft || a.stack.localeCompare(b.stack) || a.id.localeCompare(b.id));
}

/** The `now` a policy's settings fix, if any (the pack judges exemptions on that day). */
function policyClock(config: Readonly<Record<string, unknown>>, policy: string): string | undefined {
    const settings = config[policy];
    const now = settings && typeof settings === "object" ? (settings as Record<string, unknown>).now : undefined;
    return typeof now === "string" && /^\d{4}-\d{2}-\d{2}$/.test(now) ? now : undefined;
}

/** The line of the policy config file that declares the exemption (`"id": "<id>"`), for the reports to point at. */
function declaration(file: string | null, id: string, programDir: string): ExpiringExemption["declaredAt"] {
    if (!file) return null;
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return null;
    }
    const pattern = new RegExp(`"id"\\s*:\\s*"${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`);
    const index = text.split("\n").findIndex(line => pattern.test(line));
    const relative = path.relative(programDir, file);
    const shown = relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
    return { file: shown, line: index >= 0 ? index + 1 : 1 };
}

/** "in 20 days", "tomorrow", "today". */
export function daysLeftText(days: number): string {
    return days <= 0 ? "today" : days === 1 ? "tomorrow" : `in ${days} days`;
}

/** One sentence per expiring exemption, the same in every format. */
export function expiryAnnouncement(e: ExpiringExemption): string {
    return `exemption ${e.id} of stack ${e.stack} expires on ${e.expires}, ${daysLeftText(e.daysLeft)}: ` +
        `${e.findings} finding${e.findings === 1 ? "" : "s"} (${e.policies.join(", ")}) turn mandatory that day ` +
        `(ref ${e.reference})`;
}
