// The two requests the engine sends a policy pack for every stack, per resource `Analyze` (and `Remediate`, same
// message) and one `AnalyzeStack`, encoded straight from plain values into protobuf bytes. Building them with the
// generated message classes first (google-protobuf: one object per property value, then a serialisation pass) was
// most of the CLI's share of a check (docs/benchmark.md); the bytes are the same messages, decoded by the pack's own
// classes. Field numbers are those of pulumi/proto/pulumi/analyzer.proto and google/protobuf/struct.proto.

import { Writer } from "protobufjs/minimal";

/** A resource as the engine sends it to a policy pack (the `AnalyzerResource` message). */
export interface CustomTimeouts { create?: number; update?: number; delete?: number; read?: number }

export interface AnalyzerResource {
    urn: string;
    type: string;
    name: string;
    /** Wire format: unknown and secret sentinels preserved, as the engine sends them. */
    properties: Record<string, unknown>;
    options: {
        protect?: boolean; ignoreChanges?: string[]; aliases?: string[]; parent?: string;
        deleteBeforeReplace?: boolean; additionalSecretOutputs?: string[]; customTimeouts?: CustomTimeouts;
    };
    provider?: { urn: string; type: string; name: string; properties: Record<string, unknown> };
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

// Wire types (protobuf encoding): varint, 64-bit, length-delimited.
const VARINT = 0;
const FIXED64 = 1;
const DELIMITED = 2;
const tag = (field: number, wireType: number) => (field << 3) | wireType;

/** AnalyzeRequest, and AnalyzerResource inside AnalyzeStackRequest (which adds 7 to 9). */
const RESOURCE = { type: 1, properties: 2, urn: 3, name: 4, options: 5, provider: 6, parent: 7, dependencies: 8,
                   propertyDependencies: 9 };
const OPTIONS = { protect: 1, ignoreChanges: 2, deleteBeforeReplace: 3, deleteBeforeReplaceDefined: 4,
                  additionalSecretOutputs: 5, aliases: 6, customTimeouts: 7, parent: 8 };
const TIMEOUTS = { create: 1, update: 2, delete: 3, read: 4 } as const;
const PROVIDER = { type: 1, properties: 2, urn: 3, name: 4 };
const STACK_REQUEST = { resources: 1 };
/** AnalyzerPropertyDependencies, and the key and value of a map entry. */
const DEPENDENCIES = { urns: 1 };
const MAP_ENTRY = { key: 1, value: 2 };
const STRUCT = { fields: 1 };
const VALUE = { null: 1, number: 2, string: 3, bool: 4, struct: 5, list: 6 };
const LIST = { values: 1 };

function string(w: Writer, field: number, value: string | undefined): void {
    // proto3: an empty string is the default and is not written.
    if (value) w.uint32(tag(field, DELIMITED)).string(value);
}

function strings(w: Writer, field: number, values: readonly string[] | undefined): void {
    for (const v of values ?? []) w.uint32(tag(field, DELIMITED)).string(v);
}

function bool(w: Writer, field: number, value: boolean | undefined): void {
    if (value) w.uint32(tag(field, VARINT)).bool(true);
}

/**
 * A google.protobuf.Value. Its kinds are a oneof, so a zero, false or empty string is still written. As in
 * `Struct.fromJavaScript`, which the engine's Go counterpart mirrors: `undefined` inside an array becomes null,
 * and an object's `undefined` properties are left out (see `struct`).
 */
function value(w: Writer, v: unknown): void {
    if (v === null || v === undefined) {
        w.uint32(tag(VALUE.null, VARINT)).int32(0);
    } else if (typeof v === "string") {
        w.uint32(tag(VALUE.string, DELIMITED)).string(v);
    } else if (typeof v === "number") {
        w.uint32(tag(VALUE.number, FIXED64)).double(v);
    } else if (typeof v === "boolean") {
        w.uint32(tag(VALUE.bool, VARINT)).bool(v);
    } else if (Array.isArray(v)) {
        w.uint32(tag(VALUE.list, DELIMITED)).fork();
        for (const item of v) {
            w.uint32(tag(LIST.values, DELIMITED)).fork();
            value(w, item);
            w.ldelim();
        }
        w.ldelim();
    } else if (typeof v === "object") {
        w.uint32(tag(VALUE.struct, DELIMITED)).fork();
        fields(w, v as Record<string, unknown>);
        w.ldelim();
    } else {
        throw new TypeError(`a ${typeof v} cannot be sent to a policy pack (only JSON values can)`);
    }
}

/** The fields of a google.protobuf.Struct (a map<string, Value>), without the enclosing length. */
function fields(w: Writer, object: Record<string, unknown>): void {
    for (const key in object) {
        const v = object[key];
        if (v === undefined || !Object.prototype.hasOwnProperty.call(object, key)) continue;
        w.uint32(tag(STRUCT.fields, DELIMITED)).fork();
        w.uint32(tag(MAP_ENTRY.key, DELIMITED)).string(key);
        w.uint32(tag(MAP_ENTRY.value, DELIMITED)).fork();
        value(w, v);
        w.ldelim();
        w.ldelim();
    }
}

function struct(w: Writer, field: number, object: Record<string, unknown> | undefined): void {
    w.uint32(tag(field, DELIMITED)).fork();
    fields(w, object ?? {});
    w.ldelim();
}

function options(w: Writer, r: AnalyzerResource): void {
    const o = r.options;
    w.uint32(tag(RESOURCE.options, DELIMITED)).fork();
    bool(w, OPTIONS.protect, o.protect);
    strings(w, OPTIONS.ignoreChanges, o.ignoreChanges);
    if (o.deleteBeforeReplace !== undefined) {
        bool(w, OPTIONS.deleteBeforeReplace, o.deleteBeforeReplace);
        bool(w, OPTIONS.deleteBeforeReplaceDefined, true);
    }
    strings(w, OPTIONS.additionalSecretOutputs, o.additionalSecretOutputs);
    strings(w, OPTIONS.aliases, o.aliases);
    if (o.customTimeouts) {
        w.uint32(tag(OPTIONS.customTimeouts, DELIMITED)).fork();
        for (const key of Object.keys(TIMEOUTS) as (keyof typeof TIMEOUTS)[]) {
            const seconds = o.customTimeouts[key];
            if (seconds) w.uint32(tag(TIMEOUTS[key], FIXED64)).double(seconds);
        }
        w.ldelim();
    }
    string(w, OPTIONS.parent, o.parent ?? r.parent);
    w.ldelim();
}

/** The fields an AnalyzeRequest and an AnalyzerResource share (1 to 6). */
function resource(w: Writer, r: AnalyzerResource): void {
    string(w, RESOURCE.type, r.type);
    struct(w, RESOURCE.properties, r.properties);
    string(w, RESOURCE.urn, r.urn);
    string(w, RESOURCE.name, r.name);
    options(w, r);
    if (r.provider) {
        w.uint32(tag(RESOURCE.provider, DELIMITED)).fork();
        string(w, PROVIDER.type, r.provider.type);
        struct(w, PROVIDER.properties, r.provider.properties);
        string(w, PROVIDER.urn, r.provider.urn);
        string(w, PROVIDER.name, r.provider.name);
        w.ldelim();
    }
}

/** `AnalyzeRequest`, the message of both `Analyze` and `Remediate`. */
export function analyzeRequest(r: AnalyzerResource): Uint8Array {
    const w = Writer.create();
    resource(w, r);
    return w.finish();
}

/** `AnalyzeStackRequest`: every resource with its parent, dependencies and property dependencies. */
export function analyzeStackRequest(resources: readonly AnalyzerResource[]): Uint8Array {
    const w = Writer.create();
    for (const r of resources) {
        w.uint32(tag(STACK_REQUEST.resources, DELIMITED)).fork();
        resource(w, r);
        string(w, RESOURCE.parent, r.parent ?? r.options.parent);
        strings(w, RESOURCE.dependencies, r.dependencies);
        for (const [property, urns] of Object.entries(r.propertyDependencies ?? {})) {
            w.uint32(tag(RESOURCE.propertyDependencies, DELIMITED)).fork();
            w.uint32(tag(MAP_ENTRY.key, DELIMITED)).string(property);
            w.uint32(tag(MAP_ENTRY.value, DELIMITED)).fork();
            strings(w, DEPENDENCIES.urns, urns);
            w.ldelim();
            w.ldelim();
        }
        w.ldelim();
    }
    return w.finish();
}
