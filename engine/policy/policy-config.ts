// Which policy config a stack is judged with. `--policy-config FILE` applies to every stack. Otherwise the
// convention: `<pack>/config/<stack>.json` when it exists (e.g. policies/config/azure-prod.json carries the CNIL
// exemption of the Azure stack), else no user config (the pack's defaults). The file format is the one
// `pulumi preview --policy-pack-config` reads: { "<policy>": "<level>" | { "enforcementLevel"?, ...properties },
// "all": ... }.

import * as fs from "fs";
import * as path from "path";
import { ExternalError } from "../errors";

export interface PolicyConfigChoice {
    /** The file read, or null when the stack runs with the pack's defaults. */
    readonly file: string | null;
    readonly config: Record<string, unknown>;
}

export function policyConfigFile(packDir: string, stack: string, explicit?: string): string | null {
    if (explicit) return explicit;
    const conventional = path.join(packDir, "config", `${stack}.json`);
    return fs.existsSync(conventional) ? conventional : null;
}

export function loadPolicyConfig(packDir: string, stack: string, explicit?: string): PolicyConfigChoice {
    const file = policyConfigFile(packDir, stack, explicit);
    if (!file) return { file: null, config: {} };
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new ExternalError(`policy config ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    let config: unknown;
    try {
        config = JSON.parse(text);
    } catch (err) {
        throw new ExternalError(`policy config ${file}${jsonErrorLine(text, err as Error)}: not valid JSON ` +
            `(${(err as Error).message.replace(/ in JSON at position \d+.*$/, "")})`);
    }
    if (!config || typeof config !== "object" || Array.isArray(config)) {
        throw new ExternalError(`policy config ${file}: must be a JSON object of policy names to settings`);
    }
    return { file, config: config as Record<string, unknown> };
}

/** `:<line>` of a JSON.parse error, from the position Node reports ("... at position 57"), or nothing. */
function jsonErrorLine(text: string, err: Error): string {
    const position = /at position (\d+)/.exec(err.message);
    if (!position) return "";
    return `:${text.slice(0, Number(position[1])).split("\n").length}`;
}
