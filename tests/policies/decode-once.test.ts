// The pack converts a request's protobuf properties once, however many policies read them, and hands every policy
// the same deserialised value, each behind the runtime's own unknown-checking proxy (no policy modifies what it
// reads: read-only.test.ts). A remediation still gets a copy of its own, as it returns modified properties.

import * as path from "path";
import { decodeOnce, deserializeModule, requestStructClass } from "../../policies/framework/decode-once";

const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
const analyzerPb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] }));
const server = require(path.join(policyDir, "server"));
/** The module server.js calls deserializeProperties on, at each call. */
const deserialize = deserializeModule();
const TARGET = "__getSpecialProxyTarget";

const PROPERTIES = {
    location: "francecentral",
    properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny", ipRules: [{ value: "10.0.0.0/8" }] } },
    tags: { project: "oncoprev" },
};
const PROVIDER = { subscriptionId: "00000000-0000-0000-0000-000000000000", location: "francecentral" };

/** How many Structs (objects) a value holds: the conversions of one read (toJavaScript runs once per Struct). */
function structs(value: unknown): number {
    if (Array.isArray(value)) return value.reduce((n: number, v) => n + structs(v), 0);
    if (value === null || typeof value !== "object") return 0;
    return 1 + Object.values(value).reduce((n: number, v) => n + structs(v), 0);
}

/** A protobuf message as the server receives it: encoded, then decoded by the server's own message classes. */
function received<T>(message: { serializeBinary(): Uint8Array }, type: { deserializeBinary(bytes: Uint8Array): T }): T {
    return type.deserializeBinary(message.serializeBinary());
}

function resource(urn: string, properties: Record<string, unknown>): any {
    const Struct = requestStructClass() as any;
    const r = new analyzerPb.AnalyzerResource();
    r.setType("azure-native:storage:StorageAccount");
    r.setUrn(urn);
    r.setName(urn.split("::").pop());
    r.setProperties(Struct.fromJavaScript(properties));
    r.setOptions(new analyzerPb.AnalyzerResourceOptions());
    const provider = new analyzerPb.AnalyzerProviderResource();
    provider.setType("pulumi:providers:azure-native");
    provider.setUrn("urn:pulumi:test::warehouse::pulumi:providers:azure-native::default");
    provider.setProperties(Struct.fromJavaScript(PROVIDER));
    r.setProvider(provider);
    return r;
}

function analyzeRequest(properties: Record<string, unknown> = PROPERTIES): any {
    const r = resource("urn:pulumi:test::warehouse::azure-native:storage:StorageAccount::data", properties);
    const request = new analyzerPb.AnalyzeRequest();
    request.setType(r.getType());
    request.setUrn(r.getUrn());
    request.setName(r.getName());
    request.setProperties(r.getProperties());
    request.setOptions(r.getOptions());
    request.setProvider(r.getProvider());
    return received(request, analyzerPb.AnalyzeRequest);
}

/** Runs a server handler as gRPC would. */
function call(handler: (call: unknown, callback: (err: unknown, response?: any) => void) => unknown, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => handler({ request }, (err, response) => err ? reject(err) : resolve(response)));
}

/** What each policy was handed, by policy: its props and its provider's props (runtime proxies). */
type Seen = { props: any; provider: any }[];

function resourcePolicies(count: number, seen: Seen): any[] {
    return Array.from({ length: count }, (_, i) => ({
        name: `reader-${i}`, description: "Reads the resource.", enforcementLevel: "mandatory",
        validateResource: (args: any) => { seen.push({ props: args.props, provider: args.provider?.props }); },
    }));
}

let conversions = 0;
let deserialisations = 0;
beforeAll(() => {
    const proto = (requestStructClass() as any).prototype;
    const convert = proto.toJavaScript;
    proto.toJavaScript = function (this: object) { conversions++; return convert.call(this); };
    const original = deserialize.deserializeProperties;
    deserialize.deserializeProperties = (struct: object, proxySecrets: boolean) => { deserialisations++; return original(struct, proxySecrets); };
    decodeOnce();
});
beforeEach(() => { conversions = 0; deserialisations = 0; });

test("the patched class is the one the server's requests carry", () => {
    expect(analyzeRequest().getProperties()).toBeInstanceOf(requestStructClass() as any);
});

test("thirteen resource policies reading one resource convert it once, and all read the same value", async () => {
    const seen: Seen = [];
    const analyze = server.makeAnalyzeRpcFun("pack", "0.1.0", "mandatory", resourcePolicies(13, seen));
    await call(analyze, analyzeRequest());
    expect(seen).toHaveLength(13);
    // The resource and the provider: one deserialisation each; their Structs were read from the request's bytes
    // (struct-reader.ts), so google-protobuf converts nothing.
    expect(deserialisations).toBe(2);
    expect(conversions).toBe(0);
    const [first, ...others] = seen;
    expect(first.props[TARGET]).toEqual(PROPERTIES);
    expect(first.provider[TARGET]).toEqual(PROVIDER);
    for (const s of others) {
        // The same value, each behind its own unknown-checking proxy.
        expect(s.props[TARGET]).toBe(first.props[TARGET]);
        expect(s.provider[TARGET]).toBe(first.provider[TARGET]);
        expect(s.props).not.toBe(first.props);
    }
});

