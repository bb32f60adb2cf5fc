// The analyzer requests the CLI encodes itself must decode, with the generated classes a pack runs on, to exactly
// the messages the engine's own encoding (those classes, filled field by field) gives.

import type { AnalyzerResource } from "../../engine/policy/analyzer";
import { analyzeRequest, analyzeStackRequest } from "../../engine/policy/analyzer-wire";
import { SECRET_SIG, SIG, UNKNOWN } from "../../engine/wire";

const apb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

/** The message built the slow way, with the generated classes (what the CLI used to send). */
function reference(msg: any, r: AnalyzerResource): any {
    msg.setType(r.type);
    msg.setUrn(r.urn);
    msg.setName(r.name);
    msg.setProperties(Struct.fromJavaScript(r.properties));
    const o = new apb.AnalyzerResourceOptions();
    o.setProtect(!!r.options.protect);
    o.setIgnorechangesList(r.options.ignoreChanges ?? []);
    o.setAliasesList(r.options.aliases ?? []);
    o.setParent(r.options.parent ?? r.parent ?? "");
    o.setAdditionalsecretoutputsList(r.options.additionalSecretOutputs ?? []);
    if (r.options.deleteBeforeReplace !== undefined) {
        o.setDeletebeforereplacedefined(true);
        o.setDeletebeforereplace(r.options.deleteBeforeReplace);
    }
    if (r.options.customTimeouts) {
        const t = new apb.AnalyzerResourceOptions.CustomTimeouts();
        if (r.options.customTimeouts.create !== undefined) t.setCreate(r.options.customTimeouts.create);
        if (r.options.customTimeouts.delete !== undefined) t.setDelete(r.options.customTimeouts.delete);
        o.setCustomtimeouts(t);
    }
    msg.setOptions(o);
    if (r.provider) {
        const p = new apb.AnalyzerProviderResource();
        p.setType(r.provider.type);
        p.setUrn(r.provider.urn);
        p.setName(r.provider.name);
        p.setProperties(Struct.fromJavaScript(r.provider.properties));
        msg.setProvider(p);
    }
    return msg;
}

const account: AnalyzerResource = {
    urn: "urn:pulumi:dev::p::azure-native:storage:StorageAccount::raw-sa",
    type: "azure-native:storage:StorageAccount",
    name: "raw-sa",
    properties: {
        accountName: "",                              // an empty string is still a value
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,                 // false and zero are values of a oneof: always written
        softDeleteDays: 0,
        sizeGb: 1.5e3,
        negative: -7.25,
        nothing: null,
        tags: { "données": "santé", "emoji 🔐": "clé" },
        rules: [{ cidr: "10.0.0.0/8", ports: [443, 5432] }, [], [[1, "two", true]]],
        sku: UNKNOWN,
        secret: { [SIG]: SECRET_SIG, value: { password: "p" } },
    },
    options: {
        protect: true, ignoreChanges: ["tags"], aliases: ["urn:a", "urn:b"], parent: "urn:pulumi:dev::p::fixture:Zone::raw",
        deleteBeforeReplace: false, additionalSecretOutputs: ["primaryEndpoints"], customTimeouts: { create: 5400, delete: 0.5 },
    },
    provider: {
        urn: "urn:pulumi:dev::p::pulumi:providers:azure-native::default_3_28_0",
        type: "pulumi:providers:azure-native",
        name: "default_3_28_0",
        properties: { location: "francecentral", version: "3.28.0" },
    },
};

const bare: AnalyzerResource = {
    urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", type: "pulumi:pulumi:Stack", name: "p-dev",
    properties: {}, options: {},
};

const decodeAnalyze = (bytes: Uint8Array) => apb.AnalyzeRequest.deserializeBinary(bytes).toObject();

describe("analyzer requests written straight to protobuf", () => {
    test.each([["every kind of value and option", account], ["a resource with nothing set", bare]])(
        "AnalyzeRequest: %s decodes to the message the generated classes build", (_what, r) => {
            const expected = reference(new apb.AnalyzeRequest(), r);
            expect(decodeAnalyze(analyzeRequest(r))).toEqual(expected.toObject());
            // Same values, whatever order a map's entries were written in.
            expect(apb.AnalyzeRequest.deserializeBinary(analyzeRequest(r)).getProperties().toJavaScript())
                .toEqual(r.properties);
        });

    test("keeps a deleteBeforeReplace that is true, and says it is set", () => {
        const o = apb.AnalyzeRequest.deserializeBinary(analyzeRequest({ ...bare, options: { deleteBeforeReplace: true } }))
            .getOptions();
        expect([o.getDeletebeforereplace(), o.getDeletebeforereplacedefined()]).toEqual([true, true]);
    });

    test("leaves out undefined properties and sends undefined array items as null, as Struct.fromJavaScript did", () => {
        const r = { ...bare, properties: { kept: "x", dropped: undefined, list: [1, undefined, 3] } };
        expect(apb.AnalyzeRequest.deserializeBinary(analyzeRequest(r)).getProperties().toJavaScript())
            .toEqual({ kept: "x", list: [1, null, 3] });
    });

    test("refuses a value JSON cannot carry instead of sending something else", () => {
        expect(() => analyzeRequest({ ...bare, properties: { f: () => 1 } })).toThrow(/a function cannot be sent/);
    });

    test("AnalyzeStackRequest carries each resource with its parent, dependencies and property dependencies", () => {
        const stack = [
            { ...bare },
            { ...account, parent: "urn:pulumi:dev::p::fixture:Zone::raw", dependencies: ["urn:d1", "urn:d2"],
              propertyDependencies: { accountName: ["urn:d1"], tags: [] } },
        ];
        const expected = new apb.AnalyzeStackRequest();
        expected.setResourcesList(stack.map(r => {
            const m = reference(new apb.AnalyzerResource(), r);
            m.setParent(r.parent ?? r.options.parent ?? "");
            m.setDependenciesList(r.dependencies ?? []);
            for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                const pd = new apb.AnalyzerPropertyDependencies();
                pd.setUrnsList(urns);
                m.getPropertydependenciesMap().set(k, pd);
            }
            return m;
        }));
        expect(apb.AnalyzeStackRequest.deserializeBinary(analyzeStackRequest(stack)).toObject()).toEqual(expected.toObject());
    });
});
