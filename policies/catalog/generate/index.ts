// Generates policies/catalog/resource-types.generated.json from the installed provider SDKs: every resource type they declare,
// the service it belongs to, whether it holds data, and the fields the rules read (see resource-types.ts).
//
//   npm run catalog            regenerate it, and the coverage table of docs/policy-pack.md (after an SDK upgrade)
//   npm run catalog -- --check exit 1 when either is not what the installed SDKs generate
//
// Run it whenever an SDK version changes: tests/policies/catalog.test.ts fails while the file was generated from
// other versions than package-lock.json installs.

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";
import { AZURE_MODULES, ServiceClass, dataClassOfName, isConfigName, isDataClass } from "../data-classes";
import { CATALOG_FILE, CatalogFile, FieldCategory, RawField, RawType, unversionedType } from "../resource-types";
import { Member, SdkPackage, Shape } from "./dts";
import { categorise, containerCategory, documentedDefault, enumValues } from "./fields";
import { coverageTable, withCoverage } from "./coverage";

/** The SDKs the catalogue covers, by package name. */
export const SDK_PACKAGES = ["@pulumi/azure-native", "@ovhcloud/pulumi-ovh", "@pulumi/kubernetes"] as const;

/** How deep into nested inputs fields are looked for (`properties.networkAcls.ipRules[].value` is 4). */
const MAX_DEPTH = 6;

interface Collected { path: string; field: RawField }

/** The fields of a type that the rules read, walking its inputs. */
function collectFields(members: readonly Member[], typeName: string, podSpecName: string | undefined,
                       resourceArgs: ReadonlySet<string>): Collected[] {
    const out: Collected[] = [];
    const walk = (ms: readonly Member[], prefix: string[], display: string, required: boolean,
                  inherited: { category: FieldCategory; depth: number } | undefined, seen: readonly string[]) => {
        for (const m of ms) {
            let shape: Shape = m.shape;
            let suffix = "";
            while (shape.kind === "array" || shape.kind === "map") {
                suffix += shape.kind === "array" ? "[]" : "{}";
                shape = shape.item;
            }
            const fieldPath = `${display}${display ? "." : ""}${m.name}${suffix}`;
            const req = required && m.required;
            if (shape.kind === "object") {
                if (podSpecName && shape.name === podSpecName) {
                    out.push({ path: fieldPath, field: { c: "pod", k: "object", ...(req ? { r: 1 } : {}) } });
                    continue;
                }
                if (podSpecName && (m.name === "metadata" || m.name === "status")) continue;
                const own = containerCategory(m.name);
                const named = own ? undefined : categorise(m.name, shape, { path: prefix, typeName });
                // A nested object that is a resource of its own (a subnet inside a network interface, a public IP
                // inside a load balancer: same name as a resource's arguments, and an `id` to refer to one) is judged
                // as that resource; here only its presence can matter.
                const members = shape.members();
                const otherResource = resourceArgs.has(shape.name) && members.some(x => x.name === "id");
                if (named || otherResource) {
                    if (named) out.push({ path: fieldPath, field: { c: named, k: "object", ...(req ? { r: 1 } : {}) } });
                    continue;
                }
                if (prefix.length + 1 >= MAX_DEPTH || (shape.name && seen.includes(shape.name))) continue;
                const passed = own ? { category: own, depth: 1 } : inherited ? { ...inherited, depth: inherited.depth + 1 } : undefined;
                walk(members, [...prefix, m.name], fieldPath, req, passed, shape.name ? [...seen, shape.name] : seen);
                continue;
            }
            const category = categorise(m.name, m.shape, { path: prefix, inherited, typeName });
            if (!category) continue;
            const field: { -readonly [K in keyof RawField]: RawField[K] } = { c: category };
            if (shape.kind === "boolean" || shape.kind === "number" || shape.kind === "any") field.k = shape.kind;
            const values = enumValues(m.shape);
            if (values && values.length > 0 && values.length <= 40) field.v = values;
            const documented = documentedDefault(m.doc, shape);
            if (documented) field.d = documented;
            if (req) field.r = 1;
            out.push({ path: fieldPath, field });
        }
    };
    walk(members, [], "", true, undefined, []);
    return out;
}

