// The documents match the code: every command the README and the guides show in a code block is checked against
// what it names (the npm script exists; the CLI's own parser accepts the flags, run with --help so nothing else runs;
// stacks, files and scripts exist), and the prose carries no count that goes stale. CI runs it with the tests, so a
// guide drifting from the code fails the pipeline. Commands of other tools (pulumi, az, bao, oc, curl) cannot run
// here and are left to the guides' readers.

import * as fs from "fs";
import * as path from "path";
import { main } from "../../cli/main";
import { COMMANDS } from "../../cli/commands";

const ROOT = path.resolve(__dirname, "../..");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter(f => f.endsWith(".md")).map(f => `docs/${f}`)];
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const CLI_ENTRY = "node cli/bin/warehouse-check.js";
const STACKS = fs.readdirSync(path.join(ROOT, "stacks")).map(f => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter(Boolean);

interface Shown { readonly file: string; readonly line: number; readonly command: string }

/** Shell lines of the fenced code blocks (sh, bash, or no language), comments and continuations resolved. */
function shownCommands(file: string): Shown[] {
    const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
    const out: Shown[] = [];
    let fence: string | undefined;
    let pending = "";
    lines.forEach((raw, i) => {
        const open = /^\s*```(\w*)/.exec(raw);
        if (open) {
            fence = fence === undefined ? open[1] : undefined;
            return;
        }
        if (fence === undefined || !["", "sh", "bash", "shell", "console"].includes(fence)) return;
        const text = raw.replace(/^\s*\$ /, "").replace(/(^|\s)#.*$/, "").trim();
        if (text.endsWith("\\")) { pending += `${text.slice(0, -1)} `; return; }
        const command = `${pending}${text}`.trim();
        pending = "";
        if (command) for (const part of command.split(/\s*&&\s*/)) out.push({ file, line: i + 1, command: part });
    });
    return out;
}

/** Shell words, quotes removed. */
function words(command: string): string[] {
    return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map(m => m[1] ?? m[2] ?? m[3]);
}

async function cliAccepts(args: string[]): Promise<string | undefined> {
    // A usage synopsis: `[--flag VALUE]...`, `text|json`: keep the flags and one value each.
    const cleaned = args.flatMap(a => a.replace(/[[\]]|\.\.\.$/g, "").split("|").slice(0, 1)).filter(a => a !== "");
    for (let i = 0; i < cleaned.length; i++) {
        if (["--stack", "--from", "--to"].includes(cleaned[i]) && !cleaned.includes("--program")) {
            const stack = cleaned[i + 1];
            if (stack && /^[a-z]/.test(stack) && stack !== "NAME" && stack !== "STACK" && !STACKS.includes(stack)) {
                return `${cleaned[i]} ${stack}: no stacks/Pulumi.${stack}.yaml`;
            }
        }
    }
    let err = "";
    const code = await main([...cleaned, "--help"], { cwd: ROOT, env: process.env, out: () => undefined, err: t => { err += t; } });
    return code === 0 ? undefined : err.trim();
}

/** Why a shown command does not match the code, or undefined. */
async function problem(shown: Shown): Promise<string | undefined> {
    const w = words(shown.command);
    const commandNames = COMMANDS.map(c => c.name);
    if (commandNames.includes(w[0])) {
        return `"${w[0]}" is not a shell command: npm run ${w[0]} -- ${w.slice(1).join(" ")}`.trim();
    }
    if (w[0] === "npm") {
        if (["ci", "test", "start", "install"].includes(w[1])) return undefined;
        if (w[1] !== "run") return `npm ${w[1]}: not a command the project documents`;
        const rest = w.slice(2).filter(a => a !== "--silent");
        const script = PACKAGE.scripts[rest[0]];
        if (!script) return `npm run ${rest[0]}: no such script in package.json`;
        const args = rest[1] === "--" ? rest.slice(2) : rest.slice(1);
        if (script.startsWith(CLI_ENTRY)) return cliAccepts([...words(script.slice(CLI_ENTRY.length)), ...args]);
        if (rest[0] === "bench") {
            const source = fs.readFileSync(path.join(ROOT, "bench", "index.ts"), "utf8");
            const unknown = args.filter(a => a.startsWith("--")).find(a => !source.includes(`"${a.slice(2)}"`) && !source.includes(`${a.slice(2)}: {`));
            return unknown ? `npm run bench: unknown flag ${unknown}` : undefined;
        }
        return undefined;
    }
    if (shown.command.startsWith(CLI_ENTRY)) return cliAccepts(words(shown.command.slice(CLI_ENTRY.length)));
    if (w[0] === "warehouse-check") return cliAccepts(w.slice(1));
    if ((w[0] === "node" || w[0] === "bash") && !w[0].startsWith("-")) {
        const file = w.slice(1).find(a => /\.(ts|js|sh)$/.test(a) || a.startsWith(".ci/"));
        if (file && !fs.existsSync(path.join(ROOT, file))) return `${file}: no such file`;
    }
    return undefined;
}

const SHOWN = DOCS.flatMap(shownCommands);

test("the documents show commands (a guard against a check that reads nothing)", () => {
    expect(SHOWN.filter(s => s.command.startsWith("npm run")).length).toBeGreaterThan(5);
});

test("every command shown in the README and the guides matches the code", async () => {
    const problems: string[] = [];
    for (const shown of SHOWN) {
        const why = await problem(shown);
        if (why) problems.push(`${shown.file}:${shown.line}: ${shown.command}\n    ${why}`);
    }
    expect(problems).toEqual([]);
});

test("the check finds a drifted command", async () => {
    expect(await problem({ file: "x", line: 1, command: "rehearse data --volume 1TiB" })).toMatch(/not a shell command/);
    expect(await problem({ file: "x", line: 1, command: "npm run check -- --stack azure-prod --fromat json" })).toMatch(/fromat/);
    expect(await problem({ file: "x", line: 1, command: "npm run plan -- --stack ovh-prod" })).toMatch(/no stacks\/Pulumi.ovh-prod.yaml/);
    expect(await problem({ file: "x", line: 1, command: "npm run deploy" })).toMatch(/no such script/);
    expect(await problem({ file: "x", line: 1, command: "npm run rehearse -- data --bandwith 1Gbit/s" })).toMatch(/bandwith/);
});

describe("prose", () => {
    const text = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8")
        // The benchmark's tables are its dated record, rewritten by `npm run bench -- --update-doc`.
        .replace(/<!-- bench:results:start -->[\s\S]*?<!-- bench:results:end -->/g, "");

    test.each(DOCS)("%s states no count that goes stale (tests, findings, resources)", file => {
        expect(text(file).match(/\b\d+ (tests|resolved|introduced)\b|\b\d+ resources\)/g) ?? []).toEqual([]);
    });

    test.each(DOCS)("%s does not recommend type-checking at deploy time, which swc refuses", file => {
        expect(text(file)).not.toMatch(/PULUMI_NODEJS_TRANSPILE_ONLY=false/);
    });

    test("the steps to add a target name every policy catalogue, and those to add a project what Cloud Temple needs", () => {
        const readme = text("README.md");
        const target = /\*\*a new target\*\*[\s\S]*?(?=\n- \*\*)/.exec(readme)![0];
        for (const f of fs.readdirSync(path.join(ROOT, "policies", "catalog"))) expect(target).toContain(`policies/catalog/${f}`);
        const project = /\*\*a research project\*\*[\s\S]*?(?=\n- \*\*)/.exec(readme)![0];
        expect(project).toMatch(/projectAccounts/);
        expect(project).toMatch(/cloudtempleS3ProjectSecret/);
    });
});
