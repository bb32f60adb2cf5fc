// Randomised and malformed properties fed to every policy of the pack, behind the runtime's unknown-value proxy:
// no rule throws, and no resource in a region outside the jurisdiction (or unknown to the catalogue) ever passes.
// A seeded generator keeps failures reproducible: the seed is in the test name.

import { StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policies/pack";
import { REGIONS, countryAllowed } from "../../policies/catalog/regions";

const { unknownCheckingProxy } = require("@pulumi/policy/proxy");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function prng(seed: number) {
    let s = seed >>> 0;
    return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const TYPES = [
    "azure-native:storage:StorageAccount", "azure-native:keyvault:Vault", "azure-native:keyvault:Key",
    "azure-native:containerservice:ManagedCluster", "azure-native:dbforpostgresql:Server", "azure-native:network:PublicIPAddress",
    "azure-native:resources:ResourceGroup", "ovh:CloudProject/storage:Storage", "ovh:CloudProject/database:Database",
    "ovh:CloudProject/kube:Kube", "ovh:Okms/okms:Okms", "ovh:Okms/serviceKey:ServiceKey", "minio:index/s3Bucket:S3Bucket",
    "vault:transit/secretBackendKey:SecretBackendKey", "kubernetes:core/v1:Namespace", "kubernetes:core/v1:Service",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy", "random:index/randomId:RandomId",
];
const KEYS = ["location", "region", "regionName", "regions", "nodes", "sku", "encryption", "properties", "publicNetworkAccess",
    "plan", "type", "size", "metadata", "spec", "replication", "backupRegions", "ipRestrictions", "apiServerAccessProfile",
    "allowSharedKeyAccess", "minimumTlsVersion", "autoRotatePeriod", "exportable", "name", "bucket"];

function value(rand: () => number, depth: number): unknown {
    const pick = Math.floor(rand() * 11);
    switch (pick) {
        case 0: return null;
        case 1: return rand() < 0.5;
        case 2: return Math.floor(rand() * 5000) - 100;
        case 3: return UNKNOWN;
        case 4: return ["francecentral", "eastus", "GRA", "BHS", "eu-west-par", "global", "", "FR1", "Disabled", "premium"][Math.floor(rand() * 10)];
        case 5: return "x".repeat(Math.floor(rand() * 4));
        case 6: case 7: return depth > 3 ? {} : Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) },
            () => [KEYS[Math.floor(rand() * KEYS.length)], value(rand, depth + 1)]));
        case 8: return depth > 3 ? [] : Array.from({ length: Math.floor(rand() * 3) }, () => value(rand, depth + 1));
        case 9: return NaN;
        default: return undefined;
    }
}

function props(rand: () => number): Record<string, unknown> {
    return Object.fromEntries(Array.from({ length: Math.floor(rand() * 8) }, () => [KEYS[Math.floor(rand() * KEYS.length)], value(rand, 0)])
        .filter(([, v]) => v !== undefined));
}

function args(type: string, p: Record<string, unknown>, provider?: Record<string, unknown>) {
    const proxied = unknownCheckingProxy(JSON.parse(JSON.stringify(p)));
    return {
        type, props: proxied, urn: `urn:pulumi:s::p::${type}::r`, name: "r", opts: { protect: false, ignoreChanges: [], aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        provider: provider ? { type: "pulumi:providers:minio", urn: "urn:p", name: "p", props: unknownCheckingProxy(provider) } : undefined,
        stackTags: new Map(), getConfig: () => ({}), isType: () => false, asType: () => undefined,
        notApplicable: () => { throw new Error("not applicable"); },
    } as any;
}

type Report = { message: string; enforcementLevel?: string };
function run(type: string, p: Record<string, unknown>, provider?: Record<string, unknown>): Map<string, Report[]> {
    const out = new Map<string, Report[]>();
    for (const policy of policies) {
        const reports: Report[] = [];
        const report = ((d: any) => reports.push(typeof d === "string" ? { message: d } : d)) as any;
        if ("validateResource" in policy && policy.validateResource) {
            const fns = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const fn of fns) fn(args(type, p, provider), report);
        } else {
            const a = args(type, p, provider);
            (policy as StackValidationPolicy).validateStack({ resources: [{ ...a, dependencies: [], propertyDependencies: {} }],
                getConfig: () => ({}), stackTags: new Map(), notApplicable: a.notApplicable } as any, report);
        }
        out.set(policy.name, reports);
    }
    return out;
}

const SEED = 20261124;

test(`no rule throws on 1500 random or malformed resources (seed ${SEED})`, () => {
    const rand = prng(SEED);
    for (let i = 0; i < 1500; i++) {
        const type = TYPES[Math.floor(rand() * TYPES.length)];
        const p = props(rand);
        const provider = rand() < 0.5 ? { minioServer: value(rand, 2), address: value(rand, 2) } : undefined;
        expect(() => run(type, p, provider)).not.toThrow();
    }
});

test(`no resource in a region outside France or unknown to the catalogue passes allowed-regions (seed ${SEED})`, () => {
    const rand = prng(SEED + 1);
    const outside = [...REGIONS.filter(r => !countryAllowed(r.country, "FR")).map(r => r.name), "marsnorth", "GRA-NOT", "", "global "];
    const cases: Array<[string, string]> = [
        ["azure-native:storage:StorageAccount", "location"], ["azure-native:keyvault:Vault", "location"],
        ["ovh:CloudProject/storage:Storage", "regionName"], ["ovh:CloudProject/kube:Kube", "region"], ["ovh:Okms/okms:Okms", "region"],
    ];
    for (let i = 0; i < 600; i++) {
        const [type, key] = cases[Math.floor(rand() * cases.length)];
        const region = outside[Math.floor(rand() * outside.length)];
        const p = { ...props(rand), [key]: rand() < 0.5 ? region : region.toUpperCase() };
        const reports = run(type, p).get("allowed-regions")!;
        const blocking = reports.filter(r => r.enforcementLevel !== "advisory");
        if (blocking.length === 0) throw new Error(`${type} in ${JSON.stringify(p[key])} passed allowed-regions: ${JSON.stringify(p)}`);
    }
});
