// Reads the `warehouse:` config namespace as the program sees it, decoding structured values, so that the
// neutral model can validate every key (and refuse unknown ones) in one place.

import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../components/model";

/** Every `warehouse:` key with its value; objects and lists JSON-decoded, `true`/`false` as booleans. */
export function readNamespace(namespace: string = CONFIG_NAMESPACE): Record<string, unknown> {
    const prefix = `${namespace}:`;
    const raw: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        raw[fullKey.slice(prefix.length)] = decode(value);
    }
    return raw;
}

function decode(value: string): unknown {
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
