// The part of JSON Schema the pack's settings use, checked by the pack itself: a policy called directly (tests,
// tools) gets no engine validation, and the engine's own messages name neither the field a slip was meant to be
// nor, for some, the allowed values. Each problem names the setting's path, the value and what is allowed.

import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { didYouMean } from "./suggest";

type Schema = PolicyConfigJSONSchema;

function show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeOk(type: string, value: unknown): boolean {
    switch (type) {
        case "string": return typeof value === "string";
        case "boolean": return typeof value === "boolean";
        case "number": return typeof value === "number" && Number.isFinite(value);
        case "integer": return Number.isInteger(value);
        case "array": return Array.isArray(value);
        case "object": return value !== null && typeof value === "object" && !Array.isArray(value);
        default: return true;
    }
}

/** Problems of `value` against `schema`, each as `<path> = <value>: <what is allowed>` or `<path>: <problem>`. */
export function schemaProblems(schema: Schema, value: unknown, path: string): string[] {
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some(t => typeOk(t as string, value))) {
        return [`${path} = ${show(value)}: ${types.map(t => t === "array" ? "a list" : t === "object" ? "an object" : `a ${t}`).join(" or ")}`];
    }
    const problems: string[] = [];
    if (schema.enum && !schema.enum.some(v => v === value)) {
        problems.push(`${path} = ${show(value)}: one of ${schema.enum.map(v => JSON.stringify(v)).join(", ")}`);
    }
    if (typeof value === "string") {
        if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
            problems.push(`${path} = ${show(value)}: ${schema.pattern === "^\\d{4}-\\d{2}-\\d{2}$" ? "a date YYYY-MM-DD" : `text matching ${schema.pattern}`}`);
        }
        if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${path}: must not be empty`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path} = ${value}: at least ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path} = ${value}: at most ${schema.maximum}`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path}: at least ${schema.minItems} item(s)`);
        const items = schema.items;
        if (items && typeof items === "object" && !Array.isArray(items)) {
            value.forEach((v, i) => problems.push(...schemaProblems(items as Schema, v, `${path}[${i}]`)));
        }
    }
    if (typeOk("object", value) && (schema.properties || schema.required)) {
        const object = value as Record<string, unknown>;
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        const known = Object.keys(properties);
        for (const field of schema.required ?? []) {
            if (object[field] === undefined) problems.push(`${path}.${field}: required`);
        }
        for (const [field, v] of Object.entries(object)) {
            if (field in properties) {
                const sub = properties[field];
                if (typeof sub === "object" && v !== undefined) problems.push(...schemaProblems(sub, v, `${path}.${field}`));
            } else if (schema.additionalProperties === false) {
                problems.push(`${path}: unknown field "${field}"${didYouMean(field, known)}; fields: ${known.join(", ")}`);
            }
        }
    }
    return problems;
}
