// Every rule, on every provider, through a real pack process: a compliant resource passes, one changed property
// fails the rule that guards it.

import { PolicyPack } from "../../engine/policy/analyzer";
import { AZ, CT, OVH } from "./fixtures";
import { UNKNOWN, everyPolicy, failures, of, provider, resource, startPack, statuses } from "./support";

let pack: PolicyPack;
beforeAll(async () => { pack = await startPack(); });
afterAll(async () => { await pack?.stop(); });

const ACCOUNT = "azure-native:storage:StorageAccount";
const VAULT = "azure-native:keyvault:Vault";
const KEY = "azure-native:keyvault:Key";
const BUCKET = "ovh:CloudProject/storage:Storage";
const SERVICE_KEY = "ovh:Okms/serviceKey:ServiceKey";
const DB = "ovh:CloudProject/database:Database";
const S3 = "minio:index/s3Bucket:S3Bucket";
const TRANSIT = "vault:transit/secretBackendKey:SecretBackendKey";
const minio = provider("minio", "cloudtemple-s3", CT.minioProvider);
const bao = provider("vault", "openbao", CT.vaultProvider);

const analyze = (type: string, props: Record<string, unknown>, extra = {}) => pack.analyze(resource(type, "r", props, extra));

describe("residency", () => {
    test("Azure: francecentral passes; a non-EU region, an unknown region and `global` fail", async () => {
        expect(failures(await analyze(ACCOUNT, AZ.account), "allowed-regions")).toEqual([]);
        for (const location of ["eastus", "marsnorth", "global"]) {
            expect(failures(await analyze(ACCOUNT, { ...AZ.account, location }), "allowed-regions")).toHaveLength(1);
        }
        expect(failures(await analyze("azure-native:privatedns:PrivateZone", { location: "global" }), "allowed-regions")).toEqual([]);
    });
    test("the EU jurisdiction admits westeurope, France does not", async () => {
        expect(failures(await analyze(ACCOUNT, { ...AZ.account, location: "westeurope" }), "allowed-regions")).toHaveLength(1);
        await pack.configure({ "allowed-regions": { jurisdiction: "EU" } });
        try {
            expect(failures(await analyze(ACCOUNT, { ...AZ.account, location: "westeurope" }), "allowed-regions")).toEqual([]);
        } finally { await pack.configure({}); }
    });
    test("OVH: EU-WEST-PAR passes; BHS (Canada) fails, and so does a replica or a backup in it", async () => {
        expect(failures(await analyze(BUCKET, OVH.bucket), "allowed-regions")).toEqual([]);
        expect(failures(await analyze(BUCKET, { ...OVH.bucket, regionName: "BHS" }), "allowed-regions")).toHaveLength(1);
        const replicated = { ...OVH.bucket, replication: { rules: [{ destination: { name: "copy", region: "BHS" } }] } };
        expect(failures(await analyze(BUCKET, replicated), "replicas-in-jurisdiction")).toHaveLength(1);
        expect(failures(await analyze(DB, { ...OVH.database, backupRegions: ["GRA", "BHS"] }), "replicas-in-jurisdiction")).toHaveLength(1);
        expect(failures(await analyze(DB, { ...OVH.database, backupRegions: ["GRA", "SBG"] }), "replicas-in-jurisdiction")).toEqual([]);
    });
    test("Cloud Temple: CloudNativePG backups must go to an object store in the jurisdiction", async () => {
        const store = (endpointURL: string) => ({ metadata: { name: "catalog-backups" },
            spec: { configuration: { destinationPath: "s3://hdh-backups/", endpointURL } } });
        const type = "kubernetes:barmancloud.cnpg.io/v1:ObjectStore";
        expect(failures(await analyze(type, store("https://hdh.s3.fr1.cloud-temple.com")), "replicas-in-jurisdiction")).toEqual([]);
        expect(failures(await analyze(type, store("https://s3.bhs.io.cloud.ovh.net")), "replicas-in-jurisdiction")).toHaveLength(1);
        expect(failures(await analyze(type, store("https://backups.example.com")), "replicas-in-jurisdiction")[0]).toMatch(/cannot be established/);
    });
    test("Azure geo-redundancy stays in France (francecentral pairs with francesouth) but not in the EU pair of westeurope", async () => {
        expect(failures(await analyze(ACCOUNT, { ...AZ.account, sku: { name: "Standard_RAGRS" } }), "replicas-in-jurisdiction")).toEqual([]);
        expect(failures(await analyze(ACCOUNT, { ...AZ.account, allowCrossTenantReplication: true }), "replicas-in-jurisdiction")).toHaveLength(1);
    });
    test("Cloud Temple: a bucket is placed by its S3 endpoint; an endpoint the catalogue does not know fails closed", async () => {
        expect(failures(await analyze(S3, CT.bucket, { provider: minio }), "allowed-regions")).toEqual([]);
        const elsewhere = provider("minio", "other", { minioServer: "s3.example.com" });
        expect(failures(await analyze(S3, CT.bucket, { provider: elsewhere }), "allowed-regions")[0]).toMatch(/not in the endpoint catalogue/);
        const ovhBhs = provider("minio", "ovh", { minioServer: "https://s3.bhs.io.cloud.ovh.net" });
        expect(failures(await analyze(S3, CT.bucket, { provider: ovhBhs }), "allowed-regions")).toHaveLength(1);
    });
});

