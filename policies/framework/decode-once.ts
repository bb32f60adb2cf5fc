// @pulumi/policy turns a resource's protobuf properties into JavaScript once for every policy that reads them: each
// resource policy on `analyze`, and every resource (and its provider) again for each stack policy on
// `analyzeStack` (server.js calls deserializeProperties(r.getProperties(), false) inside its loop over policies).
// With 13 policies of each kind, those conversions, their copies and their garbage were most of the pack's CPU: at
// 100 projects, `analyzeStack` spent about 2.3 s of its 3.6 s per stack there (docs/benchmark.md).
//
// The request's Struct is the same object for every policy (google-protobuf caches a message's wrapper fields), so
// the pack converts each Struct once and hands every policy the same deserialised value, each behind the
// runtime's own unknown-checking proxy. Sharing is sound because no policy of this pack modifies what it reads:
// tests/policies/read-only.test.ts runs every policy over every stack and corpus case on values it checks are left
// untouched. Remediation (deserializeProperties(..., true)) still gets a fresh copy: a remediation returns
// modified properties. Configure also adds a field to the value of its own request's Struct, which nothing else
// reads.
//
// The Structs themselves are read from the request's bytes straight into their JavaScript value (struct-reader.ts)
// when the server's message classes decode a request: the value toJavaScript() will return is known at once, and
// google-protobuf's per-value message objects are never built. A Struct the reader does not vouch for is decoded
// by google-protobuf as before.

import * as path from "path";
import { UnexpectedEncoding, delimitedFieldAt, readStruct } from "./struct-reader";

const MARK = Symbol.for("health-data-sovereignty.decode-once");

/** google-protobuf's reader, as far as this file uses it (its public API). */
interface BinaryReader {
    getBuffer(): Uint8Array;
    getCursor(): number;
    getFieldCursor(): number;
    advance(count: number): void;
}

interface StructClass {
    prototype: { toJavaScript(this: object): unknown; [MARK]?: true };
    deserializeBinaryFromReader(message: object, reader: BinaryReader): object;
}

type Deserialize = (struct: object, proxySecrets: boolean) => unknown;

interface DeserializeModule {
    deserializeProperties: Deserialize & { [MARK]?: true };
}

const policyDir = () => path.dirname(require.resolve("@pulumi/policy/package.json"));

/** The Struct class of the messages @pulumi/policy receives (resolved as its analyzer protocol module resolves it). */
export function requestStructClass(): StructClass {
    const analyzerProto = require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir()] });
    const structModule = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(analyzerProto)] });
    return require(structModule).Struct as StructClass;
}

/** The module server.js reads deserializeProperties from at each call (`deserialize_1.deserializeProperties`). */
export function deserializeModule(): DeserializeModule {
    return require(path.join(policyDir(), "deserialize")) as DeserializeModule;
}

/** Remembers `convert`'s answer per message in `done` (a WeakMap: a request's values go with the request). */
function memoised<T extends object, R>(convert: (message: T) => R, done = new WeakMap<T, R>()): (message: T) => R {
    return message => {
        if (done.has(message)) return done.get(message)!;
        const value = convert(message);
        done.set(message, value);
        return value;
    };
}

/** Whatever toJavaScript() answers for a Struct, once known: converted, or read from the bytes. */
const decoded = new WeakMap<object, unknown>();

/**
 * Makes Struct.toJavaScript remember its answer per message, Structs of a request read straight from its bytes,
 * and deserializeProperties (without secret proxies) remember its answer per Struct; idempotent.
 */
export function decodeOnce(Struct: StructClass = requestStructClass(), deserialize: DeserializeModule = deserializeModule()): void {
    const proto = Struct.prototype;
    if (!proto[MARK]) {
        const convert = proto.toJavaScript;
        if (typeof convert !== "function") throw new Error("google-protobuf's Struct has no toJavaScript: the pack's decode cache needs updating");
        const once = memoised((message: object) => convert.call(message), decoded);
        proto.toJavaScript = function (this: object) { return once(this); };
        readStructsFromBytes(Struct);
        proto[MARK] = true;
    }
    const original = deserialize.deserializeProperties;
    if (typeof original !== "function") throw new Error("@pulumi/policy has no deserializeProperties: the pack's decode cache needs updating");
    if (original[MARK]) return;
    const shared = memoised((struct: object) => original(struct, false));
    const patched: DeserializeModule["deserializeProperties"] = (struct, proxySecrets) =>
        proxySecrets ? original(struct, proxySecrets) : shared(struct);
    patched[MARK] = true;
    deserialize.deserializeProperties = patched;
}

/**
 * A Struct field of a message being decoded (google-protobuf calls Struct.deserializeBinaryFromReader from inside
 * readMessage, the field's tag and length just read) is read by struct-reader.ts; its value is what toJavaScript()
 * will answer, and the reader moves past it. A Struct decoded on its own (deserializeBinary), or whose bytes the
 * reader does not vouch for, goes to google-protobuf.
 */
function readStructsFromBytes(Struct: StructClass): void {
    const fromReader = Struct.deserializeBinaryFromReader;
    if (typeof fromReader !== "function") throw new Error("google-protobuf's Struct has no deserializeBinaryFromReader: the pack's decoder needs updating");
    Struct.deserializeBinaryFromReader = function (message: object, reader: BinaryReader): object {
        const range = fieldRange(reader);
        if (range) {
            try {
                decoded.set(message, readStruct(reader.getBuffer(), range[0], range[1]));
                reader.advance(range[1] - range[0]);
                return message;
            } catch (e) {
                if (!(e instanceof UnexpectedEncoding)) throw e;
            }
        }
        return fromReader.call(this, message, reader);
    };
}

/** Where the Struct being read lies: after its field's tag and length, when the reader stands right there. */
function fieldRange(reader: BinaryReader): [number, number] | undefined {
    if (typeof reader.getFieldCursor !== "function" || typeof reader.getBuffer !== "function" ||
        typeof reader.getCursor !== "function" || typeof reader.advance !== "function") return undefined;
    const range = delimitedFieldAt(reader.getBuffer(), reader.getFieldCursor());
    return range && range[0] === reader.getCursor() ? range : undefined;
}
