// The resource types of the installed provider SDKs (azure-native, OVHcloud, Kubernetes) and, for each, the fields
// the rules read: where it is (location, other regions, geo-redundant copies), how it is exposed, its TLS settings,
// its encryption and customer keys, and how clients authenticate. Generated from the SDKs' own declarations by
// `npm run catalog` (policies/catalog/generate/) into resource-types.generated.json; nothing here is written by hand.
//
// API for rules: `typeInfo(type)` (versioned API types resolve to their unversioned entry), `fieldsOf(info, category)`,
// and `readField(props, path)`, which expands `[]` (every item of a list) and `{}` (every value of a map).

import * as fs from "fs";
import * as path from "path";
import { ServiceClass, isDataClass } from "./data-classes";

/**
 * What a field tells the rules:
 * - location: the resource's own region (`location`; OVHcloud's top-level `region` or `regionName`);
 * - region: another region the resource's data goes to or is served from (replicas, partners, failover, backup);
 * - geo: a switch or SKU that copies data to the paired region (GRS SKUs, geo-redundant backup);
 * - replica: a reference (an ARM id) to another resource that holds a copy (a failover partner server);
 * - exposure: public network access, firewall and IP rules, default network actions, public IPs, private endpoints;
 * - tls: minimum TLS version, HTTPS only, FTPS;
 * - encryption: encryption at rest and customer-managed keys;
 * - auth: local or shared-key authentication, admin passwords, Entra-only switches;
 * - pod: where a Kubernetes workload's pod spec sits.
 */
export type FieldCategory = "location" | "region" | "geo" | "replica" | "exposure" | "tls" | "encryption" | "auth" | "pod";
export const FIELD_CATEGORIES: readonly FieldCategory[] = ["location", "region", "geo", "replica", "exposure", "tls", "encryption", "auth", "pod"];

export interface FieldInfo {
    /** Dotted path in the resource's inputs; `[]` is every item of a list, `{}` every value of a map. */
    readonly path: string;
    readonly category: FieldCategory;
    /** "string" unless said otherwise. */
    readonly kind: "string" | "boolean" | "number" | "object" | "any";
    /** The values the SDK's enum offers (the field may accept others where the SDK allows any string). */
    readonly values?: readonly string[];
    /** The default the provider's documentation states, as written there. */
    readonly documentedDefault?: string;
    /** Whether every step of the path is required by the SDK. */
    readonly required: boolean;
}

export interface TypeInfo {
    /** The unversioned type token. */
    readonly token: string;
    readonly provider: string;
    readonly module: string;
    readonly name: string;
    readonly service: ServiceClass;
    /** Whether resources of this type hold data (a storage account, a database, a queue, a registry...). */
    readonly holdsData: boolean;
    readonly fields: readonly FieldInfo[];
}

/** The generated file, as written by the generator. Short keys: it is loaded by every check. */
export interface CatalogFile {
    readonly sdks: Readonly<Record<string, string>>;
    /** A digest of the generator's sources it was generated with. */
    readonly generator: string;
    readonly types: Readonly<Record<string, RawType>>;
    /** Tokens registered under another name than their entry's (renamed types of earlier API versions). */
    readonly aliases: Readonly<Record<string, string>>;
}
export interface RawType {
    /** Service class. */
    readonly s: ServiceClass;
    /** Present (1) when the type holds data. */
    readonly d?: 1;
    /** Fields by path. */
    readonly f?: Readonly<Record<string, RawField>>;
}
export interface RawField {
    readonly c: FieldCategory;
    readonly k?: FieldInfo["kind"];
    readonly v?: readonly string[];
    readonly d?: string;
    readonly r?: 1;
}

export const CATALOG_FILE = "resource-types.generated.json";

/** Values of a SKU or redundancy setting that copy data to another region (Standard_GRS, GeoRedundant, Geo). */
export const GEO_VALUES = /^(standard_|standardv2_)?(ra)?g(z)?rs$|georedundant|^geo$|^geozone$|geo_?redundant|^readaccessgeo/i;

/** The pack's root (the directory of PulumiPolicy.yaml), from sources or from their transpiled copy in bin/. */
function packRoot(): string {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
        const up = path.dirname(dir);
        if (up === dir) throw new Error(`policy pack root not found above ${__dirname}`);
        dir = up;
    }
    return dir;
}

export function catalogPath(): string {
    return path.join(packRoot(), "catalog", CATALOG_FILE);
}

let loaded: CatalogFile | undefined;
const infos = new Map<string, TypeInfo | null>();

/** The generated catalogue, read once (about 30 ms of CPU); a missing or damaged file stops the pack with one line. */
export function catalog(): CatalogFile {
    if (loaded) return loaded;
    const file = catalogPath();
    let parsed: Partial<CatalogFile>;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
        throw new Error(`the catalogue of resource types ${file} cannot be read (${why}): regenerate it with npm run catalog`);
    }
    if (typeof parsed !== "object" || parsed === null || typeof parsed.types !== "object" || typeof parsed.sdks !== "object" ||
        typeof parsed.aliases !== "object") {
        throw new Error(`the catalogue of resource types ${file} is not one the generator writes: regenerate it with npm run catalog`);
    }
    return loaded = parsed as CatalogFile;
}

