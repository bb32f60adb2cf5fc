// Reading resource properties that may be malformed (any JSON), may sit behind the policy runtime's unknown-value
// proxy (reading an unknown throws, which the policy wrapper turns into "cannot verify"), and may be absent.

export type Props = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at a path of keys, or undefined when any step is missing or not an object. */
export function at(value: unknown, ...path: string[]): unknown {
    let current = value;
    for (const key of path) {
        if (!isRecord(current)) return undefined;
        current = current[key];
    }
    return current;
}

export function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value);
    return undefined;
}

export function bool(value: unknown): boolean | undefined {
    return typeof value === "boolean" ? value : undefined;
}

export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? Array.from(value) : [];
}

/** Case-insensitive string equality; false when the value is not a string. */
export function same(value: unknown, expected: string): boolean {
    return typeof value === "string" && value.toLowerCase() === expected.toLowerCase();
}

/** Whether a value was given at all (present and not null). */
export function given(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "";
}

/** Whether a CIDR or address opens to the whole internet. */
export function isWorldCidr(value: unknown): boolean {
    return typeof value === "string" && ["0.0.0.0/0", "::/0", "*", "0.0.0.0", "internet", "any"].includes(value.trim().toLowerCase());
}

/** Whether a text mentions an identifier as a whole token (`rp-oncoprev-key` mentions `oncoprev`). */
export function mentions(text: unknown, id: string): boolean {
    if (typeof text !== "string" || id === "") return false;
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`, "i").test(text);
}

/**
 * Whether a value is present at a path, counting a value that is unknown during preview as present: a reference
 * to a resource not yet created (a network id, a key URI) will have a value; only its content is unknown.
 */
export function present(value: unknown, ...path: string[]): boolean {
    try {
        return given(at(value, ...path));
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") return true;
        throw e;
    }
}

/** The value at a path, or undefined when it is unknown during preview (for lookups that can do without it). */
export function peek(value: unknown, ...path: string[]): unknown {
    try {
        return at(value, ...path);
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") return undefined;
        throw e;
    }
}
