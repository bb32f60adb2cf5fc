// Per-policy configuration. Pulumi's engine applies only the enforcement level of the "all" entry to every policy
// (pkg/resource/analyzer/config.go, applyConfig); other settings reach a policy only under its own name. So the
// settings every policy shares (the clock, exemptions, how unknowns are treated) are part of each policy's schema,
// with the same defaults, and the settings a concern needs (jurisdiction, rotation...) sit with its policies.

import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { DATE_PATTERN, Exemption, exemptionProblems } from "./exemptions";
import { schemaProblems } from "./schema-check";
import { didYouMean } from "./suggest";
import { JURISDICTION_CONFIG_KEY, stackConfigValue } from "./stack-config";

export type JsonSchema = PolicyConfigJSONSchema;

/** The settings every policy accepts. */
export const COMMON_SETTINGS: Readonly<Record<string, JsonSchema>> = {
    now: {
        type: "string", pattern: DATE_PATTERN,
        description: "The date (UTC, YYYY-MM-DD) exemptions are judged on; the real clock when absent. For tests and " +
            "for checking what happens on a future date.",
    },
    exemptions: {
        type: "array", default: [],
        description: "Dated, referenced exemptions for this policy's findings.",
        items: {
            type: "object", additionalProperties: false,
            required: ["id", "resources", "reason", "category", "reference", "expires"],
            properties: {
                id: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$" },
                resources: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
                reason: { type: "string", minLength: 1 },
                category: { type: "string", enum: ["waiver", "mitigated"] },
                reference: { type: "string", minLength: 1 },
                expires: { type: "string", pattern: DATE_PATTERN },
            },
        },
    },
    unknownValues: {
        type: "string", enum: ["fail", "advise"], default: "advise",
        description: "How a value unknown during preview is reported: \"advise\" as an advisory [cannot verify] " +
            "finding (the known value is judged again at update time), \"fail\" at the policy's level (fail closed, " +
            "for CI gates on previews). It is reported either way, never passed silently.",
    },
};

/** Settings shared by the policies of one concern (jurisdiction for residency, ...). */
export const JURISDICTION_SETTING: JsonSchema = {
    type: "string", enum: ["FR", "EU"],
    description: "Where data may be held: France, or the 27 EU member states. Unset: the stack's own " +
        `${JURISDICTION_CONFIG_KEY} (what the program validated its region against), else FR. Set and different ` +
        "from the stack's: refused.",
};

/** Where data may be held when neither the policy nor the stack says. */
export const DEFAULT_JURISDICTION = "FR";

export const REGION_OVERRIDES_SETTING: JsonSchema = {
    type: "array", default: [],
    description: "Regions to add to the catalogue (a new region of a known cloud), dated and sourced.",
    items: {
        type: "object", additionalProperties: false,
        required: ["cloud", "name", "country", "asOf", "source"],
        properties: {
            cloud: { type: "string", enum: ["azure", "ovhcloud", "cloudtemple"] },
            name: { type: "string", minLength: 1 },
            country: { type: "string", pattern: "^[A-Z]{2}$" },
            services: { type: "array", items: { type: "string", enum: ["compute", "storage", "kms", "database", "any"] } },
            pairedWith: { type: "string" },
            asOf: { type: "string", pattern: DATE_PATTERN },
            source: { type: "string", minLength: 1 },
        },
    },
};

export interface CommonConfig {
    readonly now?: string;
    readonly exemptions: readonly Exemption[];
    readonly unknownValues: "fail" | "advise";
}

/**
 * A policy's configuration problem; thrown so that the run stops with the policy and key named. Its stack is its
 * message: the policy runtime prints an error's stack, and a trace says nothing to the person who made the slip.
 */
export class PolicyConfigError extends Error {
    readonly problems: readonly string[];

    constructor(policy: string, problems: string | readonly string[]) {
        const list = typeof problems === "string" ? [problems] : problems;
        super(`policy ${policy}: ${list.join("; ")}`);
        this.name = "PolicyConfigError";
        this.problems = list;
        this.stack = `${this.name}: ${this.message}`;
    }
}

