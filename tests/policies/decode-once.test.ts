// The pack converts a request's protobuf properties once, however many policies read them, and every policy still
// gets a copy of its own.

import * as path from "path";
import { decodeOnce, requestStructClass } from "../../policies/framework/decode-once";

const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
const analyzerPb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] }));
const { deserializeProperties } = require(require.resolve("@pulumi/policy/deserialize", { paths: [policyDir] }));

const PROPERTIES = {
    location: "francecentral",
    properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny", ipRules: [{ value: "10.0.0.0/8" }] } },
    tags: { project: "oncoprev" },
};

/** An AnalyzeRequest as the engine sends it: encoded, then decoded by the server's own message classes. */
function receivedRequest(): any {
    const Struct = requestStructClass() as any;
    const request = new analyzerPb.AnalyzeRequest();
    request.setType("azure-native:storage:StorageAccount");
    request.setProperties(Struct.fromJavaScript(PROPERTIES));
    return analyzerPb.AnalyzeRequest.deserializeBinary(request.serializeBinary());
}

describe("properties decoded once per request", () => {
    let conversions = 0;
    beforeAll(() => {
        const proto = (requestStructClass() as any).prototype;
        const convert = proto.toJavaScript;
        proto.toJavaScript = function (this: object) { conversions++; return convert.call(this); };
        decodeOnce();
        decodeOnce(); // a second call changes nothing
    });
    beforeEach(() => { conversions = 0; });

    test("the patched class is the one the server's requests carry", () => {
        expect(receivedRequest().getProperties()).toBeInstanceOf(requestStructClass() as any);
    });

    test("thirteen policies reading one resource convert it once", () => {
        const request = receivedRequest();
        const first = deserializeProperties(request.getProperties(), false);
        const once = conversions; // the resource and its nested objects
        expect(once).toBeGreaterThan(0);
        const others = Array.from({ length: 12 }, () => deserializeProperties(request.getProperties(), false));
        expect(conversions).toBe(once);
        for (const props of [first, ...others]) expect(props).toEqual(PROPERTIES);
    });

    test("each policy gets its own copy: one policy's change never reaches another", () => {
        const request = receivedRequest();
        const first = deserializeProperties(request.getProperties(), false);
        first.properties.networkAcls.defaultAction = "Allow";
        first.tags.project = "other";
        const second = deserializeProperties(request.getProperties(), false);
        expect(second).toEqual(PROPERTIES);
    });

    test("two resources are never confused", () => {
        const a = receivedRequest();
        const Struct = requestStructClass() as any;
        const b = new analyzerPb.AnalyzeRequest();
        b.setProperties(Struct.fromJavaScript({ location: "westus" }));
        const received = analyzerPb.AnalyzeRequest.deserializeBinary(b.serializeBinary());
        expect(deserializeProperties(a.getProperties(), false).location).toBe("francecentral");
        expect(deserializeProperties(received.getProperties(), false).location).toBe("westus");
        expect(deserializeProperties(a.getProperties(), false).location).toBe("francecentral");
    });
});
