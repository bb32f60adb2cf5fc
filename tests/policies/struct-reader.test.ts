// The pack reads a request's Structs from its bytes (policies/framework/struct-reader.ts) instead of letting
// google-protobuf build a message per value. These tests hold it to google-protobuf's own answer: the same value
// and key order for any JSON-like value, the same winner when a key or a oneof member repeats, and google-protobuf's
// behaviour, not a guess, for bytes the reader does not expect.

import * as path from "path";
import { UnexpectedEncoding, readStruct } from "../../policies/framework/struct-reader";
import { decodeOnce, requestStructClass } from "../../policies/framework/decode-once";

const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
const analyzerPb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] }));
const Struct = requestStructClass() as any;

/** google-protobuf's answer for a Struct's bytes (decoded on its own, which the pack's hook leaves to it). */
function protobufValue(bytes: Uint8Array): unknown {
    return Struct.deserializeBinary(bytes).toJavaScript();
}

/** A value with its key order made visible, so that equality also compares order. */
function ordered(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(ordered);
    if (value && typeof value === "object") return Object.keys(value).map(k => [k, ordered((value as any)[k])]);
    return value;
}

/** A seeded generator of JSON-like values: what programs put in resource properties, and what they rarely do. */
function generator(seed: number) {
    let state = seed >>> 0;
    const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const strings = ["", "francecentral", "é", "日本", "🔐 key", "a\u0000b", "10", "9", "B", "_", "urn:pulumi:s::p::t::n",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "x".repeat(300)];
    const numbers = [0, -0, 1, -1, 0.5, 1e21, -(2 ** 53), 2 ** 53 + 2, Number.MIN_VALUE, Number.MAX_VALUE, NaN, Infinity, -Infinity, 3.14159];
    const value = (depth: number): unknown => {
        const r = next();
        if (depth > 4 || r < 0.35) return pick<unknown>([null, true, false, pick(strings), pick(numbers), Math.floor(next() * 1e6)]);
        if (r < 0.6) return Array.from({ length: Math.floor(next() * 5) }, () => value(depth + 1));
        const out: Record<string, unknown> = {};
        for (let i = Math.floor(next() * 6); i > 0; i--) out[pick(strings) + (next() < 0.5 ? "" : String(i))] = value(depth + 1);
        return out;
    };
    return () => {
        const out: Record<string, unknown> = {};
        for (let i = Math.floor(next() * 8); i > 0; i--) out[pick(strings) + i] = value(0);
        return out;
    };
}

// Hand-written wire format, for the bytes no encoder writes.
const varint = (n: number): number[] => { const out: number[] = []; do { let b = n % 128; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n); return out; };
const field = (num: number, wire: number, payload: number[]): number[] => [...varint(num * 8 + wire), ...payload];
const delimited = (num: number, payload: number[]): number[] => field(num, 2, [...varint(payload.length), ...payload]);
const text = (s: string): number[] => [...Buffer.from(s, "utf8")];
const double = (x: number): number[] => { const b = Buffer.alloc(8); b.writeDoubleLE(x); return [...b]; };
const entry = (key: string, value: number[]): number[] => delimited(1, [...delimited(1, text(key)), ...delimited(2, value)]);
const stringValue = (s: string): number[] => delimited(3, text(s));
const numberValue = (x: number): number[] => field(2, 1, double(x));

