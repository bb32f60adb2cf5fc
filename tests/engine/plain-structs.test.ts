// The language host's plain-value Struct (engine/program/host/plain-structs.js) must be indistinguishable from
// google-protobuf's: same values out of toJavaScript() (key order included), same errors, same bytes, and once
// anything else touches it, the real message. Compared here against an untouched copy of the same struct_pb.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const RUNTIME = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const STRUCT_PB = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [RUNTIME] });
const { installPlainStructs, patchStructModule } = require("../../engine/program/host/plain-structs");

/**
 * A second copy of the real struct_pb.js. Generated modules register their classes on a global `proto`
 * namespace and call each other through it, so this copy gets a namespace of its own: otherwise its
 * fromJavaScript would recurse into the patched one.
 */
function loadOriginal(): any {
    const namespace = {};
    const mod = { exports: {} as any };
    const load = new Function("require", "module", "exports", "globalThis", "proto", fs.readFileSync(STRUCT_PB, "utf8"));
    load((m: string) => require(require.resolve(m, { paths: [path.dirname(STRUCT_PB)] })), mod, mod.exports,
         { proto: namespace }, namespace);
    return mod.exports;
}

const original = loadOriginal();
const jspb = require(require.resolve("google-protobuf", { paths: [path.dirname(STRUCT_PB)] }));
const patched = require(STRUCT_PB);
const { RegisterResourceRequest } = require(path.join(RUNTIME, "proto", "resource_pb"));
const installed = installPlainStructs(RUNTIME);

/** Everything observable about a plain value: own keys in order, prototypes, -0 and NaN, array holes. */
function shape(x: any, seen = new Set<any>()): any {
    if (typeof x === "number") return Object.is(x, -0) ? "number:-0" : `number:${x}`;
    if (x === null || (typeof x !== "object" && typeof x !== "function")) return `${typeof x}:${String(x)}`;
    if (x instanceof Uint8Array) return `bytes:${Buffer.from(x).toString("hex")}`;
    if (seen.has(x)) return "cycle";
    seen.add(x);
    const proto = Object.getPrototypeOf(x);
    const kind = proto === Object.prototype ? "object" : proto === Array.prototype ? "array" : proto === null ? "null-proto" : "other";
    const keys = Reflect.ownKeys(x).map(String);
    const out = { kind, keys, length: Array.isArray(x) ? x.length : undefined,
                  entries: keys.filter(k => k !== "length" || !Array.isArray(x)).map(k => [k, shape(x[k], seen)]) };
    seen.delete(x);
    return out;
}

/** What a call returns, or the error it throws (class and message). */
function outcome(f: () => any): any {
    try {
        return { value: shape(f()) };
    } catch (err: any) {
        return { error: `${err && err.constructor && err.constructor.name}: ${err && err.message}` };
    }
}

const bytes = (u8: Uint8Array) => Buffer.from(u8).toString("hex");
function requestBytes(pb: any, value: any) {
    const req = new RegisterResourceRequest();
    req.setType("test:index:Thing");
    req.setName("thing");
    req.setObject(pb.Struct.fromJavaScript(value));
    return bytes(req.serializeBinary());
}

// --- Generated values (seeded, so a failure can be replayed) ---

function rng(seed: number) {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const KEYS = ["a", "b", "z", "A", "_", "", " ", "0", "1", "2", "10", "01", "-1", "1.5", "4294967294", "4294967295",
              "9007199254740993", "é", "e\u0301", "日本", "\u{1F600}", "\uD83D", "\uFFFF", "__proto__", "constructor",
              "toString", "hasOwnProperty", "key", "value", "length", "valueOf", "urn", "id"];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity, 2 ** 53 + 2, 42];
