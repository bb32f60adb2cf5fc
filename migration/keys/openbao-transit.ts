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
    /** A token, or a Kubernetes login (the pod's projected service-account token exchanged for one). */
    readonly token?: string;
    readonly kubernetesLogin?: { readonly path: string; readonly role: string; readonly jwt: () => string };
    /** Enterprise-style namespace header, when the server uses namespaces. */
    readonly namespace?: string;
    readonly tls?: TlsClientIdentity;
}

export class OpenBaoTransitKey implements KeyEncryptionKey {
    readonly keyId: string;
    readonly wrapping = "openbao-transit";
    private readonly base: string;
    private token?: Promise<string>;

    constructor(private readonly options: OpenBaoTransitKeyOptions) {
        if (!options.token && !options.kubernetesLogin) throw new Error("OpenBao transit needs a token or a Kubernetes login role");
        const mount = (options.mount ?? "transit").replace(/^\/+|\/+$/g, "");
        this.keyId = options.keyName;
        this.base = `${options.address.replace(/\/+$/, "")}/v1/${mount}`;
        if (options.token) this.token = Promise.resolve(options.token);
    }

    private async headers(): Promise<Record<string, string>> {
        this.token ??= this.login();
        return { "x-vault-token": await this.token, ...(this.options.namespace ? { "x-vault-namespace": this.options.namespace } : {}) };
    }

    /** Exchanges the pod's service-account token for an OpenBao token (the `kubernetes` auth method). */
    private async login(): Promise<string> {
        const login = this.options.kubernetesLogin!;
        const answer = await postJson(`${this.options.address.replace(/\/+$/, "")}/v1/auth/${login.path.replace(/^\/+|\/+$/g, "")}/login`,
            { role: login.role, jwt: login.jwt() }, this.options.namespace ? { "x-vault-namespace": this.options.namespace } : {}, this.options.tls)
            .catch(e => { this.token = undefined; throw e; });
        const token = answer?.auth?.client_token;
        if (typeof token !== "string") throw new KeyServiceError("OpenBao login: no auth.client_token in the answer");
        return token;
    }

    /** A call with the current token; a login token that expired (403) is renewed once. */
    private async call(path: string, body: unknown): Promise<any> {
        try {
            return await postJson(`${this.base}/${path}`, body, await this.headers(), this.options.tls);
        } catch (e) {
            if (!(e instanceof KeyServiceError && e.status === 403 && this.options.kubernetesLogin)) throw e;
            this.token = this.login();
            return postJson(`${this.base}/${path}`, body, await this.headers(), this.options.tls);
        }
    }

    async wrap(dataKey: Buffer): Promise<string> {
        const answer = await this.call(`encrypt/${encodeURIComponent(this.options.keyName)}`, { plaintext: dataKey.toString("base64") });
        const ciphertext = answer?.data?.ciphertext;
        if (typeof ciphertext !== "string") throw new KeyServiceError("transit encrypt: no data.ciphertext in the answer");
        return ciphertext;
    }

    async unwrap(wrapped: string): Promise<Buffer> {
        const answer = await this.call(`decrypt/${encodeURIComponent(this.options.keyName)}`, { ciphertext: wrapped });
        const plaintext = answer?.data?.plaintext;
        if (typeof plaintext !== "string") throw new KeyServiceError("transit decrypt: no data.plaintext in the answer");
        return Buffer.from(plaintext, "base64");
    }
}