const API_VERSION = "v\\d{8}(?:preview|privatepreview|beta)?";
/**
 * A type registered at an explicit Azure API version: `azure-native:<module>/v<date>:<Type>` (azure-native 1.x and
 * 2.x SDKs), or `azure-native_<module>_v<date>:<module>/v<date>:<Type>` (a v3 local package made by
 * `pulumi package add azure-native <module> <version>`, whose package name carries the version).
 */
const VERSIONED = new RegExp(`^azure-native(?:_[A-Za-z0-9]+_${API_VERSION})?:([A-Za-z0-9]+)(?:/${API_VERSION})?:([A-Za-z0-9]+)$`);

/** `azure-native:storage/v20230101:StorageAccount` -> `azure-native:storage:StorageAccount`; others unchanged. */
export function unversionedType(type: string): string {
    const m = VERSIONED.exec(type);
    return m ? `azure-native:${m[1]}:${m[2]}` : type;
}

/** Whether a type token is one of the azure-native provider's, whatever API version or local package registers it. */
export function isAzureNativeType(type: string): boolean {
    return type.startsWith("azure-native:") || (type.startsWith("azure-native_") && VERSIONED.test(type));
}

const canonical = new Map<string, string>();

/**
 * The token rules know a type by: its catalogue entry's (the current, unversioned name), or the type itself when
 * the catalogue has no entry for it. Only azure-native types have other spellings.
 */
export function canonicalType(type: string): string {
    if (!isAzureNativeType(type)) return type;
    let token = canonical.get(type);
    if (token === undefined) {
        token = typeInfo(type)?.token ?? unversionedType(type);
        canonical.set(type, token);
    }
    return token;
}

/** The catalogue entry of a type token, or undefined when the installed SDKs do not declare it. */
export function typeInfo(type: string): TypeInfo | undefined {
    const cached = infos.get(type);
    if (cached !== undefined) return cached ?? undefined;
    const file = catalog();
    const token = file.types[type] ? type : file.aliases[type] ?? unversionedType(type);
    const raw = file.types[token];
    const info = raw ? toInfo(token, raw) : undefined;
    infos.set(type, info ?? null);
    return info;
}

function toInfo(token: string, raw: RawType): TypeInfo {
    const [provider, rest = ""] = token.split(/:(.*)/s);
    const module = rest.slice(0, rest.lastIndexOf(":"));
    const name = rest.slice(rest.lastIndexOf(":") + 1);
    const fields = Object.entries(raw.f ?? {}).map(([p, f]): FieldInfo => ({
        path: p, category: f.c, kind: f.k ?? "string", values: f.v, documentedDefault: f.d, required: f.r === 1,
    }));
    return { token, provider, module, name, service: raw.s, holdsData: raw.d === 1 && isDataClass(raw.s), fields };
}

export function fieldsOf(info: TypeInfo | undefined, category: FieldCategory): readonly FieldInfo[] {
    return info ? info.fields.filter(f => f.category === category) : [];
}

/** One value found at a field path, with the concrete path it was found at (`locations[1].locationName`). */
export interface FieldValue {
    readonly path: string;
    readonly value: unknown;
}

/**
 * The values at a catalogue path. Lists (`[]`) and maps (`{}`) are expanded; a step that is absent yields nothing.
 * Reading goes through the policy runtime's proxy, so an unknown value throws its unknown-value error, which the
 * caller (or the policy wrapper) turns into "cannot verify".
 */
export function readField(props: unknown, fieldPath: string): FieldValue[] {
    const steps = fieldPath.split(".");
    let current: FieldValue[] = [{ path: "", value: props }];
    for (const step of steps) {
        const key = step.replace(/(\[\]|\{\})+$/, "");
        const expansions = step.slice(key.length).match(/\[\]|\{\}/g) ?? [];
        const next: FieldValue[] = [];
        for (const c of current) {
            if (typeof c.value !== "object" || c.value === null || Array.isArray(c.value)) continue;
            const v = (c.value as Record<string, unknown>)[key];
            if (v === undefined || v === null) continue;
            let found: FieldValue[] = [{ path: c.path ? `${c.path}.${key}` : key, value: v }];
            for (const e of expansions) {
                found = found.flatMap(f => e === "[]"
                    ? (Array.isArray(f.value) ? Array.from(f.value).map((item, i) => ({ path: `${f.path}[${i}]`, value: item })) : [])
                    : (typeof f.value === "object" && f.value !== null && !Array.isArray(f.value)
                        ? Object.keys(f.value).map(k => ({ path: `${f.path}.${k}`, value: (f.value as Record<string, unknown>)[k] }))
                        : []));
            }
            next.push(...found);
        }
        current = next;
    }
    return current;
}
