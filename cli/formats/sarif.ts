// The check report as SARIF 2.1.0, for code scanning. Each finding is a result of its policy (a rule), located
// at the stack's settings file (what a reviewer opens; its path relative to the program's own repository root, not
// to where the check ran) and, logically, at the resource URN. Exempt findings carry an accepted external
// suppression; with --base, results say whether they are new or unchanged.

import { createHash } from "crypto";
import * as path from "path";
import type { CheckFailure, CheckReport, ReportFinding, StackReport } from "../report/model";
import { findingKey } from "../report/model";
import { PROGRAM_NAME } from "../paths";

/** Where a program's file is, relative to the root its SARIF paths are written from. */
export type ArtifactPath = (programDir: string, file: string) => string;

export function checkSarif(report: CheckReport, artifactPath: ArtifactPath): string {
    const rules = new Map<string, { description?: string; remediation?: string; level: ReportFinding["level"] }>();
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
    const log = {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: {
                driver: {
                    name: PROGRAM_NAME,
                    semanticVersion: report.pack.version,
                    rules: ruleIds.map(id => {
                        const r = rules.get(id)!;
                        return {
                            id,
                            name: id,
                            shortDescription: { text: r.description ?? id },
                            ...(r.remediation ? { help: { text: r.remediation } } : {}),
                            defaultConfiguration: { level: r.level === "mandatory" ? "error" : "warning" },
                        };
                    }),
                },
            },
            automationDetails: { id: `${PROGRAM_NAME}/${report.stacks.map(s => s.stack).join("+")}/` },
            results,
        }],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
}

function location(st: StackReport, f: ReportFinding, artifactPath: ArtifactPath) {
    const file = st.stackFile ? path.join(st.program, st.stackFile) : path.join(st.program, "Pulumi.yaml");
    return {
        physicalLocation: {
            artifactLocation: { uri: artifactPath(st.program, file) },
            region: { startLine: 1 },
        },
        logicalLocations: [{ fullyQualifiedName: f.urn, kind: "resource" }],
    };
}

/**
 * A run that reached no verdict: one run with no results and a failed invocation carrying the cause (SARIF 2.1.0
 * §3.20 invocation: executionSuccessful, exitCode, toolExecutionNotifications), so code scanning shows the error
 * instead of an empty, passing analysis.
 */
export function checkSarifFailure(failure: CheckFailure): string {
    const log = {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: { driver: { name: PROGRAM_NAME, rules: [] } },
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
