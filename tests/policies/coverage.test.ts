// docs/policy-pack.md shows the coverage by service as the catalogue gives it: the table is rendered from the
// checked-in catalogue, so a regenerated catalogue with a stale table fails here (run npm run catalog).

import * as fs from "fs";
import * as path from "path";
import { catalog } from "../../policies/catalog/resource-types";
import { COVERAGE_BEGIN, COVERAGE_END, coverageTable, withCoverage } from "../../policies/catalog/generate/coverage";

const DOC = path.resolve(__dirname, "../../docs/policy-pack.md");

test("the coverage table of docs/policy-pack.md is the one the catalogue renders", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    const table = coverageTable(catalog());
    expect(doc.slice(doc.indexOf(COVERAGE_BEGIN), doc.indexOf(COVERAGE_END) + COVERAGE_END.length)).toEqual(table);
});

test("the table lists the data services by provider, with their types and fields", () => {
    const table = coverageTable(catalog());
    expect(table).toMatch(/\| database \| Azure \| \d+ \| \d+ \|/);
    expect(table).toMatch(/\| storage \| OVHcloud \| \d+ \| \d+ \|/);
    expect(table).toMatch(/`sql:Server`|`cosmosdb:DatabaseAccount`/);
    expect(() => withCoverage("no markers here", table)).toThrow(/no coverage markers/);
});
