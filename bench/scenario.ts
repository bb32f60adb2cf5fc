// A benchmark scenario: the project's own program and stacks, with the research-project list grown to N. It is
// written as a Pulumi project of its own in a temporary directory (Pulumi.yaml with the generated list, stack files
// with what each target needs per project), whose code directories are links to this repository: the CLI then
// runs it exactly as a user's project, through `--program`, with no flag or shortcut that a real run would not take.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

/** Stacks of the project, by the short name the bench's `--targets` flag uses. */
export const STACKS: Readonly<Record<string, string>> = {
    azure: "azure-prod",
    ovh: "ovh-rehearsal",
    cloudtemple: "cloudtemple-rehearsal",
};

/** What a generated project directory links back to: the program, its libraries and its compiler settings. */
const LINKED = ["stacks", "components", "policies", "node_modules", "tsconfig.json", "package.json"];
const STACK_FILES = "stack-files";

export interface ResearchProjectConfig {
    id: string;
    dataOwner: string;
    retentionDays: number;
    allowedGroups: string[];
    quota?: { cpu: number; memoryGi: number; storageGi: number };
}

/**
 * N research projects shaped like the real ones: ids `rp0001`..., one or two groups, retention between one and
 * ten years, a custom quota on one project in five. Deterministic, so two runs plan the same resources.
 */
export function researchProjects(count: number): ResearchProjectConfig[] {
    return Array.from({ length: count }, (_, i) => {
        const id = `rp${String(i + 1).padStart(4, "0")}`;
        const project: ResearchProjectConfig = {
            id,
            dataOwner: `dpo-${id}@health-data-hub.fr`,
            retentionDays: 365 * (1 + (i % 10)),
            allowedGroups: i % 3 === 0 ? [`rp-${id}-researchers`, `rp-${id}-statisticians`] : [`rp-${id}-researchers`],
        };
        if (i % 5 === 4) project.quota = { cpu: 32, memoryGi: 128, storageGi: 1000 };
        return project;
    });
}

/** The Cloud Temple secret key of a project's storage account (stacks/cloudtemple/settings.ts projectSecretKey). */
function cloudTempleProjectSecret(id: string): string {
    return `cloudtempleS3ProjectSecret${id[0].toUpperCase()}${id.slice(1)}`;
}

/**
 * A stack file for the generated project: the repository's own, with per-project settings replaced by the
 * generated projects' (Cloud Temple wants one storage account and one secret key per project). A stack that
 * supports fewer projects than generated gets the first ones only, through its own `warehouse:projects` (a stack
 * file may override any project-level key), so that the other stacks still run at full size in the same project.
 */
function stackFile(repo: string, stack: string, all: readonly ResearchProjectConfig[], cap?: number): string {
    const doc = yaml.load(fs.readFileSync(path.join(repo, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as any;
    const config: Record<string, unknown> = doc.config;
    const projects = cap !== undefined && cap < all.length ? all.slice(0, cap) : all;
    if (projects !== all) config["warehouse:projects"] = projects;
    const settings = config["warehouse:cloudtemple"] as any;
    if (settings) {
        settings.objectStorage.projectAccounts = Object.fromEntries(projects.map(p => [p.id, {
            principal: `urn:ecs:iam::hdh-rehearsal:user/${p.id}`,
            accessKeyId: `${p.id.toUpperCase()}ACCESSKEY`,
        }]));
        for (const k of Object.keys(config)) if (k.startsWith("warehouse:cloudtempleS3ProjectSecret")) delete config[k];
        for (const p of projects) {
            config[`warehouse:${cloudTempleProjectSecret(p.id)}`] = { secure: `bench-placeholder-secret-of-${p.id}` };
        }
    }
    return yaml.dump(doc, { lineWidth: 120 });
}

export interface Scenario {
    readonly projects: number;
    /** The generated Pulumi project, to pass as `--program`. */
    readonly dir: string;
    remove(): void;
}

/**
 * Writes the project for N research projects; `caps` limits the stacks that support fewer. `remove()` deletes it
 * (the links, never what they point to).
 */
export function writeScenario(repo: string, count: number, stacks: readonly string[],
                              caps: Readonly<Record<string, number>> = {}): Scenario {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `warehouse-bench-${count}-`));
    for (const entry of LINKED) fs.symlinkSync(path.join(repo, entry), path.join(dir, entry));
    const project = yaml.load(fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8")) as any;
    const projects = researchProjects(count);
    project.config["warehouse:projects"] = { value: projects };
    project.stackConfigDir = STACK_FILES;
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump(project, { lineWidth: 120 }));
    fs.mkdirSync(path.join(dir, STACK_FILES));
    for (const stack of stacks) {
        fs.writeFileSync(path.join(dir, STACK_FILES, `Pulumi.${stack}.yaml`), stackFile(repo, stack, projects, caps[stack]));
    }
    return {
        projects: count,
        dir,
        // Deletes the directory's own files and the links themselves; rmSync does not follow links.
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}