describe("a Struct read from its bytes", () => {
    test("equals google-protobuf's value, key order included, for 500 generated values", () => {
        const next = generator(20261202);
        for (let i = 0; i < 500; i++) {
            const bytes: Uint8Array = Struct.fromJavaScript(next()).serializeBinary();
            const expected = protobufValue(bytes);
            const actual = readStruct(bytes, 0, bytes.length);
            expect(ordered(actual)).toEqual(ordered(expected));
        }
    });

    test("a repeated key and a repeated oneof member: the last one wins, as in google-protobuf", () => {
        const bytes = Uint8Array.from([
            ...entry("location", stringValue("westeurope")),
            ...entry("tier", [...stringValue("Standard"), ...numberValue(2)]),
            ...entry("location", stringValue("francecentral")),
        ]);
        expect(readStruct(bytes, 0, bytes.length)).toEqual({ location: "francecentral", tier: 2 });
        expect(readStruct(bytes, 0, bytes.length)).toEqual(protobufValue(bytes));
    });

    test("keys in google-protobuf's order (sorted), whatever order the bytes give them in", () => {
        const bytes = Uint8Array.from([
            ...entry("zone", stringValue("1")), ...entry("account", stringValue("hdh")),
            ...entry("Tier", stringValue("Premium")), ...entry("_kind", stringValue("x")),
        ]);
        expect(Object.keys(readStruct(bytes, 0, bytes.length))).toEqual(["Tier", "_kind", "account", "zone"]);
        expect(ordered(readStruct(bytes, 0, bytes.length))).toEqual(ordered(protobufValue(bytes)));
    });

    test("fields it does not know are skipped, as google-protobuf skips them", () => {
        const bytes = Uint8Array.from([
            ...field(7, 0, varint(300)),
            ...entry("sku", [...field(9, 5, [1, 2, 3, 4]), ...stringValue("Premium"), ...field(12, 1, double(1))]),
        ]);
        expect(readStruct(bytes, 0, bytes.length)).toEqual({ sku: "Premium" });
        expect(readStruct(bytes, 0, bytes.length)).toEqual(protobufValue(bytes));
    });

    // Found by attacking the reader (bytes no Go encoder writes, or keys a program may well write): each must give
    // google-protobuf's answer or be left to it.
    const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"));

    test("a key named __proto__ is dropped, as google-protobuf's map drops it: it never becomes the value's prototype", () => {
        const smuggled = Uint8Array.from(entry("tags", delimited(5, [
            ...entry("__proto__", delimited(5, [...entry("4dabf18193072939515e22adb298388d", stringValue("1b47061264138c4ac30d75fd1eb44270")),
                ...entry("value", stringValue("smuggled"))])),
            ...entry("real", stringValue("r")),
        ])));
        for (const bytes of [smuggled, Uint8Array.from(entry("__proto__", field(1, 0, [0]))), Uint8Array.from(entry("__proto__", delimited(6, delimited(1, stringValue("q")))))]) {
            const actual: any = readStruct(bytes, 0, bytes.length), expected: any = protobufValue(bytes);
            expect(ordered(actual)).toEqual(ordered(expected));
            expect(Object.getPrototypeOf(actual)).toBe(Object.prototype);
            if (actual.tags) expect(Object.getPrototypeOf(actual.tags)).toBe(Object.prototype);
        }
    });

    test.each([
        // bool_value = 2^32: google-protobuf reads a varint's low 32 bits (false).
        ["a bool of 2^32", "0a0b0a016212062080808080 10".replace(" ", "")],
        // string_value's tag (0x1a) with bit 63 set: google-protobuf reads field 3; a double's arithmetic lost the 0x1a.
        ["a 10-byte tag with its high bits set", "0a120a01731" + "20d" + "9a8080808080808080010208" + "00"],
        // Invalid UTF-8 (overlong NUL, a surrogate, a lone continuation byte): google-protobuf's decoder is lenient in
        // its own way, Buffer's replaces with U+FFFD.
        ["an overlong NUL", "0a0a0a01731205" + "1a03c08061"],
        ["a UTF-16 surrogate", "0a0a0a01731205" + "1a03eda080"],
        ["a lone continuation byte in a key", "0a080a01801203" + "1a0176"],
        // A NaN with a payload: google-protobuf answers the canonical NaN.
        ["a NaN with a payload", "0a0e0a0164120911" + "010000000000f87f"],
    ])("%s: google-protobuf's answer, or google-protobuf decides", (_label, hex) => {
        const bytes = fromHex(hex);
        const expected = protobufValue(bytes);
        let actual: unknown;
        try { actual = readStruct(bytes, 0, bytes.length); } catch (e) { expect(e).toBeInstanceOf(UnexpectedEncoding); return; }
        expect(ordered(actual)).toEqual(ordered(expected));
        const bits = (v: any) => { const d = Buffer.alloc(8); for (const x of Object.values(v)) if (typeof x === "number") d.writeDoubleLE(x); return d.toString("hex"); };
        expect(bits(actual)).toBe(bits(expected));
    });

    test.each([
        ["truncated bytes", Uint8Array.from(entry("location", stringValue("francecentral")).slice(0, -3))],
        ["a number with a varint's wire type", Uint8Array.from(entry("count", field(2, 0, varint(3))))],
        ["a group", Uint8Array.from([...field(1, 3, []), ...field(1, 4, [])])],
        ["a map entry with no value", Uint8Array.from(delimited(1, delimited(1, text("orphan"))))],
        ["a Value with nothing set", Uint8Array.from(entry("empty", []))],
    ])("%s: not vouched for (google-protobuf decides)", (_label, bytes) => {
        expect(() => readStruct(bytes, 0, bytes.length)).toThrow(UnexpectedEncoding);
    });
});

describe("the pack's requests", () => {
    beforeAll(() => decodeOnce());

    function received(properties: Uint8Array): any {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType("azure-native:storage:StorageAccount");
        request.setUrn("urn:pulumi:prod::warehouse::azure-native:storage:StorageAccount::data");
        const bytes: number[] = [...request.serializeBinary(), ...delimited(2, [...properties])];
        return analyzerPb.AnalyzeRequest.deserializeBinary(Uint8Array.from(bytes));
    }

    test("a request's Struct is read from the bytes: its value without google-protobuf's message tree", () => {
        const value = { location: "francecentral", properties: { minimumTlsVersion: "TLS1_2", networkAcls: { defaultAction: "Deny" } } };
        const message = received(Struct.fromJavaScript(value).serializeBinary());
        expect(message.getType()).toBe("azure-native:storage:StorageAccount");
        expect(message.getProperties().toJavaScript()).toEqual(value);
        expect(message.getProperties().getFieldsMap().getLength()).toBe(0);
    });

    test("bytes the reader does not vouch for are google-protobuf's to decode, with google-protobuf's outcome", () => {
        const message = received(Uint8Array.from(entry("empty", [])));
        expect(message.getProperties().getFieldsMap().getLength()).toBe(1);
        expect(() => message.getProperties().toJavaScript()).toThrow("Unexpected struct type");
    });

    test("a Struct decoded on its own is left to google-protobuf", () => {
        const bytes: Uint8Array = Struct.fromJavaScript({ a: 1 }).serializeBinary();
        expect(Struct.deserializeBinary(bytes).getFieldsMap().getLength()).toBe(1);
    });
});
