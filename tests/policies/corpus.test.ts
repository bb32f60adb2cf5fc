// The pack's own corpus: pass and fail twins per rule, written as users write programs against the installed SDKs
// (tests/fixtures/corpus/<family>/cases.ts, type-checked with the rest of the repository), each family run as one
// program through the offline engine and the real pack. A fail twin must draw a mandatory finding from its policy;
// a pass twin none from the policies it names (advisories do not count: they are not verdicts).

import { Case } from "../fixtures/corpus/case";
import { CaseFindings, runCorpus, verdict } from "./corpus";

const FAMILIES: Readonly<Record<string, readonly Case[]>> = {
    "azure-storage": require("../fixtures/corpus/azure-storage/cases").CASES,
    "azure-databases": require("../fixtures/corpus/azure-databases/cases").CASES,
    "azure-apps": require("../fixtures/corpus/azure-apps/cases").CASES,
    "azure-compute": require("../fixtures/corpus/azure-compute/cases").CASES,
    "azure-keys": require("../fixtures/corpus/azure-keys/cases").CASES,
    kubernetes: require("../fixtures/corpus/kubernetes/cases").CASES,
    placement: require("../fixtures/corpus/placement/cases").CASES,
};

describe.each(Object.keys(FAMILIES))("corpus %s", family => {
    const cases = FAMILIES[family];
    let byCase: ReadonlyMap<string, CaseFindings>;
    beforeAll(async () => { ({ byCase } = await runCorpus(family, cases)); }, 300000);

    test.each(cases.map(c => [`${c.expect} ${c.id} (${c.policies[0]}; ${c.source})`, c] as const))("%s", (_label, c) => {
        const v = verdict(c, byCase.get(c.id));
        expect({ case: c.id, ok: v.ok, why: v.ok ? "" : v.why }).toEqual({ case: c.id, ok: true, why: "" });
    });
});