describe("provider jurisdiction and certification", () => {
    test("Azure fails jurisdiction; OVHcloud and Cloud Temple pass", async () => {
        expect(failures(await analyze(ACCOUNT, AZ.account), "provider-jurisdiction")[0]).toMatch(/CLOUD Act/);
        expect(failures(await analyze(BUCKET, OVH.bucket), "provider-jurisdiction")).toEqual([]);
        expect(failures(await analyze(S3, CT.bucket, { provider: minio }), "provider-jurisdiction")).toEqual([]);
    });
    test("OVH managed PostgreSQL on the essential plan is outside HDS", async () => {
        expect(failures(await analyze(DB, OVH.database), "certified-services")).toEqual([]);
        expect(failures(await analyze(DB, { ...OVH.database, plan: "essential" }), "certified-services")[0]).toMatch(/outside the HDS certificate/);
    });
    test("with SecNumCloud required, OVHcloud Public Cloud and Azure fail, Cloud Temple object storage passes", async () => {
        await pack.configure({ "certified-services": { secNumCloudRequired: true } });
        try {
            expect(failures(await analyze(BUCKET, OVH.bucket), "certified-services")[0]).toMatch(/SecNumCloud is required/);
            expect(failures(await analyze(ACCOUNT, AZ.account), "certified-services")).toHaveLength(1);
            expect(failures(await analyze(S3, CT.bucket, { provider: minio }), "certified-services")).toEqual([]);
        } finally { await pack.configure({}); }
    });
});

