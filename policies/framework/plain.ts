// The values a stack policy reads, as plain data: no runtime proxy, every value unknown during a preview replaced
// by undefined, and frozen.
//
// The policy runtime hands each policy a resource's properties behind an unknown-checking proxy: a read of an
// unknown value throws, and every nested read allocates a proxy. The flow and permission verifiers read whole
// subtrees (rule lists, intents, policy documents) of thousands of resources, for several stack policies. So a
// subtree is copied once from the proxy's target, without proxies, and the copy is shared by every later read of
// the same value (the pack hands every policy the same deserialised value: decode-once.ts). A shared copy must not
// change under its readers, so it is frozen: a policy that tried to modify one would throw, not corrupt another's.

/** The key @pulumi/policy's proxy answers with the object it wraps (proxy.js, getSpecialProxyTarget). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The engine's unknown values, as @pulumi/policy deserialises them (proxy.js: unknownStringValue and the others). */
const UNKNOWN_VALUES: ReadonlySet<unknown> = new Set(Object.entries(require("@pulumi/policy/proxy") as Record<string, unknown>)
    .filter(([name, value]) => /^unknown[A-Z]\w*Value$/.test(name) && typeof value === "string").map(([, value]) => value));
if (UNKNOWN_VALUES.size === 0) throw new Error("@pulumi/policy's proxy module lists no unknown values: policies/framework/plain.ts needs updating");

/** Deeper than this, a value is returned as it is (no resource property nests this deep). */
const MAX_DEPTH = 40;

const copies = new WeakMap<object, unknown>();

/** The object a runtime proxy wraps, or the value itself. */
function unwrapped(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    // A proxy answers the key from its get trap, never as an own property: an own one is a resource's data.
    if (Object.prototype.hasOwnProperty.call(value, PROXY_TARGET)) return value;
    const target = (value as Record<string, unknown>)[PROXY_TARGET];
    return target !== undefined && target !== null && typeof target === "object" ? target : value;
}

const isUnknown = (value: unknown): boolean => typeof value === "string" && UNKNOWN_VALUES.has(value);

/**
 * A frozen plain copy of `value`. As a read through the runtime's proxy would see it: an unknown property reads as
 * undefined, and an array holding an unknown element is unknown as a whole (undefined).
 */
function plainCopy(value: unknown, depth: number): unknown {
    if (isUnknown(value)) return undefined;
    if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return value;
    const cached = copies.get(value);
    if (cached !== undefined || copies.has(value)) return cached;
    let copy: unknown;
    if (Array.isArray(value)) {
        copy = value.some(isUnknown) ? undefined : Object.freeze(value.map(v => plainCopy(v, depth + 1)));
    } else {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value)) out[k] = plainCopy((value as Record<string, unknown>)[k], depth + 1);
        copy = Object.freeze(out);
    }
    copies.set(value, copy);
    // A copy read again (safe(rule, "verbs") on a rule read before) is its own copy, not copied once more.
    if (copy !== undefined) copies.set(copy as object, copy);
    return copy;
}

/**
 * The value at `path` in `value` (a resource's props, or a value read before) as frozen plain data; undefined when
 * absent or unknown during a preview.
 */
export function safe(value: unknown, ...path: string[]): any {
    let current = unwrapped(value);
    for (const key of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = unwrapped((current as Record<string, unknown>)[key]);
        if (isUnknown(current)) return undefined;
    }
    return plainCopy(current, 0);
}
