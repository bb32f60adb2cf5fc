// OVHcloud KMS (OKMS) service key as a KEK, over its REST API: `POST /v1/servicekey/{keyId}/encrypt|decrypt`,
// authenticated by the client certificate of an OKMS access credential (mutual TLS). The data key is sent
// base64-encoded as `plaintext`; `context` is bound to the ciphertext (authenticated data), so a wrapped key taken
// from one project cannot be unwrapped under another project's context.

import { KeyEncryptionKey } from "./key-encryption-key";
import { KeyServiceError, TlsClientIdentity, postJson } from "./http-json";

export interface OvhKmsKeyOptions {
    /** The OKMS REST endpoint of the domain, e.g. `https://eu-west-par.okms.ovh.net/api/<okms id>`. */
    readonly endpoint: string;
    /** The service key's id (the `ovh.okms.ServiceKey` resource id), of type `oct`, operations encrypt/decrypt. */
    readonly keyId: string;
    /** Authenticated context bound to every wrapped key, e.g. the research project id. */
    readonly context: string;
    readonly tls: TlsClientIdentity;
}

export class OvhKmsKey implements KeyEncryptionKey {
    readonly keyId: string;
    readonly wrapping = "okms-servicekey-encrypt";
    private readonly base: string;

    constructor(private readonly options: OvhKmsKeyOptions) {
        if (!options.tls.certificate || !options.tls.privateKey) {
            throw new Error("the OVHcloud KMS needs the access credential's certificate and private key (mutual TLS)");
        }
        this.keyId = options.keyId;
        this.base = `${options.endpoint.replace(/\/+$/, "")}/v1/servicekey/${encodeURIComponent(options.keyId)}`;
    }

    async wrap(dataKey: Buffer): Promise<string> {
        const answer = await postJson(`${this.base}/encrypt`,
            { plaintext: dataKey.toString("base64"), context: this.options.context }, {}, this.options.tls);
        if (typeof answer.ciphertext !== "string") throw new KeyServiceError("OKMS encrypt: no ciphertext in the answer");
        return answer.ciphertext;
    }

    async unwrap(wrapped: string): Promise<Buffer> {
        const answer = await postJson(`${this.base}/decrypt`,
            { ciphertext: wrapped, context: this.options.context }, {}, this.options.tls);
        if (typeof answer.plaintext !== "string") throw new KeyServiceError("OKMS decrypt: no plaintext in the answer");
        return Buffer.from(answer.plaintext, "base64");
    }
}
