import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { KeyServices, keyServiceOf } from "../../../migration/keys/from-settings";
import { OpenBaoTransitKey } from "../../../migration/keys/openbao-transit";
import { OvhKmsKey } from "../../../migration/keys/ovh-kms";

// The REST key services against local stand-ins that implement the documented endpoints: what the KEKs send
// (paths, headers, bodies, client certificate) is what the real services expect.

interface Seen { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: any; clientCertificate?: string }

/** Encrypts with a server-side AES key, binding `context` like the real services; records every request. */
function fakeKeyService(kind: "okms" | "transit") {
    const key = crypto.randomBytes(32);
    const seen: Seen[] = [];
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
        let raw = "";
        req.on("data", c => { raw += c; });
        req.on("end", () => {
            const body = JSON.parse(raw || "{}");
            const peer = (req.socket as any).getPeerCertificate?.();
            seen.push({ method: req.method, url: req.url, headers: req.headers, body, clientCertificate: peer?.subject?.CN });
            const reply = (status: number, value: unknown) => { res.writeHead(status, { "content-type": "application/json" }); res.end(JSON.stringify(value)); };
            const aad = Buffer.from(String(body.context ?? ""));
            if (/\/auth\/.*\/login$/.test(req.url!)) {
                return body.jwt === "projected-sa-token" ? reply(200, { auth: { client_token: "s.from-login" } }) : reply(403, { errors: ["permission denied"] });
            }
            if (/\/encrypt(\/|$)/.test(req.url!)) {
                const iv = crypto.randomBytes(12);
                const c = crypto.createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
                const ct = Buffer.concat([iv, c.update(Buffer.from(body.plaintext, "base64")), c.final()]);
                const sealed = Buffer.concat([ct, (c as any).getAuthTag()]).toString("base64");
                return kind === "okms" ? reply(200, { ciphertext: `jwe.${sealed}` }) : reply(200, { data: { ciphertext: `vault:v1:${sealed}`, key_version: 1 } });
            }
            if (/\/decrypt(\/|$)/.test(req.url!)) {
                try {
                    const sealed = Buffer.from(String(body.ciphertext).replace(/^(jwe\.|vault:v1:)/, ""), "base64");
                    const d = crypto.createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12)).setAAD(aad);
                    d.setAuthTag(sealed.subarray(sealed.length - 16));
                    const plain = Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]).toString("base64");
                    return kind === "okms" ? reply(200, { plaintext: plain }) : reply(200, { data: { plaintext: plain } });
                } catch {
                    return reply(400, { errors: ["cipher: message authentication failed"] });
                }
            }
            reply(404, { errors: ["no handler"] });
        });
    };
    return { seen, handler };
}