/** The service class and data-holding of a type, from its module and its name (data-classes.ts). */
function classify(provider: string, module: string, name: string, located: boolean): { service: ServiceClass; data: boolean } {
    if (provider === "azure-native") {
        const service = AZURE_MODULES[module] ?? "management";
        const named = dataClassOfName(name);
        // In a data service, a named data store (Database, Container, Queue...) or any tracked resource (it has a
        // location: a server, an account, a workspace) holds data; its rules, users and settings do not.
        if (isDataClass(service)) return { service, data: named !== undefined || (located && !isConfigName(name)) };
        // Processing services: a disk, a snapshot or an image stores data too.
        if (service === "compute" && named === "storage") return { service: "storage", data: true };
        return { service, data: false };
    }
    if (provider === "ovh") {
        const named = dataClassOfName(name);
        // Kafka, Valkey, OpenSearch... are engines of Public Cloud Databases; instance and volume backups are stored
        // in OVHcloud's storage.
        if (module.startsWith("CloudProjectDatabase")) return { service: "database", data: named !== undefined };
        if (named) return { service: named === "backup" ? "storage" : named, data: true };
        if (/^(Kube|KubeNodePool|Rancher)$/.test(name)) return { service: "kubernetes", data: false };
        if (/^(Instance|CloudInstance|CloudInstanceGroup|Server|Vps)$/.test(name)) return { service: "compute", data: false };
        if (module.startsWith("Okms") || /KeyManager/.test(name)) return { service: "key-management", data: false };
        if (/^(Iam|Me)/.test(module)) return { service: "identity", data: false };
        return { service: /^(Vrack|Ip|IpLoadBalancing|Domain)/.test(module) || /Network|Gateway|LoadBalancer|FloatingIp|Failover/.test(name)
            ? "network" : "management", data: false };
    }
    // Kubernetes: objects are where their cluster is; volumes and secrets hold data inside it.
    const data = /^(PersistentVolume|PersistentVolumeClaim|Secret)$/.test(name);
    return { service: "kubernetes", data };
}

/** The sources whose change changes the catalogue: the generator and the vocabulary it applies. */
export const GENERATOR_SOURCES = ["generate/dts.ts", "generate/fields.ts", "generate/index.ts", "data-classes.ts", "resource-types.ts"];

/** A digest of the generator's sources, recorded in the catalogue: a test fails when they change without a rerun. */
export function generatorDigest(catalogDir = path.resolve(__dirname, "..")): string {
    const hash = crypto.createHash("sha256");
    for (const f of GENERATOR_SOURCES) hash.update(fs.readFileSync(path.join(catalogDir, f), "utf8").replace(/\r\n/g, "\n"));
    return hash.digest("hex").slice(0, 16);
}

export interface GenerateResult {
    readonly file: CatalogFile;
    readonly types: number;
    readonly fields: number;
}

