// The one evaluator of declared property checks (checks/*.ts): finds the declarations for a resource's type, reads
// the property (every element under `[*]`), applies the documented default when the program leaves it out, and
// reports the property and the value to set. Each declaration is judged on its own, so a value unknown during
// preview makes that declaration "cannot verify" without hiding what the others find.

import { Condition, PropertyCheck, PropertyPath, Scalar, ValueTest } from "../checks/model";
import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, ResourceInput, StackResource, isUnknownValueError } from "../framework/policy";
import { given, isRecord } from "../framework/props";
import { apiVersionOf, resourceTypeOf } from "./types";

/** One value found at a path: where (indices filled in) and what (undefined when absent). */
export interface Found {
    readonly at: string;
    readonly value: unknown;
    /** The innermost list element the value is in (the resource itself outside lists), for element conditions. */
    readonly element?: unknown;
}

const STEP = /^([^.[\]]+)(\[\*\])?$/;

/** Parses a path once: each step is a key, optionally followed by `[*]`. */
function steps(path: PropertyPath): { key: string; each: boolean }[] {
    return path.split(".").map(part => {
        const m = STEP.exec(part);
        if (!m) throw new Error(`bad property path ${JSON.stringify(path)} at ${JSON.stringify(part)}`);
        return { key: m[1], each: m[2] !== undefined };
    });
}

const parsed = new Map<string, { key: string; each: boolean }[]>();
function stepsOf(path: PropertyPath) {
    let s = parsed.get(path);
    if (!s) parsed.set(path, s = steps(path));
    return s;
}

/**
 * The values at a path. A missing step yields one absent value (the property is not set); an absent or empty list
 * under `[*]` yields nothing (there is no element to judge). Reading a value that is unknown during preview throws
 * the runtime's error.
 */
export function valuesAt(props: unknown, path: PropertyPath): Found[] {
    let current: Found[] = [{ at: "", value: props, element: props }];
    for (const { key, each } of stepsOf(path)) {
        const next: Found[] = [];
        for (const f of current) {
            const here = f.at ? `${f.at}.${key}` : key;
            const value = isRecord(f.value) ? f.value[key] : undefined;
            if (!each) { next.push({ at: here, value, element: f.element }); continue; }
            if (!Array.isArray(value)) continue;
            value.forEach((item, i) => next.push({ at: `${here}[${i}]`, value: item, element: item }));
        }
        current = next;
    }
    return current;
}

const text = (v: unknown) => String(v).trim().toLowerCase();
const sameScalar = (v: unknown, expected: Scalar) =>
    (typeof v === "string" || typeof v === "number" || typeof v === "boolean") && text(v) === text(expected);

/** A TLS version in any service's spelling (`TLS1_2`, `1.2`, `Tls12`, `TLSv1.2`, `tls1.2`, `Tls`), as a number; `None` is 0. */
export function tlsVersion(value: unknown): number | undefined {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    const raw = text(value);
    // Cosmos DB spells TLS 1.0 as plain "Tls".
    if (raw === "tls") return 1;
    const v = raw.replace(/^tls\s*v?/, "").replace(/_/g, ".");
    if (v === "none") return 0;
    const m = /^(\d)\.?(\d)$/.exec(v);
    return m ? Number(`${m[1]}.${m[2]}`) : undefined;
}

const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
    let re = patterns.get(source);
    if (!re) patterns.set(source, re = new RegExp(`^(?:${source})$`, "i"));
    return re;
}

/** Whether a present value passes a test. */
export function passes(value: unknown, test: ValueTest): boolean {
    if ("equals" in test) return sameScalar(value, test.equals);
    if ("in" in test) return test.in.some(x => sameScalar(value, x));
    if ("notIn" in test) return !test.notIn.some(x => sameScalar(value, x));
    if ("tlsAtLeast" in test) return (tlsVersion(value) ?? -1) >= Number(test.tlsAtLeast);
    if ("pattern" in test) return typeof value === "string" && patternOf(test.pattern).test(value.trim());
    if ("present" in test) return given(value);
    return !given(value);
}

/** Whether a condition holds; a value unknown during preview counts as present (a reference to be resolved). */
export function holds(props: unknown, c: Condition): boolean {
    let found: Found[];
    try {
        found = valuesAt(props, c.property);
    } catch (e) {
        if (isUnknownValueError(e) && "present" in c) return true;
        if (isUnknownValueError(e) && "absent" in c) return false;
        throw e;
    }
    if ("present" in c) return found.some(f => given(f.value));
    if ("absent" in c) return found.every(f => !given(f.value));
    return found.some(f => given(f.value) && passes(f.value, c));
}

/** Whether a declaration applies to this resource at all (its `onlyIf` and `unless` conditions). */
export function applies(check: { onlyIf?: readonly Condition[]; unless?: readonly Condition[] }, props: unknown): boolean {
    if (check.onlyIf && !check.onlyIf.every(c => holds(props, c))) return false;
    return !(check.unless ?? []).some(c => holds(props, c));
}