describe("key sovereignty", () => {
    test("Azure storage without a customer-managed key fails; OVH and Cloud Temple buckets pass with a platform-gap note", async () => {
        expect(failures(await analyze(ACCOUNT, AZ.account), "customer-managed-encryption")).toEqual([]);
        expect(failures(await analyze(ACCOUNT, { ...AZ.account, encryption: { keySource: "Microsoft.Storage" } }), "customer-managed-encryption")).toHaveLength(1);
        expect(statuses(await analyze(BUCKET, OVH.bucket), "customer-managed-encryption")).toEqual(["advisory:platform-gap"]);
        expect(failures(await analyze(BUCKET, { ...OVH.bucket, encryption: {} }), "customer-managed-encryption")).toHaveLength(1);
        expect(statuses(await analyze(S3, CT.bucket, { provider: minio }), "customer-managed-encryption")).toEqual(["advisory:platform-gap"]);
    });
    test("key strength: RSA-HSM 3072 passes; software keys, RSA 2048 and exportable keys fail on every provider", async () => {
        expect(failures(await analyze(KEY, AZ.key), "key-strength")).toEqual([]);
        expect(failures(await analyze(KEY, { properties: { ...AZ.key.properties, kty: "RSA" } }), "key-strength")).toHaveLength(1);
        expect(failures(await analyze(KEY, { properties: { ...AZ.key.properties, keySize: 2048 } }), "key-strength")).toHaveLength(1);
        expect(failures(await analyze(VAULT, { ...AZ.vault, properties: { ...AZ.vault.properties, sku: { family: "A", name: "standard" } } }), "key-strength")).toHaveLength(1);
        expect(failures(await analyze(SERVICE_KEY, OVH.key), "key-strength")).toEqual([]);
        expect(failures(await analyze(SERVICE_KEY, { ...OVH.key, type: "RSA", size: 2048 }), "key-strength")).toHaveLength(1);
        expect(failures(await analyze(TRANSIT, CT.transitKey, { provider: bao }), "key-strength")).toEqual([]);
        expect(failures(await analyze(TRANSIT, { ...CT.transitKey, type: "aes128-gcm96", exportable: true }, { provider: bao }), "key-strength")).toHaveLength(2);
    });
    test("rotation within the configured period", async () => {
        expect(failures(await analyze(KEY, AZ.key), "key-rotation")).toEqual([]);
        expect(failures(await analyze(KEY, { properties: { ...AZ.key.properties, rotationPolicy: undefined } }), "key-rotation")).toHaveLength(1);
        expect(failures(await analyze(TRANSIT, { ...CT.transitKey, autoRotatePeriod: 0 }, { provider: bao }), "key-rotation")).toHaveLength(1);
        await pack.configure({ "key-rotation": { maxRotationDays: 30 } });
        try {
            expect(failures(await analyze(KEY, AZ.key), "key-rotation")).toHaveLength(1);
            expect(failures(await analyze(TRANSIT, CT.transitKey, { provider: bao }), "key-rotation")).toHaveLength(1);
        } finally { await pack.configure({}); }
        expect(statuses(await analyze(SERVICE_KEY, OVH.key), "key-rotation")).toEqual(["advisory:platform-gap"]);
    });
    test("purge protection and soft delete on vaults; transit keys not deletable", async () => {
        expect(failures(await analyze(VAULT, AZ.vault), "key-recovery-protection")).toEqual([]);
        expect(failures(await analyze(VAULT, { ...AZ.vault, properties: { ...AZ.vault.properties, enablePurgeProtection: false } }), "key-recovery-protection")).toHaveLength(1);
        expect(failures(await analyze(TRANSIT, { ...CT.transitKey, deletionAllowed: true }, { provider: bao }), "key-recovery-protection")).toHaveLength(1);
    });
    test("custody: Azure Key Vault fails; OVHcloud KMS and a customer-run OpenBao pass", async () => {
        expect(failures(await analyze(VAULT, AZ.vault), "key-custody")[0]).toMatch(/operated by Microsoft/);
        expect(failures(await analyze(KEY, AZ.key), "key-custody")).toHaveLength(1);
        expect(failures(await analyze(SERVICE_KEY, OVH.key), "key-custody")).toEqual([]);
        expect(failures(await analyze(TRANSIT, CT.transitKey, { provider: bao }), "key-custody")).toEqual([]);
    });
});

