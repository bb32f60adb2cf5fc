// `check --base`: which findings a change introduces and which it fixes, by checking the base commit in a
// temporary git worktree (in a throw-away repository here, never the project's own).

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { render } from "../../cli/handlers/check";
import { MINIMAL_PACK, ROOT, cli, program } from "./support";

describe("check --base", () => {
    let repo: string;
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=ci@example.invalid", "-c", "user.name=ci", ...args],
        { cwd: repo, encoding: "utf8" }).trim();

    beforeAll(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "base-repo-"));
        fs.cpSync(program("public-storage"), path.join(repo, "infra"), { recursive: true });
        fs.cpSync(MINIMAL_PACK, path.join(repo, "pack"), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
        fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
        git("init", "--quiet");
        git("add", ".");
        git("commit", "--quiet", "-m", "base: a public storage account");
        // The change: public access closed (fixes the mandatory finding), a new group outside France (introduces one).
        const index = path.join(repo, "infra", "index.ts");
        fs.writeFileSync(index, fs.readFileSync(index, "utf8")
            .replace("allowBlobPublicAccess: true", "allowBlobPublicAccess: false")
            .concat('\nnew resources.ResourceGroup("backup-rg", { location: "westeurope" });\n'));
    });
    afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

    it("reports what the change introduces and fixes, and leaves no worktree behind", async () => {
        const run = await cli(["check", "--program", path.join(repo, "infra"), "--policy-pack", MINIMAL_PACK,
            "--base", "HEAD", "--format", "json"], { cwd: repo });
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        const report = JSON.parse(run.stdout);
        expect(report.base.commit).toBe(git("rev-parse", "HEAD"));
        const short = (fs: any[]) => fs.map(f => `${f.stack} ${f.level} ${f.policy} ${f.urn.split("::").pop()}`);
        expect(short(report.base.introduced)).toEqual(["dev advisory allowed-locations backup-rg"]);
        expect(short(report.base.fixed)).toEqual(["dev mandatory storage-no-public-access open-sa"]);
        expect(git("worktree", "list").split("\n")).toHaveLength(1);

        // The JSON is the whole report: the other formats render the comparison from it.
        // Right after the summary, grouped like the findings, each with the line that declared its resource.
        expect(render(report, "text")).toMatch(/against HEAD \([0-9a-f]{12}\): 1 introduced, 1 fixed\n  \+ allowed-locations \[advisory\] \(1\)\n[\s\S]*?\n\s+dev  azure-native:resources:ResourceGroup backup-rg  infra\/index\.ts:15\n  - storage-no-public-access \[mandatory\] \(1\)\n\s+- Storage accounts must not allow public blob access\.\n\s+dev  azure-native:storage:StorageAccount open-sa  infra\/index\.ts:6/);
        const md = render(report, "markdown");
        expect(md).toMatch(/#### What this change does, against `HEAD` \([0-9a-f]{12}\): 1 introduced, 1 fixed/);
        expect(md.indexOf("What this change does")).toBeLessThan(md.indexOf("Advisory findings"));
        const sarif = JSON.parse(render(report, "sarif"));
        const states = sarif.runs[0].results.map((r: any) => `${r.baselineState} ${r.properties.urn.split("::").pop()}`);
        expect(states.filter((s: string) => s.startsWith("new"))).toEqual(["new backup-rg"]);
        expect(states.length).toBe(report.stacks[0].findings.length);
    });

    it("compares with the base commit, not the working tree, when the program is named through a symlink", async () => {
        // git names the repository by its real path; a link beside it (a home directory or /tmp reached through a
        // link) made the program's path inside the worktree point back at the working tree: "0 introduced, 0 fixed".
        const link = `${repo}-link`;
        fs.symlinkSync(repo, link, "dir");
        try {
            const run = await cli(["check", "--program", path.join(link, "infra"), "--policy-pack", MINIMAL_PACK,
                "--base", "HEAD", "--format", "json"], { cwd: link });
            expect(run.stderr).toBe("");
            const report = JSON.parse(run.stdout);
            expect(report.base.fixed.map((f: any) => `${f.policy} ${f.urn.split("::").pop()}`))
                .toEqual(["storage-no-public-access open-sa"]);
            expect(git("worktree", "list").split("\n")).toHaveLength(1);
        } finally {
            fs.unlinkSync(link);
        }
    });

    it("reports a stack the base does not have as all introduced, and fixes nothing on the stacks not asked for", async () => {
        const stackFile = path.join(repo, "infra", "Pulumi.newstack.yaml");
        fs.copyFileSync(path.join(repo, "infra", "Pulumi.dev.yaml"), stackFile);
        try {
            const run = await cli(["check", "--program", path.join(repo, "infra"), "--policy-pack", MINIMAL_PACK,
                "--base", "HEAD", "--stack", "newstack", "--format", "json"], { cwd: repo });
            expect(run.stderr).toBe("");
            const report = JSON.parse(run.stdout);
            expect(report.base.fixed).toEqual([]);
            expect(report.base.introduced.length).toBe(report.stacks[0].findings.length);
            expect(new Set(report.base.introduced.map((f: any) => f.stack))).toEqual(new Set(["newstack"]));
        } finally {
            fs.unlinkSync(stackFile);
        }
    });

    it("judges the base with its own pack when the pack's directory has files git does not track yet", async () => {
        // A policy config added but not yet committed changes the verdict of the current tree only: the base's pack
        // has no such file.
        const config = path.join(repo, "pack", "config", "dev.json");
        fs.mkdirSync(path.dirname(config));
        fs.writeFileSync(config, JSON.stringify({ "allowed-locations": { allowed: ["francecentral", "westus"] } }));
        try {
            const run = await cli(["check", "--program", path.join(repo, "infra"), "--policy-pack", path.join(repo, "pack"),
                "--base", "HEAD", "--format", "json"], { cwd: repo });
            expect(run.stderr).toBe("");
            const report = JSON.parse(run.stdout);
            expect(report.base.fixed.map((f: any) => `${f.policy} ${f.urn.split("::").pop()}`).sort()).toEqual([
                "allowed-locations default_3_28_0", "allowed-locations open-rg", "allowed-locations open-sa",
                "storage-no-public-access open-sa",
            ]);
        } finally {
            fs.rmSync(path.dirname(config), { recursive: true });
        }
    });

    it("refuses a ref that is not a commit", async () => {
        const run = await cli(["check", "--program", path.join(repo, "infra"), "--policy-pack", MINIMAL_PACK,
            "--base", "no-such-branch"], { cwd: repo });
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/--base no-such-branch: not a commit of the repository/);
    });
});
