// Which stacks to run, and with what: the project, the stack's config as the Pulumi CLI merges it (project-level
// values, the stack file over them, `--config` over both), and the program entry the language host would run.

import { ExternalError } from "../errors";
import { ProjectError, ProjectFile, listStacks, loadProject, loadProjectOnlyConfig, loadStackConfig } from "./project";

export interface StackTarget {
    readonly project: ProjectFile;
    readonly stack: string;
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /** The stack's settings file (absolute), or null when the project keeps none. */
    readonly stackFile: string | null;
}

/** The stack a project without any stack file runs as, when none is named. */
export const UNNAMED_STACK = "offline";

export function resolveTargets(programDir: string, stacks: readonly string[],
                               overrides: Readonly<Record<string, string>>): StackTarget[] {
    try {
        const project = loadProject(programDir);
        const known = listStacks(project);
        const chosen = stacks.length > 0 ? [...new Set(stacks)] : known.length > 0 ? known : [UNNAMED_STACK];
        return chosen.map(stack => {
            // A project that keeps no stack files (its config lives elsewhere) still runs with project-level
            // config and --config; a project that has stack files refuses a name it does not know.
            const base = known.length === 0
                ? loadProjectOnlyConfig(project, stack)
                : loadStackConfig(project, stack);
            const config = { ...base.values };
            for (const [k, v] of Object.entries(overrides)) config[k.includes(":") ? k : `${project.name}:${k}`] = v;
            return { project, stack, config, secretKeys: base.secretKeys, stackFile: known.length === 0 ? null : base.file };
        });
    } catch (err) {
        if (err instanceof ProjectError) throw new ExternalError(err.message);
        throw err;
    }
}
