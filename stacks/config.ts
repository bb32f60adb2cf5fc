// Reads the `warehouse:` config namespace as the program sees it, decoding structured values, so that the
// neutral model can validate every key (and refuse unknown ones) in one place.

import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, key } from "../components/model";
import { ConfigProblem } from "../components/errors";
import { TARGET_NAMES, isTargetKey } from "./targets";

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

/**
 * Whether the stack holds a key as a secret: the language host passes the secret keys beside the config, and the
 * runtime answers from them (exported by @pulumi/pulumi's runtime/config, though not declared in its types).
 */
function isConfigSecret(fullKey: string): boolean {
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
    if (typeof runtimeConfig.isConfigSecret !== "function") {
        throw new Error("@pulumi/pulumi no longer exports runtime/config isConfigSecret: the plaintext-secret check needs it");
    }
    return runtimeConfig.isConfigSecret(fullKey);
}

/**
 * Whether a `warehouse:` key holds a secret. The convention every target follows (components/target.ts): its
 * non-secret settings are one object, `warehouse:<target>`; every other key it reads, `warehouse:<target>Xxx`, is a
 * secret read with `requireSecret` (tests/stacks/one-round.test.ts holds every such read to this convention).
 */
export function isSecretKey(configKey: string): boolean {
    return TARGET_NAMES.some(t => configKey !== t && isTargetKey(configKey, t));
}

/**
 * Secrets set in plain text: a value the program reads as a secret but the stack holds without `secure:` sits
 * unencrypted in the stack file and in every copy of the repository. Refused, naming the key and how to set it.
 */
export function plaintextSecrets(raw: Readonly<Record<string, unknown>>,
                                 isSecret: (fullKey: string) => boolean = isConfigSecret): ConfigProblem[] {
    return Object.keys(raw).filter(k => isSecretKey(k) && !isSecret(key(k))).map(k => ({
        key: key(k), value: "(hidden)",
        allowed: `a secret, set in plain text here: remove it from the stack file and set it with ` +
            `\`pulumi config set --secret ${key(k)} <value>\` (a file: \`... --secret ${key(k)} < file\`)`,
    }));
}
