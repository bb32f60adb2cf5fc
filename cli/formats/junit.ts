// The check report as JUnit XML (GitLab and Jenkins test reports): one suite per stack, one test case per policy
// of the pack; a policy fails on a stack when it has a mandatory finding there. Advisory and exempt findings are
// listed in the case's output, so the report shows them without failing the pipeline.

import type { CheckFailure, CheckReport, ReportFinding, StackReport } from "../report/model";
import { PROGRAM_NAME } from "../paths";

export function checkJunit(report: CheckReport): string {
    const suites = report.stacks.map(st => suite(st, policyNames(report, st)));
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

function suite(st: StackReport, policies: string[]) {
    let failures = 0;
    const cases = policies.map(policy => {
        const found = st.findings.filter(f => f.policy === policy);
        const blocking = found.filter(f => !f.exempt && f.level === "mandatory");
        const others = found.filter(f => f.exempt || f.level !== "mandatory");
        const parts = [`    <testcase classname="${esc(`${st.stack}`)}" name="${esc(policy)}" time="0">`];
        if (blocking.length > 0) {
            failures++;
            parts.push(`      <failure type="mandatory" message="${esc(`${blocking.length} mandatory finding(s)`)}">${esc(blocking.map(line).join("\n"))}</failure>`);
        }
        if (others.length > 0) parts.push(`      <system-out>${esc(others.map(line).join("\n"))}</system-out>`);
        parts.push(`    </testcase>`);
        return parts.join("\n");
    });
    const seconds = (st.timings.planMs + st.timings.evaluationMs) / 1000;
    const xml = [
        `  <testsuite name="${esc(`${PROGRAM_NAME} ${st.stack}`)}" tests="${policies.length}" failures="${failures}" errors="0" skipped="0" time="${seconds.toFixed(3)}">`,
        ...cases,
        `  </testsuite>`,
    ].join("\n");
    return { xml, tests: policies.length, failures };
}

function line(f: ReportFinding): string {
    const level = f.exempt ? "exempt" : f.level;
    return `${level} ${f.urn}: ${f.message}${f.remediation && !f.exempt ? `\nfix: ${f.remediation}` : ""}`;
}

function esc(text: string): string {
    return text
        .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")
        .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
