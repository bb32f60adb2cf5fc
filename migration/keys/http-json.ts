// A JSON-over-HTTPS call with an optional client certificate, shared by the REST key services. Node's https
// module rather than fetch: the OVHcloud KMS authenticates callers by mutual TLS, which fetch cannot do alone.

import * as http from "http";
import * as https from "https";

export interface TlsClientIdentity {
    /** PEM client certificate and key (mutual TLS). */
    readonly certificate?: string;
    readonly privateKey?: string;
    /** PEM CA bundle to trust instead of the system's (a private PKI). */
    readonly ca?: string;
}

export class KeyServiceError extends Error {
    constructor(message: string, readonly status?: number) {
        super(message);
        this.name = "KeyServiceError";
    }
}

/** POSTs a JSON body and returns the decoded JSON answer; a non-2xx status is a KeyServiceError. */
export function postJson(url: string, body: unknown, headers: Record<string, string>, tls: TlsClientIdentity = {},
                         timeoutMs = 30_000): Promise<any> {
    const target = new URL(url);
    const payload = Buffer.from(JSON.stringify(body));
    const transport = target.protocol === "https:" ? https : http;
    const options: https.RequestOptions = {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": payload.length, accept: "application/json", ...headers },
        timeout: timeoutMs,
        ...(target.protocol === "https:" ? { cert: tls.certificate, key: tls.privateKey, ca: tls.ca } : {}),
    };
    return new Promise((resolve, reject) => {
        const req = transport.request(target, options, res => {
            const chunks: Buffer[] = [];
            res.on("data", c => chunks.push(c));
            res.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                const status = res.statusCode ?? 0;
                if (status < 200 || status >= 300) {
                    // The answer may echo the request; never the wrapped or plain key, which only we sent.
                    reject(new KeyServiceError(`${target.host}${target.pathname}: HTTP ${status} ${text.slice(0, 200)}`, status));
                    return;
                }
                try {
                    resolve(text ? JSON.parse(text) : {});
                } catch {
                    reject(new KeyServiceError(`${target.host}${target.pathname}: answer is not JSON`, status));
                }
            });
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new KeyServiceError(`${target.host}: no answer in ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(payload);
    });
}
