// Runs a corpus program (tests/fixtures/corpus/<family>) through the offline engine and the real pack, as
// `warehouse-check check --program` does, and sorts the findings by the case they belong to: the resource a finding
// names, then its parents, up to the case's component.

import * as path from "path";
import type { StackPlan } from "../../engine/plan";
import { evaluateStack } from "../../engine/policy/evaluate";
import { planStacks } from "../../engine/run";
import { parseFindingMessage } from "../../policies/framework/messages";
import { CASE_TYPE, Case } from "../fixtures/corpus/case";
import { everyPolicy, startPack } from "./support";

export const CORPUS = path.resolve(__dirname, "../fixtures/corpus");

export interface CaseFindings {
    /** Mandatory findings, as `policy: message`. */
    readonly mandatory: string[];
    /** Advisory findings (exempt, cannot verify, platform gaps), as `policy: message`. */
    readonly advisory: string[];
}

export interface CorpusRun {
    readonly plan: StackPlan;
    readonly byCase: ReadonlyMap<string, CaseFindings>;
}

/** The date the corpus is judged on (key and secret expiry dates are relative to it). */
export const CORPUS_NOW = "2026-11-24";

export async function runCorpus(family: string, cases: readonly Case[]): Promise<CorpusRun> {
    const [pack, [plan]] = await Promise.all([
        startPack(),
        planStacks({ programDir: path.join(CORPUS, family), stacks: [], config: {}, env: process.env }),
    ]);
    try {
        await pack.configure(await everyPolicy(pack, { now: CORPUS_NOW }));
        await pack.configureStack({ project: plan.project, stack: plan.stack, dryRun: true });
        const evaluation = await evaluateStack(pack, plan);
        const byUrn = new Map(plan.resources.map(r => [r.urn, r]));
        const caseOf = (urn: string): string | undefined => {
            for (let r = byUrn.get(urn); r; r = byUrn.get(r.parent)) if (r.type === CASE_TYPE) return r.name;
            return undefined;
        };
        const byCase = new Map<string, CaseFindings>(cases.map(c => [c.id, { mandatory: [], advisory: [] }]));
        for (const f of evaluation.findings) {
            const id = caseOf(f.urn);
            const bucket = id ? byCase.get(id) : undefined;
            if (!bucket) continue;
            (f.level === "mandatory" ? bucket.mandatory : bucket.advisory).push(`${f.policy}: ${parseFindingMessage(f.message).text}`);
        }
        return { plan, byCase };
    } finally {
        await pack.stop();
    }
}

/** What a case expects, checked against its findings: the verdict line a failing test prints. */
export function verdict(c: Case, found: CaseFindings | undefined): { ok: boolean; why: string } {
    const mandatory = found?.mandatory ?? [];
    const of = (policy: string) => mandatory.filter(m => m.startsWith(`${policy}: `));
    if (c.expect === "fail") {
        const hits = of(c.policies[0]).filter(m => !c.match || c.match.test(m));
        return { ok: hits.length > 0, why: hits.length ? hits.join("\n") : `no ${c.policies[0]} finding${c.match ? ` matching ${c.match}` : ""}; got:\n${mandatory.join("\n") || "(none)"}` };
    }
    const wrong = c.policies.flatMap(of);
    return { ok: wrong.length === 0, why: wrong.join("\n") || "clean" };
}