test("thirteen stack policies share each resource's value, and two resources are never confused", async () => {
    const reads: Record<string, any>[][] = [];
    const policies = Array.from({ length: 13 }, (_, i) => ({
        name: `stack-reader-${i}`, description: "Reads the stack.", enforcementLevel: "mandatory",
        validateStack: (args: any) => { reads.push(args.resources.map((r: any) => r.props[TARGET])); },
    }));
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList([
        resource("urn:pulumi:test::warehouse::azure-native:storage:StorageAccount::a", PROPERTIES),
        resource("urn:pulumi:test::warehouse::azure-native:storage:StorageAccount::b", { location: "westus" }),
    ]);
    await call(server.makeAnalyzeStackRpcFun("pack", "0.1.0", "mandatory", policies), received(request, analyzerPb.AnalyzeStackRequest));
    expect(reads).toHaveLength(13);
    // Two resources and their two providers, each deserialised once, each Struct read from the bytes.
    expect(deserialisations).toBe(4);
    expect(conversions).toBe(0);
    for (const [a, b] of reads) {
        expect(a).toBe(reads[0][0]);
        expect(b).toBe(reads[0][1]);
    }
    expect(reads[0][0]).toEqual(PROPERTIES);
    expect(reads[0][1]).toEqual({ location: "westus" });
});

test("two requests for two resources are never confused", () => {
    const a = analyzeRequest();
    const b = analyzeRequest({ location: "westus" });
    const read = (r: any) => deserialize.deserializeProperties(r.getProperties(), false) as any;
    expect(read(a).location).toBe("francecentral");
    expect(read(b).location).toBe("westus");
    expect(read(a).location).toBe("francecentral");
    expect(read(a)).not.toBe(read(b));
    // Equal properties in two requests are still two values: one request's values go with it.
    expect(read(analyzeRequest())).not.toBe(read(a));
});

test("a remediation gets a fresh copy each time: its changes reach neither another remediation nor the policies", async () => {
    const request = analyzeRequest();
    const shared = deserialize.deserializeProperties(request.getProperties(), false);
    const first: any = deserialize.deserializeProperties(request.getProperties(), true);
    const second: any = deserialize.deserializeProperties(request.getProperties(), true);
    expect(first).not.toBe(second);
    expect(first).not.toBe(shared);
    first.properties.networkAcls.defaultAction = "Allow";
    first.tags.project = "other";
    expect(second).toEqual(PROPERTIES);
    expect(shared).toEqual(PROPERTIES);

    // Through the server: a remediation changes the resource, and policies reading it after still see the request's.
    const remediation = {
        name: "opens-the-account", description: "Opens the account.", enforcementLevel: "remediate",
        remediateResource: (args: any) => { args.props.properties.networkAcls.defaultAction = "Allow"; return args.props; },
    };
    const response = await call(server.makeRemediateRpcFun("pack", "0.1.0", "mandatory", [remediation]), request);
    expect(response.getRemediationsList()[0].getProperties().toJavaScript().properties.networkAcls.defaultAction).toBe("Allow");
    const seen: Seen = [];
    await call(server.makeAnalyzeRpcFun("pack", "0.1.0", "mandatory", resourcePolicies(2, seen)), request);
    expect(seen.map(s => s.props[TARGET])).toEqual([PROPERTIES, PROPERTIES]);
});

test("patching twice changes nothing: one layer, one conversion", async () => {
    const Struct = requestStructClass() as any;
    const toJavaScript = Struct.prototype.toJavaScript;
    const deserializeProperties = deserialize.deserializeProperties;
    decodeOnce();
    decodeOnce();
    expect(Struct.prototype.toJavaScript).toBe(toJavaScript);
    expect(deserialize.deserializeProperties).toBe(deserializeProperties);
    const seen: Seen = [];
    await call(server.makeAnalyzeRpcFun("pack", "0.1.0", "mandatory", resourcePolicies(3, seen)), analyzeRequest());
    expect(deserialisations).toBe(2);
    expect(conversions).toBe(0);
});

test("a Struct google-protobuf decoded is converted once, however many policies read it", () => {
    // A Struct decoded on its own (not a field of a request) is left to google-protobuf: its toJavaScript runs once
    // (the Structs nested in it are fields of its Values, read from the bytes).
    const Struct = requestStructClass() as any;
    const struct = Struct.deserializeBinary(Struct.fromJavaScript(PROPERTIES).serializeBinary());
    const values = Array.from({ length: 13 }, () => struct.toJavaScript());
    expect(conversions).toBe(1);
    for (const v of values) expect(v).toBe(values[0]);
    expect(values[0]).toEqual(PROPERTIES);
});
