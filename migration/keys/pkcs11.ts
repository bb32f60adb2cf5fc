// PKCS#11 token keys as KEKs (SoftHSM in the rehearsal and tests; any HSM with a PKCS#11 module in production).
// The AES key is generated inside the token, marked sensitive and non-extractable: it can wrap and unwrap, and
// nothing else. Data keys are wrapped with the token's AES key-wrap mechanisms (RFC 5649 with padding by default;
// RFC 3394 without padding, which Azure's client-side encryption calls "A256KW").

import * as fs from "fs";
import * as pkcs11js from "pkcs11js";
import { KeyEncryptionKey } from "./key-encryption-key";
import { KeyServiceAuthError, PKCS11_AUTH_ERRORS } from "./key-errors";

export type Pkcs11Wrapping = "aes-key-wrap-pad" | "aes-key-wrap";

/** Where Debian and other distributions install SoftHSM's module. */
export const SOFTHSM_MODULE_PATHS = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
];

export function findSoftHsmModule(): string | undefined {
    return SOFTHSM_MODULE_PATHS.find(p => fs.existsSync(p));
}

export interface Pkcs11TokenOptions {
    /** Path of the PKCS#11 module (shared library). */
    readonly module: string;
    /** The token's label. */
    readonly tokenLabel: string;
    /** The user PIN. */
    readonly pin: string;
}

// A module is initialised once per process (a second C_Initialize fails) and finalised when its last token
// closes, so several tokens, or a test and the mover it drives in one process, can share it.
const modules = new Map<string, { lib: pkcs11js.PKCS11; users: number }>();

function acquireModule(path: string): pkcs11js.PKCS11 {
    let entry = modules.get(path);
    if (!entry) {
        const lib = new pkcs11js.PKCS11();
        lib.load(path);
        lib.C_Initialize();
        entry = { lib, users: 0 };
        modules.set(path, entry);
    }
    entry.users++;
    return entry.lib;
}

function releaseModule(path: string): void {
    const entry = modules.get(path);
    if (!entry || --entry.users > 0) return;
    modules.delete(path);
    entry.lib.C_Finalize();
    entry.lib.close();
}

/** An open, logged-in session on one token. Close it when done: the module holds the token's files. */
export class Pkcs11Token {
    private readonly lib: pkcs11js.PKCS11;
    private readonly session: Buffer;

    constructor(readonly options: Pkcs11TokenOptions) {
        this.lib = acquireModule(options.module);
        try {
            const slot = this.lib.C_GetSlotList(true)
                .find(s => this.lib.C_GetTokenInfo(s).label.trim() === options.tokenLabel);
            if (!slot) throw new Error(`no PKCS#11 token labelled "${options.tokenLabel}" in ${options.module}`);
            this.session = this.lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
            try {
                this.lib.C_Login(this.session, pkcs11js.CKU_USER, options.pin);
            } catch (e) {
                // Login is per application, not per session: another session of this process already logged in.
                if (!/CKR_USER_ALREADY_LOGGED_IN/.test((e as Error).message)) throw loginError(options.tokenLabel, e as Error);
            }
        } catch (e) {
            releaseModule(options.module);
            throw e;
        }
    }

    /** Creates a non-extractable AES-256 wrapping key labelled `label` on the token, unless one exists. */
    ensureAesKey(label: string): void {
        if (this.findKey(label)) return;
        this.lib.C_GenerateKey(this.session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
            { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
            { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
            { type: pkcs11js.CKA_LABEL, value: label },
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_PRIVATE, value: true },
            { type: pkcs11js.CKA_SENSITIVE, value: true },
            { type: pkcs11js.CKA_EXTRACTABLE, value: false },
            { type: pkcs11js.CKA_WRAP, value: true },
            { type: pkcs11js.CKA_UNWRAP, value: true },
            { type: pkcs11js.CKA_ENCRYPT, value: false },
            { type: pkcs11js.CKA_DECRYPT, value: false },
        ]);
    }

    /**
     * Destroys the key labelled `label`: crypto-shredding. Every data key it wrapped, and so every object those
     * keys encrypted, becomes unreadable for good.
     */
    destroyKey(label: string): boolean {
        const handle = this.findKey(label);
        if (!handle) return false;
        this.lib.C_DestroyObject(this.session, handle);
        return true;
    }

