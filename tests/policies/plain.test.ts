// safe(): the values a stack policy reads as frozen plain data, made once per value and shared by every reader,
// read through the policy runtime's real unknown-checking proxy as a policy reads them.

import { safe } from "../../policies/framework/plain";

const proxy = require("@pulumi/policy/proxy");
const { unknownCheckingProxy, UnknownValueError } = proxy;
const UNKNOWN = {
    string: proxy.unknownStringValue, number: proxy.unknownNumberValue, boolean: proxy.unknownBooleanValue,
    array: proxy.unknownArrayValue, object: proxy.unknownObjectValue, asset: proxy.unknownAssetValue,
    archive: proxy.unknownArchiveValue,
};

/** A resource's props during a preview: some values unknown, as the engine sends them. */
function props() {
    return unknownCheckingProxy({
        name: "hdh-oncoprev",
        id: UNKNOWN.string,
        port: UNKNOWN.number,
        enabled: UNKNOWN.boolean,
        ruleList: UNKNOWN.array,
        spec: UNKNOWN.object,
        rules: [{ priority: 100, ports: [443] }, { priority: 200, ports: [UNKNOWN.number] }],
        addresses: ["10.0.0.0/8", UNKNOWN.string],
        nested: { network: { subnetId: UNKNOWN.string, cidr: "10.40.0.0/16" } },
    });
}

test("the proxy throws on what safe() reads as undefined (the behaviour it stands for)", () => {
    const p = props();
    expect(() => p.id).toThrow(UnknownValueError);
    expect(() => p.addresses.map((a: string) => a)).toThrow(UnknownValueError);
    expect(() => p.nested.network.subnetId).toThrow(UnknownValueError);
});

test("an unknown leaf reads as undefined, its key kept", () => {
    const p = props();
    expect(safe(p, "id")).toBeUndefined();
    for (const kind of Object.keys(UNKNOWN) as (keyof typeof UNKNOWN)[]) {
        const copy = safe(unknownCheckingProxy({ value: UNKNOWN[kind], known: 1 }));
        expect(copy).toEqual({ known: 1 });
        expect(Object.keys(copy)).toEqual(["value", "known"]);
        expect(copy.value).toBeUndefined();
    }
    const nested = safe(p, "nested");
    expect(Object.keys(nested.network)).toEqual(["subnetId", "cidr"]);
    expect(nested.network.subnetId).toBeUndefined();
    expect(nested.network.cidr).toBe("10.40.0.0/16");
});

test("an array holding an unknown element is unknown as a whole", () => {
    const p = props();
    expect(safe(p, "addresses")).toBeUndefined();
    expect(safe(p, "ruleList")).toBeUndefined();
    // Within a copied object: the rule with an unknown port has its ports unknown, the other keeps them.
    const rules = safe(p, "rules");
    expect(rules).toEqual([{ priority: 100, ports: [443] }, { priority: 200 }]);
    expect(Object.keys(rules[1])).toEqual(["priority", "ports"]);
    expect(rules[1].ports).toBeUndefined();
});

test("a path through an unknown, a missing or a scalar value is undefined", () => {
    const p = props();
    expect(safe(p, "spec", "podSelector", "matchLabels")).toBeUndefined();
    expect(safe(p, "id", "length")).toBeUndefined();
    expect(safe(p, "nested", "network", "subnetId")).toBeUndefined();
    expect(safe(p, "nested", "missing", "cidr")).toBeUndefined();
    expect(safe(p, "name", "length")).toBeUndefined();
    expect(safe(p, "nested", "network", "cidr")).toBe("10.40.0.0/16");
    // An element of an array holding an unknown: the known one reads as through the proxy, the unknown one not.
    expect(safe(p, "addresses", "0")).toBe("10.0.0.0/8");
    expect(safe(p, "addresses", "1")).toBeUndefined();
    expect(safe(p, "rules", "0", "ports")).toEqual([443]);
});

test("the copy is plain and frozen: no proxy left, and a write throws instead of changing what others read", () => {
    "use strict";
    const p = props();
    const rules = safe(p, "rules");
    expect(rules[0].__isSpecialProxy).toBeUndefined();
    expect(Object.isFrozen(rules)).toBe(true);
    expect(Object.isFrozen(rules[0])).toBe(true);
    expect(Object.isFrozen(rules[0].ports)).toBe(true);
    expect(() => { rules[0].priority = 1; }).toThrow(TypeError);
    expect(() => { rules.push({}); }).toThrow(TypeError);
    expect(() => { rules.reverse(); }).toThrow(TypeError);
    expect(() => { delete rules[0].priority; }).toThrow(TypeError);
    expect(safe(p, "rules")).toEqual([{ priority: 100, ports: [443] }, { priority: 200 }]);
});

test("a second read returns the same copy, whichever proxy or path it comes through, a copy read again included", () => {
    const target = { nested: { network: { cidr: "10.40.0.0/16" } }, list: [1, 2, 3] };
    const a = unknownCheckingProxy(target);
    const b = unknownCheckingProxy(target);
    const whole = safe(a);
    expect(safe(a)).toBe(whole);
    expect(safe(b)).toBe(whole);
    expect(safe(b, "nested")).toBe(whole.nested);
    expect(safe(a.nested)).toBe(whole.nested);
    expect(safe(whole, "nested", "network")).toBe(whole.nested.network);
    expect(safe(a, "list")).toBe(whole.list);
    // Another value with equal content is another copy.
    expect(safe(unknownCheckingProxy({ nested: { network: { cidr: "10.40.0.0/16" } }, list: [1, 2, 3] }))).not.toBe(whole);
});

test("plain (unproxied) values are copied the same way", () => {
    const value = { a: { b: [1, { c: "x" }] }, u: UNKNOWN.string, l: ["y", UNKNOWN.string], n: null };
    const copy = safe(value);
    expect(copy).toEqual({ a: { b: [1, { c: "x" }] }, n: null });
    expect(Object.keys(copy)).toEqual(["a", "u", "l", "n"]);
    expect(Object.isFrozen(copy.a.b[1])).toBe(true);
    expect(copy.a).not.toBe(value.a);
    expect(safe(value, "a", "b", "1", "c")).toBe("x");
    expect(safe(value, "l")).toBeUndefined();
    expect(safe(value, "u")).toBeUndefined();
    expect(safe(value, "n")).toBeNull();
    expect(safe("text")).toBe("text");
    expect(safe(undefined, "a")).toBeUndefined();
    expect(safe(value, "a")).toBe(copy.a);
    // The original is left as it was.
    expect(Object.isFrozen(value.a)).toBe(false);
    expect(value.u).toBe(UNKNOWN.string);
});

test("a property that only has the proxy's special key as its name is data, not a proxy to unwrap", () => {
    const props = unknownCheckingProxy({ a: { __getSpecialProxyTarget: { x: "decoy" }, x: "real" } });
    expect(props.a.x).toBe("real");
    expect(safe(props, "a", "x")).toBe("real");
    expect(safe(props, "a")).toEqual({ __getSpecialProxyTarget: { x: "decoy" }, x: "real" });
});
