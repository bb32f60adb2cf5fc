// `--base GIT_REF`: the same check on another commit, in a temporary git worktree that is removed afterwards.
// The worktree has no node_modules of its own: the current checkout's installed packages are linked into it (the
// base is judged with today's dependencies; a base whose lockfile differs is reported in a note).

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExternalError } from "../engine/errors";
import { onInterrupt } from "./interrupt";

export interface BaseCheckout {
    readonly ref: string;
    readonly commit: string;
    /** The program directory inside the worktree. */
    readonly programDir: string;
    /** The policy pack to judge the base with: the base's own when it differs, else the current one. */
    readonly packDir: string;
    readonly packChanged: boolean;
    readonly notes: readonly string[];
}

function git(cwd: string, args: string[]): string {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (err) {
        const stderr = String((err as { stderr?: unknown }).stderr ?? "").trim().split("\n")[0];
        throw new ExternalError(`git ${args[0]}: ${stderr || (err as Error).message}`);
    }
}

function inside(root: string, dir: string): boolean {
    const rel = path.relative(root, dir);
    return !rel.startsWith("..") && !path.isAbsolute(rel);
}

/** The repository holding the program and the commit `ref` names; fails before any work when either is missing. */
export function resolveBase(ref: string, programDir: string): { root: string; commit: string } {
    if (!fs.existsSync(programDir)) throw new ExternalError(`--base ${ref}: ${programDir} does not exist`);
    let root: string;
    try {
        root = git(programDir, ["rev-parse", "--show-toplevel"]);
    } catch {
        throw new ExternalError(`--base ${ref}: ${programDir} is not in a git repository; --base compares with a ` +
            "commit of the repository that holds the program");
    }
    let commit = "";
    try {
        commit = git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
        // reported below
    }
    if (!commit) throw new ExternalError(`--base ${ref}: not a commit of the repository at ${root}`);
    return { root, commit };
}

/** A directory by its real path, as git names the repository (a link in the path would lead out of the worktree). */
function realDir(dir: string): string {
    try {
        return fs.realpathSync(dir);
    } catch {
        return path.resolve(dir);
    }
}

export async function withBase<T>(ref: string, currentProgramDir: string, currentPackDir: string,
                                  fn: (base: BaseCheckout) => Promise<T>): Promise<T> {
    const { root, commit } = resolveBase(ref, currentProgramDir);
    const programDir = realDir(currentProgramDir);
    const packDir = realDir(currentPackDir);
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "warehouse-check-base-"));
    const remove = () => {
        try {
            git(root, ["worktree", "remove", "--force", tree]);
        } catch {
            fs.rmSync(tree, { recursive: true, force: true });
            spawnQuiet(root, ["worktree", "prune"]);
        }
    };
    // Registered before the worktree exists: an interruption during `worktree add` leaves nothing behind either.
    const released = onInterrupt(remove);
    try {
        git(root, ["worktree", "add", "--detach", "--quiet", tree, commit]);
        const notes: string[] = [];
        linkInstalledPackages(root, tree, [programDir, packDir]);
        if (fs.existsSync(path.join(root, "package-lock.json"))) {
            const changed = spawnQuiet(root, ["diff", "--quiet", commit, "--", "package-lock.json"]);
            if (changed) notes.push(`the base's package-lock.json differs: the base ran with the current node_modules`);
        }
        const packInRepo = inside(root, packDir);
        // Changed: a tracked file differs from the base (committed or not), or a file git does not track yet is there
        // (a new policy config, say), which the base's pack does not have either.
        const packPath = path.relative(root, packDir) || ".";
        const packChanged = packInRepo && (spawnQuiet(root, ["diff", "--quiet", commit, "--", packPath]) ||
            git(root, ["ls-files", "--others", "--exclude-standard", "--", packPath]) !== "");
        const baseProgram = path.join(tree, path.relative(root, programDir));
        if (!inside(root, programDir)) throw new ExternalError(`--base ${ref}: ${currentProgramDir} is not inside the repository at ${root}`);
        if (!fs.existsSync(baseProgram)) throw new ExternalError(`--base ${ref}: ${path.relative(root, programDir) || "."} does not exist there`);
        return await fn({
            ref, commit, programDir: baseProgram, packChanged: !!packChanged, notes,
            packDir: packChanged ? path.join(tree, path.relative(root, packDir)) : currentPackDir,
        });
    } finally {
        released();
        remove();
    }
}

/** Whether `git <args>` exits non-zero (for `diff --quiet`: there are differences). */
function spawnQuiet(cwd: string, args: string[]): boolean {
    try {
        execFileSync("git", args, { cwd, stdio: "ignore" });
        return false;
    } catch {
        return true;
    }
}

/** Links node_modules of the checkout (at the root and at the given directories) into the same place in the worktree. */
function linkInstalledPackages(root: string, tree: string, dirs: readonly string[]): void {
    const candidates = new Set([root, ...dirs.filter(d => inside(root, d))]);
    for (const dir of candidates) {
        for (let d = dir; inside(root, d); d = path.dirname(d)) {
            const modules = path.join(d, "node_modules");
            const target = path.join(tree, path.relative(root, d), "node_modules");
            if (fs.existsSync(modules) && fs.existsSync(path.dirname(target)) && !fs.existsSync(target)) {
                fs.symlinkSync(modules, target, "dir");
            }
            if (d === root) break;
        }
    }
}
