// A local run leaves the working tree clean: the benchmark's results and the reports the README and the pipelines
// write go to paths git ignores.

import { execFileSync } from "child_process";
import * as path from "path";
import { DEFAULT_RESULTS } from "../../bench/report";

const ROOT = path.resolve(__dirname, "../..");
const ignored = (file: string) => {
    try {
        execFileSync("git", ["check-ignore", "--no-index", "-q", file], { cwd: ROOT, stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
};

test.each([DEFAULT_RESULTS, "report.md", "policy-check.sarif", "policy-check.md", "policy-check.junit.xml",
    "policy-check.txt", "rehearsal.md"])("%s is ignored by git", file => {
    expect(ignored(file)).toBe(true);
});

test("no benchmark result is tracked", () => {
    const tracked = execFileSync("git", ["ls-files", "bench", ".bench"], { cwd: ROOT, encoding: "utf8" }).split("\n");
    expect(tracked.filter(f => /\.json$/.test(f))).toEqual([]);
});
