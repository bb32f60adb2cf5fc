// The check report as SARIF 2.1.0, for code scanning. Each finding is a result of its policy (a rule), located at
// the line of the program that declared its resource (the `new` call), or at the stack's settings file when the
// program has no line for it (the root Stack, a default provider), and logically at the resource URN. Exempt
// findings carry an accepted external suppression; an exemption about to expire is a result of its own, at the
// line of the policy config that declares it; with --base, results say whether they are new or unchanged. Paths
// are relative to the program's own repository root, not to where the check ran. The log passes the SARIF
// Multitool's validator with no error and no warning (tests/cli/sarif-validator.test.ts).

import { createHash } from "crypto";
import * as path from "path";
import { expiryAnnouncement } from "../report/expiry";
import type { CheckFailure, CheckReport, ReportFinding, StackReport } from "../report/model";
import { findingKey } from "../report/model";
import { PROGRAM_NAME } from "../paths";

/** Where a program's file is, relative to the root its SARIF paths are written from. */
export type ArtifactPath = (programDir: string, file: string) => string;

/** The rule of the results that announce an exemption about to expire; not a policy of the pack. */
export const EXPIRY_RULE = "exemption-expiring";

export interface SarifOptions {
    /** An absolute URI where a reader learns about the tool (its documentation). */
    readonly informationUri: string;
    /** An absolute URI that documents the rules (the policy pack's documentation). */
    readonly rulesUri: string;
    /** The tool's own version. */
    readonly version: string;
}

interface Rule {
    readonly description?: string;
    readonly remediation?: string;
    readonly level: ReportFinding["level"];
}

export function checkSarif(report: CheckReport, artifactPath: ArtifactPath, options: SarifOptions): string {
    const rules = new Map<string, Rule>();
    for (const p of report.pack.policies) {
        rules.set(p.name, { description: p.description, remediation: p.remediationSteps, level: "advisory" });
    }
    for (const st of report.stacks) {
        for (const f of st.findings) {
            const known = rules.get(f.policy);
            rules.set(f.policy, {
                description: known?.description ?? f.description,
                remediation: known?.remediation ?? f.remediation,
                level: known?.level === "mandatory" || f.level === "mandatory" ? "mandatory" : "advisory",
            });
        }
    }
    if (report.expiring.length > 0) {
        rules.set(EXPIRY_RULE, {
            description: "Reports an active exemption that ends soon: on that day its findings turn mandatory.",
            remediation: "Renew the exemption with a new reference and date, or fix the findings it covers before it ends.",
            level: report.expiring.some(e => e.blocking) ? "mandatory" : "advisory",
        });
    }
    const ruleIds = [...rules.keys()].sort();
    const introduced = report.base ? new Set(report.base.introduced.map(f => findingKey(f.stack, f))) : undefined;
    const results = report.stacks.flatMap(st => st.findings.map(f => {
        const key = findingKey(st.stack, f);
        return {
            ruleId: f.policy,
            ruleIndex: ruleIds.indexOf(f.policy),
            level: f.exempt ? "note" : f.level === "mandatory" ? "error" : "warning",
            message: { text: `[${st.stack}] ${f.message}` },
            locations: [location(st, f, artifactPath)],
            partialFingerprints: { "warehouseFinding/v1": createHash("sha256").update(key).digest("hex") },
            ...(f.exempt ? { suppressions: [{ kind: "external", status: "accepted", justification: f.message }] } : {}),
            ...(introduced ? { baselineState: introduced.has(key) ? "new" : "unchanged" } : {}),
            properties: { stack: st.stack, urn: f.urn, exempt: f.exempt, pack: f.pack },
        };
    }));
    for (const e of report.expiring) {
        const stack = report.stacks.find(s => s.stack === e.stack)!;
        const file = e.declaredAt ? path.resolve(stack.program, e.declaredAt.file) : settingsFile(stack);
        results.push({
            ruleId: EXPIRY_RULE,
            ruleIndex: ruleIds.indexOf(EXPIRY_RULE),
            level: e.blocking ? "error" : "warning",
            message: { text: `[${e.stack}] ${expiryAnnouncement(e)}` },
            locations: [{
                physicalLocation: {
                    artifactLocation: { uri: uri(artifactPath(stack.program, file)) },
                    region: { startLine: e.declaredAt?.line ?? 1 },
                },
                logicalLocations: [{ fullyQualifiedName: `${e.stack}/${e.id}`, kind: "module" }],
            }] as any,
            partialFingerprints: {
                "warehouseFinding/v1": createHash("sha256").update(`${e.stack}\u0000${EXPIRY_RULE}\u0000${e.id}`).digest("hex"),
            },
            properties: { stack: e.stack, exemption: e.id, expires: e.expires, daysLeft: e.daysLeft, findings: e.findings } as any,
        });
    }
    const log = {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: {
                driver: {
                    name: PROGRAM_NAME,
                    informationUri: options.informationUri,
                    version: options.version,
                    semanticVersion: options.version,
                    rules: ruleIds.map(id => {
                        const r = rules.get(id)!;
                        const description = sentence(r.description ?? `Policy ${id} of ${report.pack.name}.`);
                        return {
                            id,
                            name: pascalCase(id),
                            shortDescription: { text: description },
                            fullDescription: { text: description },
                            helpUri: id === EXPIRY_RULE ? options.informationUri : options.rulesUri,
                            ...(r.remediation ? { help: { text: sentence(r.remediation) } } : {}),
                            defaultConfiguration: { level: r.level === "mandatory" ? "error" : "warning" },
                            properties: { pack: `${report.pack.name}@${report.pack.version}` },
                        };
                    }),
                },
            },
            automationDetails: { id: `${PROGRAM_NAME}/${report.stacks.map(s => s.stack).join("+")}/` },
            columnKind: "utf16CodeUnits",
            results,
        }],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
}