const STRINGS = ["", "x", "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "\u0000", "\uD800", "日本語", "\u{1F600}", "__proto__"];

function generator(seed: number) {
    const r = rng(seed);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    const key = () => (r() < 0.7 ? pick(KEYS) : Math.floor(r() * 1000).toString(36 - Math.floor(r() * 26)));
    const own = (obj: any, k: string, v: any) =>
        Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
    const invalid = () => pick<any>([undefined, () => 1, Symbol("s"), BigInt(1), "hole"]);

    function value(depth: number, bad: number): any {
        const roll = r();
        if (bad > 0 && roll < bad) return invalid();
        if (depth <= 0 || roll < 0.35) {
            return pick<() => any>([() => pick(NUMBERS), () => pick(STRINGS), () => r() < 0.5, () => null,
                                   () => Math.floor(r() * 1e6) / 100])();
        }
        if (roll < 0.55) {
            const n = Math.floor(r() * 5);
            const arr: any[] = [];
            for (let i = 0; i < n; i++) {
                const v = value(depth - 1, bad);
                if (v === "hole") arr.length = i + 1; else arr[i] = v;
            }
            return arr;
        }
        return object(depth, bad);
    }
    function object(depth: number, bad: number): any {
        const kind = r();
        let obj: any;
        if (kind < 0.6) obj = {};
        else if (kind < 0.7) obj = Object.create(null);
        else if (kind < 0.85) {
            // Enumerable inherited properties come out too (for...in); own ones shadow them.
            const base: any = {};
            for (let i = Math.floor(r() * 3); i >= 0; i--) own(base, key(), value(depth - 1, bad));
            obj = Object.create(base);
        } else if (kind < 0.9) obj = new Date(0);
        else if (kind < 0.95) obj = new (class Thing { field = 1; })();
        else obj = JSON.parse('{"__proto__": {"x": 1}, "y": [1, {"__proto__": null}]}');
        const n = Math.floor(r() * 6);
        for (let i = 0; i < n; i++) {
            const v = value(depth - 1, bad);
            own(obj, key(), v === "hole" ? [1, , 2] : v); // eslint-disable-line no-sparse-arrays
        }
        return obj;
    }
    return (bad: number) => object(1 + Math.floor(r() * 5), bad);
}

const next = generator(20261202);
const GENERATED = Array.from({ length: 500 }, (_, i) => next(i % 10 === 0 ? 0.05 : 0));

class Resource { constructor(public name: string, public tags = { b: 1, a: 2 }) {} }
const HAND_PICKED: [string, () => any][] = [
    ["empty", () => ({})],
    ["undefined root (for...in of nothing)", () => undefined],
    ["null root", () => null],
    ["string root (its indices)", () => "ab"],
    ["array root", () => ["x", { b: 1, a: 2 }]],
    ["undefined value", () => ({ a: undefined })],
    ["function value", () => ({ a: () => 1 })],
    ["symbol value", () => ({ a: Symbol("s") })],
    ["bigint value", () => ({ a: BigInt(7) })],
    ["array hole", () => ({ a: [1, , 3] })], // eslint-disable-line no-sparse-arrays
    ["undefined deep in a list", () => ({ a: [{ b: [1, undefined] }] })],
    ["numbers", () => ({ z: -0, y: NaN, x: Infinity, w: -Infinity, v: 5e-324, u: 2 ** 53 + 1 })],
    ["integer-like keys after names", () => ({ b: 1, 10: 2, 2: 3, "01": 4, a: 5, "-1": 6 })],
    ["unicode keys", () => ({ "\u{1F600}": 1, "\uFFFF": 2, "é": 3, "e\u0301": 4, Z: 5, a: 6 })],
    ["__proto__ own key (JSON.parse)", () => JSON.parse('{"a": 1, "__proto__": {"polluted": true}, "b": [{"__proto__": 2}]}')],
    ["__proto__ with an invalid value still throws", () => Object.defineProperty({}, "__proto__", { value: undefined, enumerable: true })],
    ["Object.prototype names as keys", () => ({ constructor: 1, toString: "x", hasOwnProperty: null, valueOf: [] })],
    ["null prototype", () => Object.assign(Object.create(null), { b: 1, a: { c: null } })],
    ["inherited enumerable", () => Object.assign(Object.create({ inherited: 1, shadowed: 2 }), { shadowed: 3, own: 4 })],
    ["Date, Map, RegExp, boxed values", () => ({ d: new Date(0), m: new Map([[1, 2]]), r: /x/g, n: new Number(3), s: new String("hi") })],
    ["Buffer", () => ({ b: Buffer.from("hi") })],
    ["class instance", () => ({ r: new Resource("x") })],
    ["array-like with splice (goog.typeOf says array)", () => ({ a: Object.assign(Object.create(null), { length: 2, 0: "x", 1: "y", splice: 1 }) })],
    ["deep nesting", () => { let v: any = { leaf: true }; for (let i = 0; i < 200; i++) v = { [`k${i % 7}`]: [v, i] }; return v; }],
    ["cycle", () => { const a: any = { b: 1 }; a.self = a; return a; }],
];

describe("plain-value Struct.fromJavaScript", () => {
    test("installs on the program's own runtime, on the very module its resource code uses", () => {
        expect(installed).toBe(true);
        expect(patched.Struct.fromJavaScript).not.toBe(original.Struct.fromJavaScript);
        // The module the runtime's resource.js requires is the one patched.
        expect(require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.join(RUNTIME, "runtime")] }))).toBe(patched);
        const s = patched.Struct.fromJavaScript({ a: 1 });
        expect(s).toBeInstanceOf(patched.Struct);
        expect(s.constructor).toBe(patched.Struct);
        expect(installPlainStructs(RUNTIME)).toBe(true); // twice: wrapped once
    });

    test("skipped, leaving the module as it was, where the module does not have the expected shape", () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-runtime-"));
        expect(installPlainStructs(empty)).toBe(false); // no google-protobuf to resolve
        fs.rmdirSync(empty);
        expect(patchStructModule({}, jspb)).toBe(false);
        expect(patchStructModule(undefined, jspb)).toBe(false);
        expect(patchStructModule(loadOriginal(), {})).toBe(false);
        const copy = loadOriginal();
        const fromJavaScript = copy.Struct.fromJavaScript;
        delete copy.Value.prototype.setStructValue;
        expect(patchStructModule(copy, jspb)).toBe(false);
        expect(copy.Struct.fromJavaScript).toBe(fromJavaScript);
        const renamed = loadOriginal();
        delete renamed.Struct.prototype.getFieldsMap;
        expect(patchStructModule(renamed, jspb)).toBe(false);
    });

    test("the generated values do reach the awkward cases", () => {
        const results = GENERATED.map(v => outcome(() => original.Struct.fromJavaScript(v).toJavaScript()));
        const text = JSON.stringify(results);
        expect(results.filter(r => r.error).length).toBeGreaterThanOrEqual(15);
        for (const seen of ["number:-0", "number:NaN", "number:Infinity", "\"__proto__\"", "\"4294967295\"", "\u{1F600}", "null-proto"]) {
            expect([seen, text.includes(seen) || GENERATED.some(v => JSON.stringify(shape(v)).includes(seen))]).toEqual([seen, true]);
        }
        const inherits = (v: any): boolean => v !== null && typeof v === "object" &&
            (Object.keys(v).length !== (() => { let n = 0; for (const _ in v) n++; return n; })() || Object.values(v).some(inherits));
        expect(GENERATED.filter(inherits).length).toBeGreaterThanOrEqual(20);
    });

    const cases: [string, () => any][] = [...HAND_PICKED, ...GENERATED.map((v, i) => [`generated #${i}`, () => v] as [string, () => any])];

    test.each(cases)("toJavaScript() and errors as google-protobuf's round trip: %s", (_, make) => {
        const expected = outcome(() => original.Struct.fromJavaScript(make()).toJavaScript());
        expect(outcome(() => patched.Struct.fromJavaScript(make()).toJavaScript())).toEqual(expected);
    });

    test.each(cases)("bytes of the struct and of a RegisterResourceRequest as google-protobuf's: %s", (_, make) => {
        const expected = outcome(() => [bytes(original.Struct.fromJavaScript(make()).serializeBinary()), requestBytes(original, make())]);
        if (expected.error) return; // the errors are compared above
        expect(outcome(() => [bytes(patched.Struct.fromJavaScript(make()).serializeBinary()), requestBytes(patched, make())])).toEqual(expected);
    });

    test.each(cases)("the message behind it as google-protobuf's: toObject, toArray, a cloned request: %s", (_, make) => {
        const both = (pb: any) => outcome(() => {
            const struct = pb.Struct.fromJavaScript(make());
            const req = new RegisterResourceRequest();
            req.setObject(struct); // keeps struct.toArray() by reference
            const text = String(req); // as the runtime's debug line formats each response
            const cloned = req.cloneMessage(); // reads that array's contents
            return [text, struct.toObject(), bytes(cloned.serializeBinary()), req.toArray(), struct.toJavaScript(), String(req)];
        });
        expect(both(patched)).toEqual(both(original));
    });

    test("getters are read once each, in google-protobuf's order, and an error stops at the same one", () => {
        const reads = (pb: any) => {
            const log: string[] = [];
            const watched = (name: string, v: any) => Object.defineProperty({}, name, { enumerable: true, get: () => { log.push(name); return v; } });
            const value = { z: watched("z1", [watched("n1", 1), watched("n2", undefined), watched("n3", 3)]), a: watched("a1", 2) };
            const result = outcome(() => pb.Struct.fromJavaScript(value));
            return [log, result.error];
        };
        expect(reads(patched)).toEqual(reads(original));
        expect(reads(patched)[1]).toBe("Error: Unexpected struct type.");
    });

    test("the usual path, registration to monitor and back, builds no message: fromJavaScript, setObject, String, toJavaScript", () => {
        const value = { b: [1, { c: "x" }], a: null };
        const expected = new RegisterResourceRequest();
        expected.setObject(original.Struct.fromJavaScript(value));
        const expectedText = String(expected);
        const set = jest.spyOn(jspb.Map.prototype, "set");
        try {
            const req = new RegisterResourceRequest();
            req.setObject(patched.Struct.fromJavaScript(value));
            expect(String(req)).toBe(expectedText);
            expect(req.getObject().toJavaScript()).toEqual({ a: null, b: [1, { c: "x" }] });
            expect(set).not.toHaveBeenCalled();
            req.serializeBinary();
            expect(set).toHaveBeenCalledTimes(3); // materialised: a, b and the nested c
        } finally {
            set.mockRestore();
        }
    });

    test("the caller's object can change afterwards; each toJavaScript() is a fresh copy", () => {
        const input: any = { tags: { b: 1, a: 2 }, list: [{ x: 1 }] };
        const s = patched.Struct.fromJavaScript(input);
        input.tags.c = 3;
        input.list[0].x = 2;
        input.list.push(4);
        const first = s.toJavaScript();
        expect(first).toEqual({ list: [{ x: 1 }], tags: { a: 2, b: 1 } });
        first.tags.a = 99;
        first.list[0].x = 99;
        const second = s.toJavaScript();
        expect(second).toEqual({ list: [{ x: 1 }], tags: { a: 2, b: 1 } });
        expect(second).not.toBe(first);
    });

    test("reads and changes through getFieldsMap() show in toJavaScript(), toObject() and the bytes, as google-protobuf's", () => {
        const run = (pb: any) => {
            const s = pb.Struct.fromJavaScript({ b: { y: [1, "x"] }, a: null, c: true });
            const map = s.getFieldsMap();
            const read = [map.getLength(), map.get("b").toJavaScript(), map.has("a"), map.get("nope"), [...map.keys()]];
            map.set("d", pb.Value.fromJavaScript({ nested: [-0] }));
            map.del("c");
            map.get("b").getStructValue().getFieldsMap().set("0", pb.Value.fromJavaScript("zero"));
            return shape([read, s.toJavaScript(), s.toObject(), bytes(s.serializeBinary()), s.toJavaScript()]);
        };
        expect(run(patched)).toEqual(run(original));
    });

    test("a Value holding a plain struct (Value.fromJavaScript is left as it was) converts and serialises the same", () => {
        const run = (pb: any) => {
            const v = pb.Value.fromJavaScript({ b: [{ y: 1, x: -0 }], a: "s" });
            return shape([String(v), v.toJavaScript(), bytes(v.serializeBinary()), v.toObject()]);
        };
        expect(run(patched)).toEqual(run(original));
    });

    test("after materialising, every other way of reading it is google-protobuf's: clone, copyInto, equals, readBinary", () => {
        const run = (pb: any) => {
            const value = { b: { y: [1, "x"] }, a: null };
            const s = pb.Struct.fromJavaScript(value);
            const clone = s.cloneMessage();
            const target = pb.Struct.fromJavaScript({ stale: 1 });
            jspb.Message.copyInto(s, target);
            const real = pb.Struct.deserializeBinary(pb.Struct.fromJavaScript(value).serializeBinary());
            const equal = [jspb.Message.equals(pb.Struct.fromJavaScript(value), real),
                           jspb.Message.equals(real, pb.Struct.fromJavaScript(value)),
                           jspb.Message.equals(pb.Struct.fromJavaScript(value), pb.Struct.fromJavaScript({ other: 1 }))];
            const merged = pb.Struct.fromJavaScript({ kept: 1, b: 2 });
            const reader = new jspb.BinaryReader(s.serializeBinary());
            pb.Struct.deserializeBinaryFromReader(merged, reader);
            return shape([clone.toJavaScript(), target.toJavaScript(), equal, merged.toJavaScript(), String(s)]);
        };
        expect(run(patched)).toEqual(run(original));
    });
});
