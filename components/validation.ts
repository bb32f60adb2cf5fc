// Schema validation that speaks in config keys: every problem names the key as a user types it
// (`warehouse:ovh.oidc.issuerUrl`), the value found and what is allowed. The neutral model and every target's
// settings go through here, so errors read the same whatever part of the configuration is wrong.

import { z } from "zod";
import { ConfigProblem } from "./errors";

/** The config namespace of the warehouse: `pulumi config set warehouse:region GRA`. */
export const CONFIG_NAMESPACE = "warehouse";

/** A config key as the user types it on the command line. */
export function key(path: string): string {
    return `${CONFIG_NAMESPACE}:${path}`;
}

/** `["ovh", "pools", 0, "size"]` -> `warehouse:ovh.pools[0].size`. */
export function pathKey(path: readonly PropertyKey[]): string {
    let out = "";
    for (const part of path) {
        if (typeof part === "number") out += `[${part}]`;
        else out += out ? `.${String(part)}` : String(part);
    }
    return key(out);
}

export interface Validated<T> {
    readonly data?: T;
    readonly problems: ConfigProblem[];
}

/**
 * Validates `raw` (found at config path `at`) against a schema. `extraKeys` are accepted at the top level but
 * validated elsewhere; they are listed among the known keys when a misspelt one is reported.
 */
export function validate<S extends z.ZodType>(schema: S, raw: unknown, at: readonly PropertyKey[] = [],
                                              extraKeys: readonly string[] = []): Validated<z.output<S>> {
    const result = schema.safeParse(raw);
    if (result.success) return { data: result.data, problems: [] };
    return { problems: result.error.issues.map(issue => toProblem(schema, issue, raw, at, extraKeys)) };
}

function toProblem(schema: z.ZodType, issue: z.core.$ZodIssue, raw: unknown, at: readonly PropertyKey[],
                   extraKeys: readonly string[]): ConfigProblem {
    const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
    const value = valueAt(raw, path);
    const allowed = describe(schema, issue, value, extraKeys);
    const missing = value === undefined && issue.code !== "unrecognized_keys" && !allowed.startsWith("required");
    return { key: pathKey([...at, ...path]), value, allowed: missing ? `required: ${allowed}` : allowed };
}

function describe(schema: z.ZodType, issue: z.core.$ZodIssue, value: unknown, extraKeys: readonly string[]): string {
    switch (issue.code) {
        case "unrecognized_keys": {
            const known = [...knownKeys(schema, issue.path), ...(issue.path.length === 0 ? extraKeys : [])];
            const others = issue.keys.length > 1 ? ` (also ${issue.keys.slice(1).join(", ")})` : "";
            return `unknown setting${others}; known settings here: ${known.join(", ")}`;
        }
        case "invalid_value":
            return `one of ${issue.values.map(v => JSON.stringify(v)).join(", ")}`;
        case "invalid_type":
            // A custom message set on the schema says more than the type.
            if (!issue.message.startsWith("Invalid input")) return issue.message;
            return value === undefined ? `required (${typeName(issue.expected)})` : typeName(issue.expected);
        default:
            return issue.message;
    }
}

function typeName(expected: string): string {
    switch (expected) {
        case "number": return "a number";
        case "string": return "a string";
        case "boolean": return "true or false";
        case "array": return "a list (set it with `pulumi config set --path` or as JSON)";
        case "object": return "an object (set it with `pulumi config set --path` or as JSON)";
        default: return `a value of type ${expected}`;
    }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let v: any = raw;
    for (const part of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = v[part as any];
    }
    return v;
}

function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let s: any = schema;
    for (const part of path) {
        s = unwrap(s);
        s = typeof part === "number" ? s?.element : s?.shape?.[part as string];
    }
    return Object.keys(unwrap(s)?.shape ?? {});
}

/** Through `.default()`, `.optional()` and the like, to the schema that has a shape. */
function unwrap(schema: any): any {
    while (schema?._zod?.def?.innerType) schema = schema._zod.def.innerType;
    return schema;
}