/** The stack's settings file (or the project file when it keeps none), absolute. */
function settingsFile(st: StackReport): string {
    return st.stackFile ? path.join(st.program, st.stackFile) : path.join(st.program, "Pulumi.yaml");
}

/** A relative path as a URI reference: each segment percent-encoded. */
function uri(relative: string): string {
    return relative.split("/").map(encodeURIComponent).join("/");
}

function location(st: StackReport, f: ReportFinding, artifactPath: ArtifactPath) {
    const physicalLocation = f.source
        ? {
            artifactLocation: { uri: uri(artifactPath(st.program, path.resolve(st.program, f.source.file))) },
            region: { startLine: f.source.line, startColumn: f.source.column },
        }
        : { artifactLocation: { uri: uri(artifactPath(st.program, settingsFile(st))) }, region: { startLine: 1 } };
    return { physicalLocation, logicalLocations: [{ fullyQualifiedName: f.urn, kind: "resource" }] };
}

/** A rule's readable name, distinct from its id as SARIF asks: `key-custody` -> `KeyCustody`. */
export function pascalCase(id: string): string {
    return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join("");
}

/** SARIF messages are sentences: one ending with a period. */
function sentence(text: string): string {
    const t = text.trim();
    return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * A run that reached no verdict: one run with no results and a failed invocation carrying the cause (SARIF 2.1.0
 * §3.20 invocation: executionSuccessful, exitCode, toolExecutionNotifications), so code scanning shows the error
 * instead of an empty, passing analysis.
 */
export function checkSarifFailure(failure: CheckFailure, options?: SarifOptions): string {
    const log = {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: { driver: { name: PROGRAM_NAME, ...(options ? { informationUri: options.informationUri, version: options.version } : {}), rules: [] } },
            invocations: [{
                executionSuccessful: false,
                exitCode: failure.exitCode,
                toolExecutionNotifications: [{ level: "error", message: { text: failure.message },
                                               properties: { kind: failure.kind } }],
            }],
            results: [],
        }],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
}
