// OpenBao (or Vault) transit key as a KEK: `POST /v1/<mount>/encrypt/<name>` and `/decrypt/<name>` with the data
// key base64-encoded, authenticated by a token. Cloud Temple has no customer-facing KMS, so the warehouse runs
// OpenBao itself; the transit key never leaves it and its ciphertexts carry the key version (`vault:v3:...`),
// which keeps old objects readable after a rotation.

import { KeyEncryptionKey } from "./key-encryption-key";
import { KeyServiceError, TlsClientIdentity, postJson } from "./http-json";

export interface OpenBaoTransitKeyOptions {
    /** The server address, e.g. `https://openbao.warehouse.internal:8200`. */
    readonly address: string;
    /** The transit secrets engine's mount path. Defaults to `transit`. */
    readonly mount?: string;
    /** The transit key's name. */
    readonly keyName: string;
    readonly token: string;
    /** Enterprise-style namespace header, when the server uses namespaces. */
    readonly namespace?: string;
    readonly tls?: TlsClientIdentity;
}

export class OpenBaoTransitKey implements KeyEncryptionKey {
    readonly keyId: string;
    readonly wrapping = "openbao-transit";
    private readonly base: string;
    private readonly headers: Record<string, string>;

    constructor(private readonly options: OpenBaoTransitKeyOptions) {
        if (!options.token) throw new Error("OpenBao transit needs a token");
        const mount = (options.mount ?? "transit").replace(/^\/+|\/+$/g, "");
        this.keyId = options.keyName;
        this.base = `${options.address.replace(/\/+$/, "")}/v1/${mount}`;
        this.headers = { "x-vault-token": options.token, ...(options.namespace ? { "x-vault-namespace": options.namespace } : {}) };
    }

    async wrap(dataKey: Buffer): Promise<string> {
        const answer = await postJson(`${this.base}/encrypt/${encodeURIComponent(this.options.keyName)}`,
            { plaintext: dataKey.toString("base64") }, this.headers, this.options.tls);
        const ciphertext = answer?.data?.ciphertext;
        if (typeof ciphertext !== "string") throw new KeyServiceError("transit encrypt: no data.ciphertext in the answer");
        return ciphertext;
    }

    async unwrap(wrapped: string): Promise<Buffer> {
        const answer = await postJson(`${this.base}/decrypt/${encodeURIComponent(this.options.keyName)}`,
            { ciphertext: wrapped }, this.headers, this.options.tls);
        const plaintext = answer?.data?.plaintext;
        if (typeof plaintext !== "string") throw new KeyServiceError("transit decrypt: no data.plaintext in the answer");
        return Buffer.from(plaintext, "base64");
    }
}
