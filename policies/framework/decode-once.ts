// @pulumi/policy turns a resource's protobuf properties into JavaScript once for every policy that reads them: each
// resource policy on `analyze`, and every resource again for each stack policy on `analyzeStack` (server.js calls
// deserializeProperties(r.getProperties()) inside its loop over policies). With 13 policies of each kind, that
// conversion and its garbage were a large share of the pack's CPU. The request's Struct is the same object for every
// policy (google-protobuf caches a message's wrapper fields), and deserializeProperties only reads what
// Struct.toJavaScript returns, copying it into fresh objects for each policy; so the pack converts each Struct once
// and hands the same plain value to every later call. Policies still get their own copies: nothing is shared
// between them. (Configure also adds a field to the value of its own request's Struct, which nothing else reads.)

import * as path from "path";

const MARK = Symbol.for("health-data-sovereignty.decode-once");

interface StructClass {
    prototype: { toJavaScript(this: object): unknown; [MARK]?: true };
}

/** The Struct class of the messages @pulumi/policy receives (resolved as its analyzer protocol module resolves it). */
export function requestStructClass(): StructClass {
    const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
    const analyzerProto = require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] });
    const structModule = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(analyzerProto)] });
    return require(structModule).Struct as StructClass;
}

/** Makes Struct.toJavaScript remember its answer per message; idempotent. */
export function decodeOnce(Struct: StructClass = requestStructClass()): void {
    const proto = Struct.prototype;
    if (proto[MARK]) return;
    const convert = proto.toJavaScript;
    if (typeof convert !== "function") throw new Error("google-protobuf's Struct has no toJavaScript: the pack's decode cache needs updating");
    const decoded = new WeakMap<object, unknown>();
    proto.toJavaScript = function (this: object) {
        let value = decoded.get(this);
        if (value === undefined) {
            value = convert.call(this);
            decoded.set(this, value);
        }
        return value;
    };
    proto[MARK] = true;
}
