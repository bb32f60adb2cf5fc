// The neutral key-wrapping interface. The mover never sees a key service's vocabulary: it asks a key-encryption
// key (KEK) held by the target's key service to wrap the data key it generated, and to unwrap it when verifying.
// Implementations: OVHcloud KMS (REST, mTLS), OpenBao transit (Cloud Temple's customer-run key service) and a
// PKCS#11 token (SoftHSM in the rehearsal, a network HSM where one is reachable).

/** A key that never leaves its key service, used only to wrap and unwrap data keys. */
export interface KeyEncryptionKey {
    /** The key service's identifier of the key, recorded in every object it protects. */
    readonly keyId: string;
    /** How the data key is wrapped (recorded with the object, so a reader knows which service to ask). */
    readonly wrapping: string;
    /** Wraps a data key; the result is text because it travels in object metadata. */
    wrap(dataKey: Buffer): Promise<string>;
    /** Unwraps what `wrap` returned. Fails if the wrapped key was altered or belongs to another key. */
    unwrap(wrapped: string): Promise<Buffer>;
}

/** Finds the KEK for a key id (a mover serves several projects, each with its own key). */
export type KeyResolver = (keyId: string) => Promise<KeyEncryptionKey>;

/** A resolver over a fixed set of keys; an unknown key id is an error, never a silent fallback. */
export function staticResolver(keys: readonly KeyEncryptionKey[]): KeyResolver {
    const byId = new Map(keys.map(k => [k.keyId, k]));
    return async (keyId: string) => {
        const key = byId.get(keyId);
        if (!key) throw new Error(`no key-encryption key "${keyId}" is configured (known: ${[...byId.keys()].join(", ") || "none"})`);
        return key;
    };
}
