// Builds KEKs from a scope's settings, the same names the target stacks hand a research project's workloads
// (WorkloadAccess settings and secrets), read from environment-like maps (files mounted from Kubernetes secrets).
// The service is chosen by which settings are present, never by a cloud's name.

import * as fs from "fs";
import { KeyEncryptionKey } from "./key-encryption-key";
import { OpenBaoTransitKey } from "./openbao-transit";
import { OvhKmsKey } from "./ovh-kms";
import { Pkcs11Token, Pkcs11Wrapping } from "./pkcs11";

export type Settings = Readonly<Record<string, string | undefined>>;

/** The settings each key service needs (`A|B`: either name); the first complete set wins, in this order. */
export const KEY_SERVICE_SETTINGS = {
    "ovh-kms": [["KMS_ENDPOINT", "KMS_CLIENT_CERTIFICATE", "KMS_CLIENT_KEY"]],
    "openbao-transit": [["VAULT_ADDR|BAO_ADDR", "VAULT_TOKEN|BAO_TOKEN"], ["BAO_ADDR|VAULT_ADDR", "BAO_AUTH_PATH", "BAO_AUTH_ROLE"]],
    "pkcs11": [["PKCS11_MODULE", "PKCS11_TOKEN_LABEL", "PKCS11_PIN"]],
} as const;

export type KeyService = keyof typeof KEY_SERVICE_SETTINGS;

/** Where the pod's service-account token for OpenBao's Kubernetes login is mounted (see the data mover Job). */
export const OPENBAO_JWT_FILE = "/var/run/secrets/openbao/token";

const either = (settings: Settings, names: string) => names.split("|").map(n => settings[n]).find(Boolean);

export function keyServiceOf(settings: Settings, where: string): KeyService {
    for (const [service, sets] of Object.entries(KEY_SERVICE_SETTINGS) as [KeyService, readonly (readonly string[])[]][]) {
        if (sets.some(names => names.every(n => either(settings, n)))) return service;
    }
    throw new Error(`${where}: no key service settings found; one of these sets is needed: ` +
        Object.entries(KEY_SERVICE_SETTINGS).flatMap(([s, sets]) => sets.map(names => `${s} (${names.join(", ")})`)).join("; "));
}

/** Opened PKCS#11 tokens, shared by every key on them and closed together. */
export class KeyServices {
    private readonly tokens = new Map<string, Pkcs11Token>();
    /** Tokens whose login failed: never logged into again by this process (a real HSM locks after a few). */
    private readonly refused = new Map<string, Error>();

    kek(settings: Settings, keyId: string, context: string, where: string, pkcs11Wrapping: Pkcs11Wrapping = "aes-key-wrap-pad"): KeyEncryptionKey {
        switch (keyServiceOf(settings, where)) {
            case "ovh-kms":
                return new OvhKmsKey({
                    endpoint: settings.KMS_ENDPOINT!, keyId, context,
                    tls: { certificate: settings.KMS_CLIENT_CERTIFICATE, privateKey: settings.KMS_CLIENT_KEY, ca: settings.KMS_CA_CERTIFICATE },
                });
            case "openbao-transit": {
                const token = either(settings, "VAULT_TOKEN|BAO_TOKEN");
                const ca = either(settings, "VAULT_CACERT|BAO_CACERT");
                const jwtFile = settings.BAO_JWT_FILE ?? OPENBAO_JWT_FILE;
                return new OpenBaoTransitKey({
                    address: either(settings, "VAULT_ADDR|BAO_ADDR")!, keyName: keyId, token,
                    kubernetesLogin: token ? undefined : { path: settings.BAO_AUTH_PATH!, role: settings.BAO_AUTH_ROLE!, jwt: () => fs.readFileSync(jwtFile, "utf8").trim() },
                    mount: settings.TRANSIT_MOUNT, namespace: either(settings, "VAULT_NAMESPACE|BAO_NAMESPACE"),
                    tls: ca ? { ca } : undefined,
                });
            }
            case "pkcs11": {
                const id = `${settings.PKCS11_MODULE}\n${settings.PKCS11_TOKEN_LABEL}`;
                const refused = this.refused.get(id);
                if (refused) throw refused;
                let token = this.tokens.get(id);
                if (!token) {
                    try {
                        token = new Pkcs11Token({ module: settings.PKCS11_MODULE!, tokenLabel: settings.PKCS11_TOKEN_LABEL!, pin: settings.PKCS11_PIN! });
                    } catch (e) {
                        this.refused.set(id, e as Error);
                        throw e;
                    }
                    this.tokens.set(id, token);
                }
                if (!token.hasKey(keyId)) throw new Error(`${where}: no key "${keyId}" on PKCS#11 token "${settings.PKCS11_TOKEN_LABEL}"`);
                return token.key(keyId, pkcs11Wrapping);
            }
        }
    }

    close(): void {
        for (const t of this.tokens.values()) t.close();
        this.tokens.clear();
    }
}
