// How key-service failures are told apart: refused credentials stop the run at once (another attempt with a wrong
// PIN could lock an HSM token, and no retry fixes a revoked certificate), throttling and outages are retried.

/** A key service answered with an error (HTTP status when it has one). */
export class KeyServiceError extends Error {
    constructor(message: string, readonly status?: number, readonly transient = false) {
        super(message);
        this.name = "KeyServiceError";
    }
}

/** The key service refused our credentials: a PIN, a token, a client certificate. Never retried. */
export class KeyServiceAuthError extends KeyServiceError {
    constructor(message: string, status?: number) {
        super(message, status, false);
        this.name = "KeyServiceAuthError";
    }
}

/** PKCS#11 return values that mean the PIN or the user was refused. */
export const PKCS11_AUTH_ERRORS = ["CKR_PIN_INCORRECT", "CKR_PIN_LOCKED", "CKR_PIN_EXPIRED", "CKR_PIN_INVALID",
    "CKR_PIN_LEN_RANGE", "CKR_USER_PIN_NOT_INITIALIZED", "CKR_USER_TYPE_INVALID"] as const;

/** Worth another attempt: throttled (429), unavailable (5xx), no answer in time, or a dropped connection. */
export function isTransientKeyError(e: unknown): boolean {
    if (e instanceof KeyServiceAuthError) return false;
    if (e instanceof KeyServiceError) return e.transient || e.status === 429 || (e.status !== undefined && e.status >= 500);
    const code = (e as NodeJS.ErrnoException)?.code;
    return code !== undefined && ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND"].includes(code);
}

/**
 * The route's key refused to unwrap a data key (its integrity check failed, or the service answered that the
 * ciphertext is not its own): the object was not written under this key. A verdict on the object, not an outage.
 */
export class UnwrapRefusedError extends Error {
    constructor(keyId: string, cause: string) {
        super(`the wrapped data key does not unwrap under key "${keyId}" (${cause})`);
        this.name = "UnwrapRefusedError";
    }
}
