// A JSON-over-HTTPS call with an optional client certificate, shared by the REST key services. Node's https
// module rather than fetch: the OVHcloud KMS authenticates callers by mutual TLS, which fetch cannot do alone.
// Every call has a deadline; errors name the endpoint and the cause; refused credentials (401, 403) are told
// apart so that the mover stops instead of retrying them.

import * as http from "http";
import * as https from "https";
import { KeyServiceAuthError, KeyServiceError } from "./key-errors";

export { KeyServiceError } from "./key-errors";

export interface TlsClientIdentity {
    /** PEM client certificate and key (mutual TLS). */
    readonly certificate?: string;
    readonly privateKey?: string;
    /** PEM CA bundle to trust instead of the system's (a private PKI). */
    readonly ca?: string;
}

/** Default deadline of one key-service call. */
export const KEY_SERVICE_TIMEOUT_MS = 30_000;

const NETWORK_CAUSES: Record<string, string> = {
    ECONNREFUSED: "connection refused", ECONNRESET: "connection reset", ETIMEDOUT: "connection timed out",
    ENOTFOUND: "host not found (DNS)", EAI_AGAIN: "DNS lookup failed, try again", EPIPE: "connection closed while sending",
    EHOSTUNREACH: "host unreachable", ENETUNREACH: "network unreachable", CERT_HAS_EXPIRED: "its TLS certificate has expired",
    DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is not trusted (self-signed)", UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its TLS certificate is not trusted",
};

/** POSTs a JSON body and returns the decoded JSON answer; a non-2xx status is a KeyServiceError. */
export function postJson(url: string, body: unknown, headers: Record<string, string>, tls: TlsClientIdentity = {},
                         timeoutMs = KEY_SERVICE_TIMEOUT_MS): Promise<any> {
    const target = new URL(url);
    const where = `key service ${target.host}${target.pathname}`;
    const payload = Buffer.from(JSON.stringify(body));
    const transport = target.protocol === "https:" ? https : http;
    const options: https.RequestOptions = {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": payload.length, accept: "application/json", ...headers },
        timeout: timeoutMs,
        ...(target.protocol === "https:" ? { cert: tls.certificate, key: tls.privateKey, ca: tls.ca } : {}),
    };
    return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => req.destroy(new KeyServiceError(`${where}: no answer in ${timeoutMs / 1000} s`, undefined, true)), timeoutMs);
        const req = transport.request(target, options, res => {
            const chunks: Buffer[] = [];
            res.on("data", c => chunks.push(c));
            res.on("end", () => {
                clearTimeout(deadline);
                const text = Buffer.concat(chunks).toString("utf8");
                const status = res.statusCode ?? 0;
                if (status < 200 || status >= 300) {
                    // The answer may echo the request; never the wrapped or plain key, which only we sent.
                    const message = `${where}: HTTP ${status} ${text.slice(0, 200)}`;
                    reject(status === 401 || status === 403 ? new KeyServiceAuthError(message, status) : new KeyServiceError(message, status));
                    return;
                }
                try {
                    resolve(text ? JSON.parse(text) : {});
                } catch {
                    reject(new KeyServiceError(`${where}: answer is not JSON`, status));
                }
            });
            res.on("error", e => { clearTimeout(deadline); reject(networkError(where, e)); });
        });
        req.on("timeout", () => req.destroy(new KeyServiceError(`${where}: no answer in ${timeoutMs / 1000} s`, undefined, true)));
        req.on("error", e => { clearTimeout(deadline); reject(e instanceof KeyServiceError ? e : networkError(where, e)); });
        req.end(payload);
    });
}

function networkError(where: string, e: Error): KeyServiceError {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const cause = NETWORK_CAUSES[code] ?? (e.message || code || "the connection failed");
    // A refused client certificate surfaces as a TLS alert during the handshake.
    if (/alert (certificate|bad certificate|unknown ca|handshake)/i.test(e.message)) {
        return new KeyServiceAuthError(`${where}: the client certificate was refused (${e.message})`);
    }
    return new KeyServiceError(`${where}: ${cause}`, undefined, true);
}