describe("network isolation", () => {
    test("public access, shared keys and old TLS on Azure storage each fail their rule", async () => {
        for (const policy of ["no-public-data-access", "no-shared-keys", "tls-minimum"]) {
            expect(failures(await analyze(ACCOUNT, AZ.account), policy)).toEqual([]);
        }
        expect(failures(await analyze(ACCOUNT, { ...AZ.account, publicNetworkAccess: "Enabled" }), "no-public-data-access")).toHaveLength(1);
        expect(failures(await analyze(ACCOUNT, { ...AZ.account, allowSharedKeyAccess: true }), "no-shared-keys")).toHaveLength(1);
        expect(failures(await analyze(ACCOUNT, { ...AZ.account, minimumTlsVersion: "TLS1_0" }), "tls-minimum")).toHaveLength(1);
        expect(failures(await analyze(VAULT, { ...AZ.vault, properties: { ...AZ.vault.properties, publicNetworkAccess: "Enabled" } }), "no-public-data-access")).toHaveLength(1);
    });
    test("OVH databases must be restricted to private networks; S3 over plain HTTP fails", async () => {
        expect(failures(await analyze(DB, OVH.database), "no-public-data-access")).toEqual([]);
        expect(failures(await analyze(DB, { ...OVH.database, ipRestrictions: [{ ip: "0.0.0.0/0" }] }), "no-public-data-access")).toHaveLength(1);
        const plain = provider("minio", "plain", { ...CT.minioProvider, minioSsl: false });
        expect(failures(await analyze(S3, CT.bucket, { provider: plain }), "tls-minimum")).toHaveLength(1);
    });
    test("public IPs and exposed Kubernetes services fail; an internal load balancer and a firewall's egress IP pass", async () => {
        const ip = resource("azure-native:network:PublicIPAddress", "ip", { location: "francecentral" });
        expect(failures(await pack.analyzeStack([ip]), "no-public-addresses")).toHaveLength(1);
        const firewall = resource("azure-native:network:AzureFirewall", "fw", { location: "francecentral" }, { dependencies: [ip.urn] });
        expect(failures(await pack.analyzeStack([ip, firewall]), "no-public-addresses")).toEqual([]);
        const dnat = resource("azure-native:network:FirewallPolicyRuleCollectionGroup", "rules",
            { ruleCollections: [{ ruleCollectionType: "FirewallPolicyNatRuleCollection", name: "in" }] });
        expect(failures(await pack.analyzeStack([ip, firewall, dnat]), "no-public-addresses")).toHaveLength(1);
        const svc = (type: string, annotations = {}) => resource("kubernetes:core/v1:Service", `svc-${type}`, { metadata: { name: "s", annotations }, spec: { type } });
        expect(failures(await pack.analyzeStack([svc("LoadBalancer")]), "no-public-addresses")).toHaveLength(1);
        expect(failures(await pack.analyzeStack([svc("NodePort")]), "no-public-addresses")).toHaveLength(1);
        expect(failures(await pack.analyzeStack([svc("LoadBalancer", { "service.beta.kubernetes.io/openstack-internal-load-balancer": "true" })]),
            "no-public-addresses")).toEqual([]);
    });
});

test("remediate: the pack changes nothing (it reports, it does not rewrite infrastructure)", async () => {
    expect(await pack.remediate(resource(ACCOUNT, "r", { ...AZ.account, publicNetworkAccess: "Enabled" }))).toEqual({ properties: undefined, diagnostics: [] });
});

describe("unknown values during preview", () => {
    test("an unknown region or encryption setting is reported as cannot verify (advisory by default)", async () => {
        const diags = await analyze(ACCOUNT, { ...AZ.account, location: UNKNOWN, encryption: { keySource: UNKNOWN } });
        expect(statuses(diags, "allowed-regions")).toEqual(["advisory:cannot-verify"]);
        expect(of(diags, "allowed-regions")[0].message).toMatch(/\.location is unknown/);
        expect(statuses(diags, "customer-managed-encryption")).toEqual(["advisory:cannot-verify"]);
    });
    test("unknownValues: fail reports it at the policy's level (fail closed)", async () => {
        await pack.configure(await everyPolicy(pack, { unknownValues: "fail" }));
        try {
            expect(statuses(await analyze(BUCKET, { ...OVH.bucket, regionName: UNKNOWN }), "allowed-regions")).toEqual(["mandatory:cannot-verify"]);
        } finally { await pack.configure({}); }
    });
    test("an unknown list of regions does not hide a known region outside the jurisdiction", async () => {
        const diags = await analyze("azure-native:cosmosdb:DatabaseAccount", { location: "westus", locations: UNKNOWN,
            databaseAccountOfferType: "Standard" });
        expect(failures(diags, "allowed-regions")).toHaveLength(1);
        expect(statuses(diags, "allowed-regions")).toContain("advisory:cannot-verify");
        const ovh = await analyze(DB, { ...OVH.database, nodes: UNKNOWN, backupRegions: ["BHS"] });
        expect(statuses(ovh, "allowed-regions")).toEqual(["advisory:cannot-verify"]);
        expect(failures(ovh, "replicas-in-jurisdiction")).toHaveLength(1);
    });
    test("an unknown value the rule does not need does not stop it", async () => {
        const diags = await analyze(ACCOUNT, { ...AZ.account, encryption: { ...AZ.account.encryption, keyVaultProperties: { keyName: "k", keyVaultUri: UNKNOWN } } });
        expect(of(diags, "customer-managed-encryption")).toEqual([]);
    });
});