    hasKey(label: string): boolean {
        return this.findKey(label) !== undefined;
    }

    /** The KEK view of the key labelled `label`. */
    key(label: string, wrapping: Pkcs11Wrapping = "aes-key-wrap-pad"): KeyEncryptionKey {
        return new Pkcs11Key(this, label, wrapping);
    }

    wrap(label: string, wrapping: Pkcs11Wrapping, dataKey: Buffer): Buffer {
        const kek = this.requireKey(label);
        // The data key enters the token as a short-lived session object, the only way C_WrapKey takes a key.
        const temporary = this.lib.C_CreateObject(this.session, [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
            { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
            { type: pkcs11js.CKA_TOKEN, value: false },
            { type: pkcs11js.CKA_SENSITIVE, value: false },
            { type: pkcs11js.CKA_EXTRACTABLE, value: true },
            { type: pkcs11js.CKA_VALUE, value: dataKey },
        ]);
        try {
            return this.lib.C_WrapKey(this.session, { mechanism: mechanismOf(wrapping) }, kek, temporary,
                Buffer.alloc(dataKey.length + 64));
        } finally {
            this.lib.C_DestroyObject(this.session, temporary);
        }
    }

    unwrap(label: string, wrapping: Pkcs11Wrapping, wrapped: Buffer): Buffer {
        const kek = this.requireKey(label);
        let handle: Buffer;
        try {
            handle = this.lib.C_UnwrapKey(this.session, { mechanism: mechanismOf(wrapping) }, kek, wrapped, [
                { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
                { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
                { type: pkcs11js.CKA_TOKEN, value: false },
                { type: pkcs11js.CKA_SENSITIVE, value: false },
                { type: pkcs11js.CKA_EXTRACTABLE, value: true },
            ]);
        } catch (e) {
            // The key-wrap integrity check failed: altered wrapped key, or another KEK wrapped it.
            throw new Error(`key "${label}" cannot unwrap this data key (${(e as Error).message})`);
        }
        try {
            return Buffer.from(this.lib.C_GetAttributeValue(this.session, handle, [{ type: pkcs11js.CKA_VALUE }])[0].value as Buffer);
        } finally {
            this.lib.C_DestroyObject(this.session, handle);
        }
    }

    close(): void {
        try {
            this.lib.C_CloseSession(this.session);
        } finally {
            releaseModule(this.options.module);
        }
    }

    private requireKey(label: string): Buffer {
        const handle = this.findKey(label);
        if (!handle) throw new Error(`no key labelled "${label}" on token "${this.options.tokenLabel}"`);
        return handle;
    }

    private findKey(label: string): Buffer | undefined {
        this.lib.C_FindObjectsInit(this.session, [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
            { type: pkcs11js.CKA_LABEL, value: label },
        ]);
        try {
            return this.lib.C_FindObjects(this.session) ?? undefined;
        } finally {
            this.lib.C_FindObjectsFinal(this.session);
        }
    }
}

/** A refused PIN is an authentication error: the caller must stop, not try again (the token would lock). */
function loginError(label: string, e: Error): Error {
    const code = PKCS11_AUTH_ERRORS.find(c => e.message.includes(c));
    if (!code) return new Error(`PKCS#11 token "${label}": login failed (${e.message})`);
    return new KeyServiceAuthError(`PKCS#11 token "${label}": the PIN was refused (${code}); ` +
        "stopping before a second attempt, which could lock the token");
}

function mechanismOf(wrapping: Pkcs11Wrapping): number {
    return wrapping === "aes-key-wrap" ? pkcs11js.CKM_AES_KEY_WRAP : pkcs11js.CKM_AES_KEY_WRAP_PAD;
}

class Pkcs11Key implements KeyEncryptionKey {
    readonly wrapping: string;
    constructor(private readonly token: Pkcs11Token, readonly keyId: string, private readonly mechanism: Pkcs11Wrapping) {
        this.wrapping = `pkcs11-${mechanism}`;
    }
    async wrap(dataKey: Buffer): Promise<string> {
        return this.token.wrap(this.keyId, this.mechanism, dataKey).toString("base64");
    }
    async unwrap(wrapped: string): Promise<Buffer> {
        return this.token.unwrap(this.keyId, this.mechanism, Buffer.from(wrapped, "base64"));
    }
}