/** Every problem of a policy's settings: unknown keys (with the closest known one), schema, exemption dates. */
export function settingsProblems(schema: Readonly<Record<string, JsonSchema>>,
                                 given: Readonly<Record<string, unknown>>): string[] {
    const problems: string[] = [];
    const known = Object.keys(schema).sort();
    for (const [key, value] of Object.entries(given ?? {})) {
        if (key === "enforcementLevel") continue;
        if (!(key in schema)) {
            problems.push(`unknown setting "${key}"${didYouMean(key, known)}; known settings: ${known.join(", ")}`);
        } else if (value !== undefined) {
            problems.push(...schemaProblems(schema[key], value, key));
        }
    }
    const exemptions = (given ?? {}).exemptions;
    if (Array.isArray(exemptions) && problems.length === 0) problems.push(...exemptionProblems(exemptions as Exemption[]));
    const now = (given ?? {}).now;
    if (typeof now === "string" && !isCalendarDate(now)) problems.push(`now "${now}" is not a calendar date (YYYY-MM-DD)`);
    return problems;
}

function isCalendarDate(text: string): boolean {
    const d = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * The policy's settings with schema defaults filled in (the engine does it too; a direct call does not), after
 * refusing keys its schema does not know: the engine lets them through, and a misspelt `secNumCloudRequired` must
 * not quietly become the default.
 */
export function readConfig<C>(policy: string, schema: Readonly<Record<string, JsonSchema>>,
                              given: Readonly<Record<string, unknown>>): C & CommonConfig {
    const problems = settingsProblems(schema, given);
    if (problems.length > 0) throw new PolicyConfigError(policy, problems);
    const result: Record<string, unknown> = {};
    for (const [key, s] of Object.entries(schema)) {
        if (s.default !== undefined) result[key] = JSON.parse(JSON.stringify(s.default));
    }
    for (const [key, value] of Object.entries(given ?? {})) {
        if (key !== "enforcementLevel" && value !== undefined) result[key] = value;
    }
    if ("jurisdiction" in schema) result.jurisdiction = jurisdictionOf(policy, schema.jurisdiction, result.jurisdiction);
    return Object.freeze(result) as C & CommonConfig;
}

/**
 * One source of truth for the jurisdiction: the stack's `warehouse:jurisdiction`, which the program validated its
 * region against. A policy setting may only repeat it; one that disagrees would judge the stack against another
 * jurisdiction than the one it was built for, so it is refused with both values named.
 */
function jurisdictionOf(policy: string, schema: JsonSchema, configured: unknown): string {
    const stack = stackConfigValue(JURISDICTION_CONFIG_KEY);
    if (stack !== undefined && !(schema.enum ?? []).includes(stack)) {
        throw new PolicyConfigError(policy, `the stack's ${JURISDICTION_CONFIG_KEY} "${stack}" is not a jurisdiction ` +
            `this pack knows (${(schema.enum ?? []).join(", ")})`);
    }
    if (configured !== undefined && stack !== undefined && configured !== stack) {
        throw new PolicyConfigError(policy, `jurisdiction "${String(configured)}" (policy config) differs from the ` +
            `stack's ${JURISDICTION_CONFIG_KEY} "${stack}": the pack must judge the jurisdiction the stack was built ` +
            "for; remove the policy setting (the stack's is used) or make the two equal");
    }
    return (configured as string | undefined) ?? stack ?? DEFAULT_JURISDICTION;
}

/**
 * `readConfig` for a policy that is called for every resource with the same settings: the runtime hands each call
 * a fresh shallow copy of them, so the settings are read and checked again only when a value is not the same one.
 */
export function configReader<C>(policy: string, schema: Readonly<Record<string, JsonSchema>>):
        (given: Readonly<Record<string, unknown>>) => C & CommonConfig {
    let lastGiven: Readonly<Record<string, unknown>> | undefined;
    let lastStack: string | undefined;
    let last: (C & CommonConfig) | undefined;
    return given => {
        const stack = stackConfigValue(JURISDICTION_CONFIG_KEY);
        if (!last || !lastGiven || !sameValues(given ?? {}, lastGiven) || stack !== lastStack) {
            last = readConfig<C>(policy, schema, given);
            lastGiven = { ...given };
            lastStack = stack;
        }
        return last;
    };
}

function sameValues(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(k => Object.is(a[k], b[k]));
}

/** The instant the policy judges exemptions at: the configured day (UTC midnight) or the real clock. */
export function currentDate(config: CommonConfig): Date {
    return config.now ? new Date(`${config.now}T00:00:00Z`) : new Date();
}