function listen(server: http.Server | https.Server): Promise<number> {
    return new Promise(resolve => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describe("OpenBao transit KEK", () => {
    const fake = fakeKeyService("transit");
    const server = http.createServer(fake.handler);
    let address: string;
    beforeAll(async () => { address = `http://127.0.0.1:${await listen(server)}`; });
    afterAll(() => new Promise<void>(r => server.close(() => r())));

    test("wraps and unwraps through /v1/<mount>/encrypt|decrypt/<key> with the token header", async () => {
        const kek = new OpenBaoTransitKey({ address, mount: "warehouse-transit", keyName: "project-oncoprev", token: "s.test-token", namespace: "hdw" });
        const dataKey = crypto.randomBytes(32);
        const wrapped = await kek.wrap(dataKey);
        expect(wrapped).toMatch(/^vault:v1:/);
        expect((await kek.unwrap(wrapped)).equals(dataKey)).toBe(true);
        expect(fake.seen.map(s => `${s.method} ${s.url}`)).toEqual([
            "POST /v1/warehouse-transit/encrypt/project-oncoprev", "POST /v1/warehouse-transit/decrypt/project-oncoprev",
        ]);
        expect(fake.seen[0].headers).toMatchObject({ "x-vault-token": "s.test-token", "x-vault-namespace": "hdw" });
        expect(fake.seen[0].body).toEqual({ plaintext: dataKey.toString("base64") });
        expect(kek.keyId).toBe("project-oncoprev");
    });

    test("logs in with the pod's service-account token when it has no token (Kubernetes auth)", async () => {
        const before = fake.seen.length;
        const kek = new OpenBaoTransitKey({ address, keyName: "project-b", kubernetesLogin: { path: "kubernetes", role: "rp-b", jwt: () => "projected-sa-token" } });
        const dataKey = crypto.randomBytes(32);
        expect((await kek.unwrap(await kek.wrap(dataKey))).equals(dataKey)).toBe(true);
        const calls = fake.seen.slice(before);
        expect(calls.map(c => c.url)).toEqual(["/v1/auth/kubernetes/login", "/v1/transit/encrypt/project-b", "/v1/transit/decrypt/project-b"]);
        expect(calls[0].body).toEqual({ role: "rp-b", jwt: "projected-sa-token" });
        expect(calls[1].headers["x-vault-token"]).toBe("s.from-login");
        const refused = new OpenBaoTransitKey({ address, keyName: "k", kubernetesLogin: { path: "kubernetes", role: "r", jwt: () => "someone-else" } });
        await expect(refused.wrap(dataKey)).rejects.toThrow(/HTTP 403/);
    });

    test("a refused or altered ciphertext is an error, not a wrong key", async () => {
        const kek = new OpenBaoTransitKey({ address, keyName: "k", token: "t" });
        await expect(kek.unwrap("vault:v1:AAAA")).rejects.toThrow(/HTTP 400/);
    });
});

describe("OVHcloud KMS KEK (mutual TLS)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-okms-test-"));
    const pem = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");
    const fake = fakeKeyService("okms");
    let server: https.Server;
    let endpoint: string;

    beforeAll(async () => {
        // A private CA, the service's certificate and a client certificate, as an OKMS domain and its credential.
        const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
        ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=test-ca");
        for (const [name, cn] of [["server", "127.0.0.1"], ["client", "okms-credential-oncoprev"]]) {
            ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`);
            fs.writeFileSync(path.join(dir, `${name}.ext`), name === "server" ? "subjectAltName=IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n");
            ssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", "1", "-extfile", `${name}.ext`);
        }
        // A certificate no OKMS domain issued.
        ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "stranger.key", "-out", "stranger.pem", "-days", "1", "-subj", "/CN=stranger");
        server = https.createServer({ key: pem("server.key"), cert: pem("server.pem"), ca: pem("ca.pem"), requestCert: true, rejectUnauthorized: true }, fake.handler);
        endpoint = `https://127.0.0.1:${await listen(server)}/api/okms-test-id`;
    }, 30_000);
    afterAll(async () => {
        await new Promise<void>(r => server.close(() => r()));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    test("wraps with the project's context through /v1/servicekey/<id>/encrypt, presenting the client certificate", async () => {
        const kek = new OvhKmsKey({ endpoint, keyId: "7f1c-key", context: "oncoprev", tls: { certificate: pem("client.pem"), privateKey: pem("client.key"), ca: pem("ca.pem") } });
        const dataKey = crypto.randomBytes(32);
        const wrapped = await kek.wrap(dataKey);
        expect((await kek.unwrap(wrapped)).equals(dataKey)).toBe(true);
        expect(fake.seen.map(s => `${s.method} ${s.url}`)).toEqual([
            "POST /api/okms-test-id/v1/servicekey/7f1c-key/encrypt", "POST /api/okms-test-id/v1/servicekey/7f1c-key/decrypt",
        ]);
        expect(fake.seen[0].clientCertificate).toBe("okms-credential-oncoprev");
        expect(fake.seen[0].body).toEqual({ plaintext: dataKey.toString("base64"), context: "oncoprev" });
    });

    test("a key wrapped under one project's context does not unwrap under another's", async () => {
        const tls = { certificate: pem("client.pem"), privateKey: pem("client.key"), ca: pem("ca.pem") };
        const wrapped = await new OvhKmsKey({ endpoint, keyId: "k", context: "oncoprev", tls }).wrap(crypto.randomBytes(32));
        await expect(new OvhKmsKey({ endpoint, keyId: "k", context: "covidlong", tls }).unwrap(wrapped)).rejects.toThrow(/HTTP 400/);
    });

    test("without its credential's certificate the KEK refuses to start, and a foreign certificate is refused", async () => {
        expect(() => new OvhKmsKey({ endpoint, keyId: "k", context: "c", tls: {} })).toThrow(/certificate and private key/);
        const stranger = new OvhKmsKey({ endpoint, keyId: "k", context: "c", tls: { certificate: pem("stranger.pem"), privateKey: pem("stranger.key"), ca: pem("ca.pem") } });
        const before = fake.seen.length;
        await expect(stranger.wrap(crypto.randomBytes(32))).rejects.toThrow();
        expect(fake.seen.length).toBe(before);
    });
});

describe("choosing the key service from a scope's settings", () => {
    test("recognises each service by its settings, and names what is missing otherwise", () => {
        expect(keyServiceOf({ KMS_ENDPOINT: "https://x", KMS_CLIENT_CERTIFICATE: "c", KMS_CLIENT_KEY: "k" }, "s")).toBe("ovh-kms");
        expect(keyServiceOf({ VAULT_ADDR: "https://bao", VAULT_TOKEN: "t" }, "s")).toBe("openbao-transit");
        expect(keyServiceOf({ BAO_ADDR: "https://bao", BAO_AUTH_PATH: "kubernetes", BAO_AUTH_ROLE: "rp-a" }, "s")).toBe("openbao-transit");
        expect(keyServiceOf({ PKCS11_MODULE: "/m.so", PKCS11_TOKEN_LABEL: "l", PKCS11_PIN: "p" }, "s")).toBe("pkcs11");
        expect(() => keyServiceOf({ KMS_ENDPOINT: "https://x" }, "/access/oncoprev")).toThrow(/\/access\/oncoprev: no key service settings found.*KMS_CLIENT_CERTIFICATE/);
        const services = new KeyServices();
        expect(services.kek({ VAULT_ADDR: "https://bao", VAULT_TOKEN: "t" }, "project-a", "a", "s").wrapping).toBe("openbao-transit");
        services.close();
    });
});
