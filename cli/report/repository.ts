// Where a program's files are, for reports that point into them (SARIF): paths relative to the program's own
// repository, so a report reads the same wherever the check was run from, and code scanning finds the file in the
// repository the report is uploaded for.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const roots = new Map<string, string>();

/**
 * The root of the git repository holding `dir` (`git rev-parse --show-toplevel`), or `dir` itself when it is in
 * no repository or git is not installed.
 */
export function repositoryRoot(dir: string): string {
    let root = roots.get(dir);
    if (root === undefined) {
        try {
            root = execFileSync("git", ["rev-parse", "--show-toplevel"],
                { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || dir;
        } catch {
            root = dir;
        }
        roots.set(dir, root);
    }
    return root;
}

/**
 * `file` relative to the repository root of `programDir`, with forward slashes (a SARIF artifact URI). Both sides
 * are resolved through symbolic links first, as git reports its root.
 */
export function pathInRepository(programDir: string, file: string): string {
    const real = (p: string) => {
        try {
            return fs.realpathSync(p);
        } catch {
            return path.resolve(p);
        }
    };
    return path.relative(real(repositoryRoot(programDir)), real(file)).split(path.sep).join("/");
}
