// The check report as JUnit XML (GitLab and Jenkins test reports): one suite per stack, one test case per policy
// of the pack; a policy fails on a stack when it has a mandatory finding there. Each case lists its findings grouped
// by message, with the resources and the line that declared each; advisory and exempt findings are in the case's
// output, so the report shows them without failing the pipeline. An exemption about to expire is a case of its own,
// failing only under --fail-on-expiry-within. The document follows cli/schema/junit.xsd.

import { expiryAnnouncement } from "../report/expiry";
import { PolicyGroup, ShownPath, groupFindings, where } from "../report/groups";
import type { CheckFailure, CheckReport, StackReport } from "../report/model";
import { PROGRAM_NAME } from "../paths";

export function checkJunit(report: CheckReport, shown?: ShownPath): string {
    const suites = report.stacks.map(st => suite(st, policyNames(report, st), report, shown));
    const tests = suites.reduce((n, s) => n + s.tests, 0);
    const failures = suites.reduce((n, s) => n + s.failures, 0);
    const seconds = report.stacks.reduce((n, s) => n + s.timings.planMs + s.timings.evaluationMs, 0) / 1000;
    return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<testsuites name="${PROGRAM_NAME}" tests="${tests}" failures="${failures}" errors="0" time="${seconds.toFixed(3)}">`,
        ...suites.map(s => s.xml),
        `</testsuites>`,
        "",
    ].join("\n");
}

/** A run that reached no verdict: one test case in error (not a failure: nothing was judged), carrying the cause. */
export function checkJunitFailure(failure: CheckFailure): string {
    return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<testsuites name="${PROGRAM_NAME}" tests="1" failures="0" errors="1" time="0">`,
        `  <testsuite name="${PROGRAM_NAME}" tests="1" failures="0" errors="1" skipped="0" time="0">`,
        `    <testcase classname="${PROGRAM_NAME}" name="check" time="0">`,
        `      <error type="${failure.kind}" message="${esc(failure.message)}">${esc(failure.message)}</error>`,
        `    </testcase>`,
        `  </testsuite>`,
        `</testsuites>`,
        "",
    ].join("\n");
}

function policyNames(report: CheckReport, st: StackReport): string[] {
    const names = new Set<string>(report.pack.policies.map(p => p.name));
    for (const f of st.findings) names.add(f.policy);
    return [...names].sort();
}

function suite(st: StackReport, policies: string[], report: CheckReport, shown?: ShownPath) {
    let failures = 0;
    const groups = groupFindings([st], shown);
    const byPolicy = (list: readonly PolicyGroup[]) => new Map(list.map(g => [g.policy, g]));
    const mandatory = byPolicy(groups.mandatory);
    const advisory = byPolicy(groups.advisory);
    const exempt = st.findings.filter(f => f.exempt);
    const cases = policies.map(policy => {
        const parts = [`    <testcase classname="${esc(st.stack)}" name="${esc(policy)}" time="0">`];
        const blocking = mandatory.get(policy);
        if (blocking) {
            failures++;
            parts.push(`      <failure type="mandatory" message="${esc(`${blocking.count} mandatory finding(s)`)}">` +
                `${esc(groupText(blocking))}</failure>`);
        }
        const others = [advisory.get(policy) ? groupText(advisory.get(policy)!) : "",
            ...exemptLines(exempt.filter(f => f.policy === policy), st.program, shown)].filter(Boolean);
        if (others.length > 0) parts.push(`      <system-out>${esc(others.join("\n"))}</system-out>`);
        parts.push(`    </testcase>`);
        return parts.join("\n");
    });
    const expiring = report.expiring.filter(e => e.stack === st.stack).map(e => {
        const name = `exemption ${e.id} expires ${e.expires}`;
        const text = expiryAnnouncement(e) + (e.declaredAt ? ` [${e.declaredAt.file}:${e.declaredAt.line}]` : "");
        if (e.blocking) failures++;
        return [`    <testcase classname="${esc(st.stack)}" name="${esc(name)}" time="0">`,
            e.blocking ? `      <failure type="exemption-expiring" message="${esc(text)}">${esc(text)}</failure>`
                : `      <system-out>${esc(text)}</system-out>`,
            `    </testcase>`].join("\n");
    });
    const tests = policies.length + expiring.length;
    const seconds = (st.timings.planMs + st.timings.evaluationMs) / 1000;
    const xml = [
        `  <testsuite name="${esc(`${PROGRAM_NAME} ${st.stack}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${seconds.toFixed(3)}">`,
        ...cases,
        ...expiring,
        `  </testsuite>`,
    ].join("\n");
    return { xml, tests, failures };
}

/** A policy's findings on one stack: each message once, the resources and their lines under it, the fix once. */
function groupText(g: PolicyGroup): string {
    const lines: string[] = [];
    for (const m of g.messages) {
        lines.push(`${g.level}: ${m.message}`);
        for (const member of m.members) {
            const at = member.at;
            lines.push(`  ${at ? `${at}  ` : ""}${member.resource}  (${member.urn})`);
        }
    }
    if (g.level === "mandatory" && g.remediation) lines.push(`fix: ${g.remediation}`);
    return lines.join("\n");
}

/** Exempt findings collapsed per exemption: its id, until when, and the resources it covers. */
function exemptLines(findings: readonly StackReport["findings"][number][], programDir: string, shown?: ShownPath): string[] {
    const byId = new Map<string, typeof findings[number][]>();
    for (const f of findings) {
        const id = f.exemption?.id ?? "(unnamed)";
        byId.set(id, [...(byId.get(id) ?? []), f]);
    }
    return [...byId.entries()].map(([id, fs]) =>
        `exempt under ${id} until ${fs[0].exemption?.expires ?? "?"} (${fs.length} finding${fs.length === 1 ? "" : "s"}): ` +
        fs.map(f => `${f.urn.split("::").pop()}${f.source ? ` ${where(f.source, programDir, shown)}` : ""}`).join(", "));
}

function esc(text: string): string {
    return text
        .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")
        .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