export function generate(repoRoot: string): GenerateResult {
    const ts = require(require.resolve("typescript", { paths: [repoRoot] })) as typeof TS;
    const sdks: Record<string, string> = {};
    const types: Record<string, RawType> = {};
    const aliases: Record<string, string> = {};
    let fieldCount = 0;
    for (const pkgName of SDK_PACKAGES) {
        const pkg = SdkPackage.load(ts, pkgName, repoRoot);
        sdks[pkgName] = pkg.version;
        const podSpec = pkgName === "@pulumi/kubernetes" ? "core.v1.PodSpec" : undefined;
        const resources = pkg.resources();
        // The input types that are other resources' arguments (`network.SubnetArgs` for azure-native:network:Subnet).
        const resourceArgs = new Set(resources.map(r => {
            const [, rest = ""] = r.token.split(/:(.*)/s);
            return `${rest.slice(0, rest.lastIndexOf(":"))}.${rest.slice(rest.lastIndexOf(":") + 1)}Args`;
        }));
        for (const r of resources) {
            const [provider, rest] = r.token.split(/:(.*)/s);
            if (!rest) continue;
            const module = rest.slice(0, rest.lastIndexOf(":"));
            const name = rest.slice(rest.lastIndexOf(":") + 1);
            const fields = collectFields(r.members, name, podSpec, resourceArgs);
            const located = fields.some(f => f.field.c === "location");
            const { service, data } = classify(provider, module, name, located);
            const entry: { -readonly [K in keyof RawType]: RawType[K] } = { s: service };
            if (data) entry.d = 1;
            if (fields.length > 0) entry.f = Object.fromEntries(fields.map(f => [f.path, f.field]));
            types[r.token] = entry;
            fieldCount += fields.length;
            for (const alias of r.aliases) {
                if (alias === r.token || unversionedType(alias) === r.token) continue;
                aliases[alias] = r.token;
                // The same type without its API version (azure-native 2.x's default spelling, e.g.
                // azure-native:network:PrivateZone for what is now privatedns:PrivateZone).
                aliases[unversionedType(alias)] ??= r.token;
            }
        }
    }
    const sortedTypes = Object.fromEntries(Object.keys(types).sort().map(k => [k, types[k]]));
    // An alias that is itself a current type keeps its own entry.
    const sortedAliases = Object.fromEntries(Object.keys(aliases).filter(a => !types[a] && !types[unversionedType(a)]).sort()
        .map(k => [k, aliases[k]]));
    return { file: { sdks, generator: generatorDigest(), types: sortedTypes, aliases: sortedAliases },
        types: Object.keys(types).length, fields: fieldCount };
}

export function serialise(file: CatalogFile): string {
    // One type per line: small diffs when an SDK changes, and the file stays readable.
    const lines = Object.entries(file.types).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    const aliases = Object.entries(file.aliases).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    return "{\n" +
        `  "$comment": "Generated by policies/catalog/generate from the installed provider SDKs; do not edit. Regenerate with npm run catalog.",\n` +
        `  "sdks": ${JSON.stringify(file.sdks)},\n` +
        `  "generator": ${JSON.stringify(file.generator)},\n` +
        `  "types": {\n${lines.join(",\n")}\n  },\n` +
        `  "aliases": {\n${aliases.join(",\n")}\n  }\n}\n`;
}

function main(): void {
    const repoRoot = path.resolve(__dirname, "../../..");
    const target = path.resolve(__dirname, "..", CATALOG_FILE);
    const docs = path.join(repoRoot, "docs", "policy-pack.md");
    const started = process.cpuUsage();
    const result = generate(repoRoot);
    const text = serialise(result.file);
    const doc = withCoverage(fs.readFileSync(docs, "utf8"), coverageTable(result.file));
    const cpu = process.cpuUsage(started);
    const summary = `${result.types} types, ${result.fields} fields, ${(text.length / 1024).toFixed(0)} KiB, ` +
        `${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s (${Object.entries(result.file.sdks).map(([k, v]) => `${k} ${v}`).join(", ")})`;
    const rel = (f: string) => path.relative(process.cwd(), f);
    if (process.argv.includes("--check")) {
        const stale = [[target, text], [docs, doc]].filter(([f, t]) => !fs.existsSync(f) || fs.readFileSync(f, "utf8") !== t);
        if (stale.length > 0) {
            console.error(`${stale.map(([f]) => rel(f)).join(" and ")} not what the installed SDKs generate: run npm run catalog`);
            process.exit(1);
        }
        console.log(`catalogue up to date: ${summary}`);
        return;
    }
    fs.writeFileSync(target, text);
    fs.writeFileSync(docs, doc);
    console.log(`wrote ${rel(target)} and the coverage table of ${rel(docs)}: ${summary}`);
}

if (require.main === module) main();
