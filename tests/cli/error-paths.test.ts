// The command line's error paths: usage on stderr, bad flags and places refused before any work, one broken stack
// reported beside the others' results, no stack trace, and Ctrl-C leaving no temporary directory or worktree.

import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MINIMAL_PACK, ROOT, cli, program } from "./support";

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

describe("usage and flags", () => {
    it("prints the usage on stderr when it exits 2, on stdout for --help", async () => {
        const bare = await cli([]);
        expect(bare.code).toBe(2);
        expect(bare.stdout).toBe("");
        expect(bare.stderr).toMatch(/^usage: warehouse-check <command>/);
        const help = await cli(["--help"]);
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(/^usage: warehouse-check <command>/);
    });

    it("answers a negative --rollback-days with its own rule, not the parser's", async () => {
        for (const args of [["--rollback-days", "-3"], ["--rollback-days=-3"]]) {
            const run = await cli(["rehearse", "--from", "azure-prod", "--to", "ovh-rehearsal", ...args]);
            expect(run.code).toBe(2);
            expect(run.stderr).toMatch(/--rollback-days must be a whole number of days from 1 to 3650, got '-3'/);
        }
    });

    it("refuses a zero bandwidth or volume for the data rehearsal's projection", async () => {
        for (const [flag, value] of [["--bandwidth", "0Gbit/s"], ["--volume", "0TiB"]]) {
            const run = await cli(["rehearse", "data", flag, value]);
            expect(run.code).toBe(2);
            expect(run.stderr).toMatch(new RegExp(`${flag}: .*got "${value.replace("/", "\\/")}"`));
        }
    });

    it("refuses --output into a missing directory before anything runs", async () => {
        const started = Date.now();
        const run = await cli(["check", "--program", program("compliant"), "--policy-pack", MINIMAL_PACK,
            "--output", "/nonexistent-dir/report.md"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^warehouse-check: error: --output \/nonexistent-dir\/report.md: its directory \/nonexistent-dir does not exist\n$/);
        // Refused before any program or pack starts (a check of this program takes seconds).
        expect(Date.now() - started).toBeLessThan(1500);
    });

    it("refuses --base outside a git repository in words, not git's", async () => {
        const dir = tmp("no-git-");
        fs.cpSync(program("compliant"), dir, { recursive: true });
        const run = await cli(["check", "--program", dir, "--policy-pack", MINIMAL_PACK, "--base", "main"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toBe(`warehouse-check: error: --base main: ${dir} is not in a git repository; ` +
            "--base compares with a commit of the repository that holds the program\n");
    });
});

describe("failures", () => {
    it("reports the stacks that ran and names the one that failed, exit 2", async () => {
        const dir = tmp("two-stacks-");
        fs.cpSync(program("config-error"), dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "Pulumi.good.yaml"), "config:\n  fixture-config-error:tier: silver\n  fixture-config-error:region: francecentral\n");
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
        const run = await cli(["check", "--program", dir, "--policy-pack", MINIMAL_PACK, "--format", "json"]);
        expect(run.code).toBe(2);
        expect(JSON.parse(run.stdout).stacks.map((s: any) => s.stack)).toEqual(["good"]);
        expect(run.stderr).toMatch(/warehouse-check: error: stack dev: program failed: fixture-config-error:tier = "gold"/);
        expect(run.stderr).toMatch(/1 of 2 stacks failed/);
    });

    it("a TypeScript syntax error in a stack is one short line with file:line", async () => {
        const dir = tmp("syntax-");
        fs.cpSync(program("compliant"), dir, { recursive: true });
        fs.appendFileSync(path.join(dir, "index.ts"), "\nconst broken = {\n");
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
        const run = await cli(["plan", "--program", dir]);
        expect(run.code).toBe(2);
        const line = run.stderr.trim();
        expect(line.split("\n")).toHaveLength(1);
        expect(line.length).toBeLessThan(300);
        expect(line).toMatch(/index\.ts[:(]\d+/);
        expect(line).not.toMatch(/backtrace|_ZN|\bat \//);
    });

    it("a configuration error keeps one problem per line", async () => {
        const run = await cli(["plan", "--stack", "ovh-rehearsal", "--config", "warehouse:keys={\"algorithm\":\"AES\",\"size\":2048}",
            "--config", "warehouse:region=BHS"]);
        expect(run.code).toBe(2);
        const lines = run.stderr.trim().split("\n");
        expect(lines[0]).toMatch(/^warehouse-check: error: stack ovh-rehearsal: program failed: invalid configuration \(2 problems\):$/);
        expect(lines.slice(1).map(l => l.trim().split(" ")[0]).sort()).toEqual(["warehouse:keys.size", "warehouse:region"]);
    });
});

describe("a run that can no longer finish", () => {
    /** Node running `failIfUnsettled` over a promise, as the installed entry point runs it over the command. */
    const guarded = (promise: string) => spawnSync(process.execPath, ["-e", `
        require(${JSON.stringify(path.join(ROOT, "cli", "bin", "compile-typescript"))}).registerTypeScript();
        const run = ${promise};
        run.then(code => { process.exitCode = code; });
        require(${JSON.stringify(path.join(ROOT, "cli", "unsettled"))}).failIfUnsettled(run, "warehouse-check", {});`],
    { encoding: "utf8" });

    it("exits 2 with the internal-error line when nothing is left to wait for, never 0 with nothing printed", () => {
        // What a check waiting on a child process that is gone does: its event loop empties, the command never answers.
        const run = guarded("new Promise(() => undefined)");
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/^warehouse-check: internal error \(a bug in warehouse-check, please report it\): the run stopped with its work unfinished/);
        expect(run.stderr).not.toMatch(/\n\s+at /);
    });

    it("leaves the command's own exit code when it answered", () => {
        const run = guarded("new Promise(resolve => setTimeout(() => resolve(1), 50))");
        expect(run.status).toBe(1);
        expect(run.stderr).toBe("");
    });
});

describe("Ctrl-C", () => {
    const bin = path.join(ROOT, "cli", "bin", "warehouse-check.js");

    function interrupted(args: string[], cwd: string, ready: () => boolean, signal: NodeJS.Signals) {
        return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
            const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"] });
            let stderr = "";
            child.stderr!.on("data", d => { stderr += d; });
            const poll = setInterval(() => {
                if (ready()) { clearInterval(poll); child.kill(signal); }
            }, 50);
            const timer = setTimeout(() => { clearInterval(poll); child.kill("SIGKILL"); reject(new Error("never ready")); }, 240_000);
            child.on("exit", code => { clearInterval(poll); clearTimeout(timer); resolve({ code, stderr }); });
        });
    }

    // A check of the tree runs before the base's worktree exists: on a loaded machine that takes minutes.
    it("during check --base, SIGINT removes the worktree and its directory", async () => {
        const signal = "SIGINT";
        const repo = tmp("interrupt-repo-");
        const git = (...a: string[]) => execFileSync("git", ["-c", "user.email=ci@example.invalid", "-c", "user.name=ci", ...a],
            { cwd: repo, encoding: "utf8" }).trim();
        fs.cpSync(program("compliant"), path.join(repo, "infra"), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
        fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
        git("init", "--quiet"); git("add", "."); git("commit", "--quiet", "-m", "base");
        const leftovers = () => fs.readdirSync(os.tmpdir()).filter(d => d.startsWith("warehouse-check-base-"));
        const before = new Set(leftovers());
        const worktrees = () => git("worktree", "list", "--porcelain").split("\n").filter(l => l.startsWith("worktree ")).map(l => l.slice(9));
        const result = await interrupted(["check", "--program", path.join(repo, "infra"), "--policy-pack", MINIMAL_PACK, "--base", "HEAD"],
            repo, () => worktrees().length > 1, signal);
        expect(result.code).toBe(130);
        expect(result.stderr).toMatch(/interrupted: temporary files removed/);
        expect(worktrees()).toEqual([fs.realpathSync(repo)]);
        expect(leftovers().filter(d => !before.has(d))).toEqual([]);
    }, 300_000);

    it.each(["SIGINT", "SIGTERM"] as const)("during rehearse data, %s removes its work directory", async signal => {
        const before = new Set(fs.readdirSync(os.tmpdir()).filter(d => d.startsWith("warehouse-rehearse-data-")));
        const created = () => fs.readdirSync(os.tmpdir()).filter(d => d.startsWith("warehouse-rehearse-data-") && !before.has(d));
        const result = await interrupted(["rehearse", "data", "--objects", "200"], ROOT, () => created().length > 0, signal);
        expect(result.code).toBe(signal === "SIGINT" ? 130 : 143);
        expect(created()).toEqual([]);
    }, 300_000);
});
