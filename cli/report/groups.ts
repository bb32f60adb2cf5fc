// Findings as a reviewer reads them: grouped by level, then policy, then message, with the resources listed under
// the one message they share (the same text on 22 resources is printed once); exempt findings collapsed per
// exemption with their count. Every human-readable format renders these groups.

import * as path from "path";
import type { ExemptionRef, Level, ReportFinding, SourceLocation, StackReport } from "./model";

/** A resource a finding is about, as the groups list it. */
export interface Member {
    readonly stack: string;
    readonly urn: string;
    /** `type name` of the resource (or the URN's last parts when the resource is not in the plan). */
    readonly resource: string;
    readonly source: SourceLocation | null;
    /** `file:line` as the reader finds it from where the check ran; "" when there is no line. */
    readonly at: string;
}

export interface MessageGroup {
    readonly message: string;
    readonly members: readonly Member[];
}

export interface PolicyGroup {
    readonly level: Level;
    readonly policy: string;
    readonly description?: string;
    readonly remediation?: string;
    /** Findings in all its message groups. */
    readonly count: number;
    readonly messages: readonly MessageGroup[];
}

export interface ExemptionGroup extends ExemptionRef {
    readonly stacks: readonly string[];
    readonly count: number;
    /** Per policy, how many findings the exemption covers. */
    readonly policies: readonly { readonly policy: string; readonly count: number }[];
}

export interface GroupedFindings {
    readonly mandatory: readonly PolicyGroup[];
    readonly advisory: readonly PolicyGroup[];
    readonly exempt: readonly ExemptionGroup[];
}

interface Located {
    readonly stack: string;
    readonly finding: ReportFinding;
    readonly resource: string;
    readonly at: string;
}

/** How a program's file is shown: relative to a root (the program's repository, as SARIF paths are). */
export type ShownPath = (programDir: string, file: string) => string;

/**
 * Groups the findings of the given stacks (of one report). Source files are shown with `shown` when given (the
 * reports use the program's repository root, as SARIF does), else relative to each stack's program.
 */
export function groupFindings(stacks: readonly StackReport[], shown?: ShownPath): GroupedFindings {
    const located: Located[] = stacks.flatMap(st => {
        const names = new Map(st.resources.map(r => [r.urn, `${r.type} ${r.name}`]));
        return st.findings.map(f => ({ stack: st.stack, finding: f, resource: names.get(f.urn) ?? shortUrn(f.urn),
            at: where(f.source, st.program, shown) }));
    });
    return {
        mandatory: byPolicy(located.filter(l => !l.finding.exempt && l.finding.level === "mandatory"), "mandatory"),
        advisory: byPolicy(located.filter(l => !l.finding.exempt && l.finding.level === "advisory"), "advisory"),
        exempt: byExemption(located.filter(l => l.finding.exempt)),
    };
}

/** Groups findings that belong to different stacks of a comparison (`--base`), each carrying its stack. */
export function groupStackFindings(findings: readonly (ReportFinding & { readonly stack: string })[], level: Level,
                                   programs: ReadonlyMap<string, string> = new Map(), shown?: ShownPath): PolicyGroup[] {
    return byPolicy(findings.map(f => ({ stack: f.stack, finding: f, resource: shortUrn(f.urn),
        at: where(f.source ?? null, programs.get(f.stack) ?? "", shown) })), level);
}

function byPolicy(found: readonly Located[], level: Level): PolicyGroup[] {
    const policies = new Map<string, Located[]>();
    for (const l of found) policies.set(l.finding.policy, [...(policies.get(l.finding.policy) ?? []), l]);
    const groups = [...policies.entries()].map(([policy, all]) => {
        const messages = new Map<string, Member[]>();
        for (const l of all) {
            const member = { stack: l.stack, urn: l.finding.urn, resource: l.resource, source: l.finding.source ?? null, at: l.at };
            messages.set(l.finding.message, [...(messages.get(l.finding.message) ?? []), member]);
        }
        const first = all[0].finding;
        return {
            level, policy, description: first.description, remediation: first.remediation, count: all.length,
            messages: [...messages.entries()]
                .map(([message, members]) => ({ message, members }))
                .sort((a, b) => b.members.length - a.members.length || a.message.localeCompare(b.message)),
        };
    });
    return groups.sort((a, b) => b.count - a.count || a.policy.localeCompare(b.policy));
}

function byExemption(found: readonly Located[]): ExemptionGroup[] {
    const byId = new Map<string, Located[]>();
    for (const l of found) {
        const id = l.finding.exemption?.id ?? "(unnamed)";
        byId.set(id, [...(byId.get(id) ?? []), l]);
    }
    return [...byId.entries()].map(([id, all]) => {
        const e = all[0].finding.exemption;
        const perPolicy = new Map<string, number>();
        for (const l of all) perPolicy.set(l.finding.policy, (perPolicy.get(l.finding.policy) ?? 0) + 1);
        return {
            id, expires: e?.expires ?? "", reference: e?.reference ?? "", category: e?.category, reason: e?.reason,
            stacks: [...new Set(all.map(l => l.stack))],
            count: all.length,
            policies: [...perPolicy.entries()].map(([policy, count]) => ({ policy, count }))
                .sort((a, b) => b.count - a.count || a.policy.localeCompare(b.policy)),
        };
    }).sort((a, b) => a.expires.localeCompare(b.expires) || a.id.localeCompare(b.id));
}

/** `file:line` of a source location, the file as `shown` shows it (else relative to the program). */
export function where(source: SourceLocation | null, programDir: string, shown?: ShownPath): string {
    if (!source) return "";
    const file = shown && programDir ? shown(programDir, path.resolve(programDir, source.file)) : source.file;
    return `${file}:${source.line}`;
}

/** The type's last part and the name, from a URN. */
export function shortUrn(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? `${parts[2].split("$").pop()} ${parts[3]}` : urn;
}
