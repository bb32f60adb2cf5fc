// Reads the `warehouse:` config namespace as the program sees it, decoding structured values, so that the
// neutral model can validate every key (and refuse unknown ones) in one place.

import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../components/model";

/** Every `warehouse:` key of the running program's config, decoded. */
export function readNamespace(namespace: string = CONFIG_NAMESPACE): Record<string, unknown> {
    return decodeNamespace(pulumi.runtime.allConfig(), namespace);
}

/** Every key of a namespace in a flat config (`namespace:key` -> string), without the prefix, decoded. */
export function decodeNamespace(config: Readonly<Record<string, string>>,
                                namespace: string = CONFIG_NAMESPACE): Record<string, unknown> {
    const prefix = `${namespace}:`;
    const raw: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(config)) {
        if (fullKey.startsWith(prefix)) raw[fullKey.slice(prefix.length)] = decode(value);
    }
    return raw;
}

/** A config value as the program sees it: objects and lists JSON-decoded, `true`/`false` as booleans. */
export function decode(value: string): unknown {
    const trimmed = value.trim();
    if (trimmed === "true" || trimmed === "false") return trimmed === "true";
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value; // left as text: the schema then names the key and what it expects
        }
    }
    return value;
}