function describe(value: unknown): string {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** How an absent property is judged for this resource's API version. */
function absentRule(check: PropertyCheck, type: string): PropertyCheck["whenAbsent"] {
    const before = check.whenAbsentBefore;
    const version = before ? apiVersionOf(type) : undefined;
    return before && version !== undefined && version < before.apiVersion ? before.whenAbsent : check.whenAbsent;
}

/** The findings of one declaration on one resource (of type `type`, which may be a versioned token). */
export function judge(check: PropertyCheck, props: unknown, type = check.types[0]): Finding[] {
    if (!applies(check, props)) return [];
    const findings: Finding[] = [];
    const absent = absentRule(check, type);
    let found: Found[];
    try {
        found = valuesAt(props, check.property);
    } catch (e) {
        // A reference to another resource (a disk encryption set's id) is unknown during preview, but it is set.
        if (isUnknownValueError(e) && "present" in check.require) return [];
        throw e;
    }
    for (const f of found) {
        if (check.skipElements?.some(c => holds(f.element, c))) continue;
        const fix = `set \`${f.at}\` to ${check.fix}`;
        if (given(f.value)) {
            if (!passes(f.value, check.require)) findings.push(violation(`${check.problem} (\`${f.at}\` is ${describe(f.value)}): ${fix}.`));
            continue;
        }
        if (absent === "pass") continue;
        if (absent === "fail") {
            findings.push(violation(`${check.problem} (\`${f.at}\` is not set): ${fix}.`));
        } else if (!passes(absent.default, check.require)) {
            findings.push(violation(`${check.problem} (\`${f.at}\` is not set, and the service then uses ` +
                `${describe(absent.default)}): ${fix}.`));
        }
    }
    return findings;
}

/** Declarations indexed by policy, then by resource type. */
export type CheckIndex = ReadonlyMap<string, ReadonlyMap<string, readonly PropertyCheck[]>>;

export function indexChecks(checks: readonly PropertyCheck[]): CheckIndex {
    const ids = new Set<string>();
    const index = new Map<string, Map<string, PropertyCheck[]>>();
    for (const check of checks) {
        if (ids.has(check.id)) throw new Error(`declared check ${check.id} is declared twice`);
        ids.add(check.id);
        stepsOf(check.property);
        const byType = index.get(check.policy) ?? index.set(check.policy, new Map()).get(check.policy)!;
        for (const type of check.types) (byType.get(type) ?? byType.set(type, []).get(type)!).push(check);
    }
    return index;
}

/** Runs every declaration of a policy that covers the resource's type, each on its own. */
export function declaredFindings(checks: readonly PropertyCheck[], r: ResourceInput): Finding[] {
    const findings: Finding[] = [];
    // One "cannot verify" per unknown value, however many declarations read it.
    const unknown = new Set<string>();
    for (const check of checks) {
        try {
            findings.push(...judge(check, r.props, r.registeredType ?? r.type));
        } catch (e) {
            if (!isUnknownValueError(e)) throw e;
            const path = e.props.join(".");
            if (unknown.has(path)) continue;
            unknown.add(path);
            findings.push(cannotVerify(`\`${check.property}\` (or a setting it depends on) is unknown until the update ` +
                `runs (.${e.props.join(".")}); ${check.problem.charAt(0).toLowerCase()}${check.problem.slice(1)} ` +
                "cannot be ruled out now and is judged at update time."));
        }
    }
    return findings;
}

/** Whether `from` refers to `to`: a dependency, a property that names it, or its parent. */
export function refersTo(from: StackResource, to: StackResource): boolean {
    return from.parent === to.urn || from.dependencies.includes(to.urn) ||
        Object.values(from.propertyDependencies).some(urns => urns.includes(to.urn));
}

/**
 * Checks with companions, over the whole program: a resource that fails a check passes when a companion resource
 * refers to it and meets the companion's conditions.
 */
function companionFindings(byType: ReadonlyMap<string, readonly PropertyCheck[]>, resources: readonly StackResource[]): Finding[] {
    const findings: Finding[] = [];
    for (const r of resources) {
        const checks = byType.get(resourceTypeOf(r.type));
        if (!checks) continue;
        for (const check of checks) {
            const found = declaredFindings([check], r);
            if (found.length === 0) continue;
            const settled = (check.companions ?? []).some(c => resources.some(other =>
                resourceTypeOf(other.type) === c.type && refersTo(other, r) && (c.where ?? []).every(w => holds(other.props, w))));
            if (!settled) findings.push(...found.map(f => ({ ...f, urn: r.urn })));
        }
    }
    return findings;
}

/**
 * The predicates of the declared checks: one resource check per policy, or one stack check for a policy whose checks
 * name companion resources (those need the whole program).
 */
export function declaredPredicates(index: CheckIndex): Record<string, Predicate> {
    const predicates: Record<string, Predicate> = {};
    for (const [policy, byType] of index) {
        const all = [...new Set([...byType.values()].flat())];
        const linked = all.filter(c => c.companions?.length);
        if (linked.length > 0 && linked.length < all.length) {
            throw new Error(`policy ${policy} mixes checks with and without companions: ${linked.map(c => c.id).join(", ")}`);
        }
        predicates[policy] = linked.length > 0
            ? { scope: "stack", checks: [(resources: readonly StackResource[]) => companionFindings(byType, resources)] }
            : {
                scope: "resource",
                checks: [(r: ResourceInput) => {
                    const checks = byType.get(resourceTypeOf(r.type));
                    return checks ? declaredFindings(checks, r) : [];
                }],
            };
    }
    return predicates;
}
