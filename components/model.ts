// The warehouse, described once: a typed specification validated at the edge. Nothing here names a cloud:
// targets (stacks/) turn a valid spec into resources, and refuse what they cannot deliver with the same error.

import { z } from "zod";
import { ConfigError, ConfigProblem } from "./errors";
import { key, validate } from "./validation";
import { parseCidr, overlaps } from "./cidr";
import { JURISDICTION_NAMES } from "../policies/catalog/regions";
import { SOURCE_ENCRYPTIONS } from "../migration/mover/plan";

export { CONFIG_NAMESPACE, key } from "./validation";

const LABEL_VALUE = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const PROJECT_ID = /^[a-z][a-z0-9]{1,11}$/;
const WAREHOUSE_NAME = /^[a-z][a-z0-9]{2,9}$/;

const labelValue = (what: string) =>
    z.string().regex(LABEL_VALUE, `${what}: lower-case letters, digits, '.', '_' or '-', 1 to 63 characters, ` +
        `starting and ending with a letter or digit (it becomes a label on every resource)`);

const cidr = z.string().refine(s => parseCidr(s) !== undefined,
    "an IPv4 CIDR block with its host bits zero, e.g. 10.40.0.0/16");

const days = (min: number, max: number) =>
    z.number().int(`a whole number of days from ${min} to ${max}`).min(min, `at least ${min} days`)
        .max(max, `at most ${max} days`);

/** Node pool sizes are neutral; each target maps them to its own VM sizes or flavours. */
export const NODE_SIZES = ["small", "medium", "large", "xlarge"] as const;
export type NodeSize = typeof NODE_SIZES[number];

const pool = (defaults: { size: NodeSize; nodes: number; minNodes: number; maxNodes: number }) =>
    z.strictObject({
        size: z.enum(NODE_SIZES).default(defaults.size),
        nodes: z.number().int().min(1, "at least 1 node").max(100, "at most 100 nodes").default(defaults.nodes),
        minNodes: z.number().int().min(1, "at least 1 node").max(100, "at most 100 nodes").default(defaults.minNodes),
        maxNodes: z.number().int().min(1, "at least 1 node").max(100, "at most 100 nodes").default(defaults.maxNodes),
    }).default(defaults);

const project = z.strictObject({
    id: z.string().regex(PROJECT_ID, "2 to 12 lower-case letters or digits, starting with a letter " +
        "(it names a bucket, a key and a namespace on every cloud)"),
    dataOwner: z.string().min(3, "the person or body accountable for the project's data, e.g. an e-mail address"),
    retentionDays: days(1, 3650),
    allowedGroups: z.array(z.string().min(1, "a non-empty group name or id"))
        .min(1, "at least one group allowed to work in the project"),
    quota: z.strictObject({
        cpu: z.number().int().min(1).max(512).default(16),
        memoryGi: z.number().int().min(1).max(4096).default(64),
        storageGi: z.number().int().min(1).max(65536).default(500),
    }).default({ cpu: 16, memoryGi: 64, storageGi: 500 }),
});

/** The data zones every cloud keeps, each with its own bucket or container. */
const zonesSchema = z.strictObject({
    raw: z.strictObject({ retentionDays: days(1, 3650).default(365) }).default({ retentionDays: 365 }),
    curated: z.strictObject({ noncurrentVersionDays: days(1, 3650).default(90) })
        .default({ noncurrentVersionDays: 90 }),
});

const computeSchema = z.strictObject({
    kubernetesVersion: z.string().regex(/^1\.(3[0-9])$/, "a Kubernetes minor version from 1.30, e.g. 1.32")
        .default("1.32"),
    systemPool: pool({ size: "small", nodes: 3, minNodes: 3, maxNodes: 5 }),
    analyticsPool: pool({ size: "large", nodes: 3, minNodes: 3, maxNodes: 12 }),
});

/** Whose access the zones' copy and keys use (the data mover's scope for them); a project id is another scope. */
export const PLATFORM_SCOPE = "platform";

/**
 * Ids a research project cannot take: the zones' names, the platform's scope and the pools' names. A project's
 * bucket, key, access and namespace are named `<block>-<id>` beside the zones' and the platform's, so such an id
 * would give two resources one name (a duplicate URN at `pulumi up`) or make the rehearsal attribute a zone's
 * resources to the project.
 */
export const RESERVED_PROJECT_IDS: readonly string[] = [
    ...Object.keys(zonesSchema.shape),
    PLATFORM_SCOPE,
    ...Object.keys(computeSchema.shape).filter(k => k.endsWith("Pool")).map(k => k.slice(0, -"Pool".length)),
];

const KEY_ALGORITHMS = ["RSA", "AES"] as const;
export const KEY_CUSTODIES = ["provider", "customer"] as const;
export const ENVIRONMENTS = ["prod", "preprod", "rehearsal", "dev"] as const;
export const CATALOG_TIERS = ["business", "enterprise"] as const;

function specSchema(targets: readonly [string, ...string[]]) {
    return z.strictObject({
        target: z.enum(targets),
        region: z.string().min(1).optional(),
        name: z.string().regex(WAREHOUSE_NAME, "3 to 10 lower-case letters or digits, starting with a letter " +
            "(it prefixes globally unique names such as storage accounts)"),
        environment: z.enum(ENVIRONMENTS),
        owner: labelValue("the team that owns the warehouse"),
        costCentre: labelValue("the cost centre billed"),
        jurisdiction: z.enum(JURISDICTION_NAMES as [string, ...string[]]).default("FR"),
        protect: z.boolean().default(true),
        zones: zonesSchema.default({ raw: { retentionDays: 365 }, curated: { noncurrentVersionDays: 90 } }),
        projects: z.array(project).default([]),
        compute: computeSchema.default({
            kubernetesVersion: "1.32",
            systemPool: { size: "small", nodes: 3, minNodes: 3, maxNodes: 5 },
            analyticsPool: { size: "large", nodes: 3, minNodes: 3, maxNodes: 12 },
        }),
        keys: z.strictObject({
            algorithm: z.enum(KEY_ALGORITHMS).default("RSA"),
            size: z.number().int().optional(),
            rotationDays: days(1, 365).default(90),
            custody: z.enum(KEY_CUSTODIES).optional(),
        }).default({ algorithm: "RSA", rotationDays: 90 }),
        network: z.strictObject({
            addressSpace: cidr.default("10.40.0.0/16"),
            adminCidrs: z.array(cidr).min(1, "at least one CIDR block allowed to reach the cluster API"),
            allowedEgressCidrs: z.array(cidr).default([]),
        }),
        catalog: z.strictObject({
            engine: z.literal("postgresql").default("postgresql"),
            version: z.enum(["15", "16", "17"]).default("16"),
            tier: z.enum(CATALOG_TIERS).default("business"),
            storageGb: z.number().int().min(16, "at least 16 GB").max(4096, "at most 4096 GB").default(64),
        }).default({ engine: "postgresql", version: "16", tier: "business", storageGb: 64 }),
        migration: migrationSchema.optional(),
    });
}

const K8S_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CONTAINER_NAME = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
const containerName = z.string().regex(CONTAINER_NAME, "an Azure container name: 3 to 63 lower-case letters, digits and single hyphens");
const secretName = z.string().regex(K8S_NAME, "a Kubernetes Secret name: lower-case letters, digits and '-', at most 63 characters");

/** The data move from the Azure warehouse, run on the target cluster as an indexed Job (components/data-mover-job.ts). */
const migrationSchema = z.strictObject({
    source: z.strictObject({
        accountUrl: z.string().regex(/^https:\/\/[a-z0-9]{3,24}\.blob\.core\.windows\.net\/?$/,
            "the source storage account's blob endpoint, https://<account>.blob.core.windows.net"),
        credentialsSecret: secretName.default("data-mover-source"),
        encryption: z.enum(SOURCE_ENCRYPTIONS).default("service-side"),
        keysSecret: secretName.optional(),
        cidrs: z.array(cidr).min(1, "the address blocks of the source account's blob endpoint (its private endpoint or service range)"),
    }),
    containers: z.strictObject({
        raw: containerName.default("raw"),
        curated: containerName.default("curated"),
        projects: z.record(z.string(), containerName).default({}),
    }).default({ raw: "raw", curated: "curated", projects: {} }),
    platformAccessSecret: secretName.default("data-mover-platform-access"),
    image: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._\/-]+(@sha256:[a-f0-9]{64}|:[A-Za-z0-9._-]{1,128})$/,
        "an image from a registry, pinned by digest (@sha256:...) or tag, e.g. registry.example.fr/hdw/data-mover:1.0.0"),
    shards: z.number().int().min(1, "at least 1 shard").max(1000, "at most 1000 shards").default(16),
    parallelism: z.number().int().min(1, "at least 1 pod").max(1000, "at most 1000 pods").optional(),
    concurrency: z.number().int().min(1).max(64, "at most 64 objects in flight per pod").default(8),
    bandwidthMbps: z.number().int().min(1, "at least 1 Mbit/s").max(400_000, "at most 400000 Mbit/s")
        .describe("the link capacity the migration may use, Mbit/s, shared by the running pods"),
});

type ParsedSpec = z.output<ReturnType<typeof specSchema>>;

/** The validated warehouse. Every field is set: defaults are resolved here, once. */
export interface WarehouseSpec extends Omit<ParsedSpec, "keys" | "target"> {
    readonly target: string;
    readonly keys: KeySpec;
}
export type ResearchProject = ParsedSpec["projects"][number];
export type PoolSpec = ParsedSpec["compute"]["systemPool"];
export type MigrationSpec = NonNullable<ParsedSpec["migration"]>;
export type Environment = typeof ENVIRONMENTS[number];
export interface KeySpec {
    readonly algorithm: typeof KEY_ALGORITHMS[number];
    /** Bits: 3072 or 4096 for RSA (ANSSI), 256 for AES. */
    readonly size: number;
    readonly rotationDays: number;
    /** Who operates the key service; unset means the target's own. */
    readonly custody?: typeof KEY_CUSTODIES[number];
}

/** What the parser needs to know about the stacks, without naming a cloud itself. */
export interface ParseOptions {
    /** The target names the stacks implement. */
    readonly targets: readonly string[];
    /** Keys in the namespace that belong to a target's own settings, validated by that target. */
    readonly reservedKeys: readonly string[];
}

/** The outcome of validating the neutral configuration: the spec when it is valid, and every problem found. */
export interface SpecValidation {
    readonly spec?: WarehouseSpec;
    /**
     * As much of the spec as is valid, the rest at its defaults (or unset): enough for a target to check its own
     * settings in the same round. Only when the target itself is valid.
     */
    readonly partial?: WarehouseSpec;
    /** Which top-level sections are invalid, so that checks built on them can be left out. */
    readonly invalidSections: readonly string[];
    readonly problems: readonly ConfigProblem[];
}

/**
 * Validates raw configuration (the `warehouse:` namespace, JSON-decoded) into a spec, in one round: every section
 * is read on its own, so that a bad value in one does not hide a problem in another, and the checks across fields
 * run on every section that is valid. Research projects are named by their id.
 */
export function validateWarehouseSpec(raw: Record<string, unknown>, options: ParseOptions): SpecValidation {
    const neutral = Object.fromEntries(Object.entries(raw).filter(([k]) => !options.reservedKeys.includes(k)));
    if (options.targets.length === 0) throw new Error("no targets are registered");
    const schema = specSchema(options.targets as [string, ...string[]]);
    const problems: ConfigProblem[] = [...validate(schema, neutral, [], options.reservedKeys).problems];
    const sections: Record<string, unknown> = {};
    const invalid: string[] = [];
    for (const [name, section] of Object.entries(schema.shape) as [string, z.ZodType][]) {
        const own = section.safeParse(neutral[name]);
        if (own.success) {
            sections[name] = own.data;
            continue;
        }
        invalid.push(name);
        const fallback = section.safeParse(undefined);
        if (fallback.success) sections[name] = fallback.data;
    }
    const spec = sections as ParsedSpec;
    const keys = invalid.includes("keys") ? resolveKeys(spec.keys, []) : resolveKeys(spec.keys, problems);
    checkProjectIds(neutral.projects, problems);
    if (!invalid.includes("compute")) checkPools(spec.compute, problems);
    if (!invalid.includes("network")) checkNetwork(spec.network, problems);
    if (!invalid.includes("migration") && spec.migration) {
        checkMigration(spec.migration, projectIds(neutral.projects), problems);
    }
    const named = problems.map(p => ({ ...p, key: projectsById(p.key, neutral.projects) }));
    const full = { ...spec, keys } as WarehouseSpec;
    return {
        spec: named.length === 0 ? full : undefined,
        partial: invalid.includes("target") ? undefined : full,
        invalidSections: invalid,
        problems: named,
    };
}

/** `validateWarehouseSpec` that throws a ConfigError listing every problem (key, value, what is allowed). */
export function parseWarehouseSpec(raw: Record<string, unknown>, options: ParseOptions): WarehouseSpec {
    const { spec, problems } = validateWarehouseSpec(raw, options);
    if (!spec) throw new ConfigError(problems);
    return spec;
}

/** The ids of the projects as configured (valid or not), by position. */
function projectIds(projects: unknown): (string | undefined)[] {
    return Array.isArray(projects)
        ? projects.map(p => (p && typeof p === "object" && typeof p.id === "string" && p.id !== "" ? p.id : undefined))
        : [];
}

/** `warehouse:projects[2].retentionDays` -> `warehouse:projects[covidlong].retentionDays`, when the id is known. */
function projectsById(configKey: string, projects: unknown): string {
    const ids = projectIds(projects);
    return configKey.replace(/^(warehouse:projects)\[(\d+)\]/, (whole, prefix: string, i: string) => {
        const id = ids[Number(i)];
        return id && PROJECT_ID.test(id) ? `${prefix}[${id}]` : whole;
    });
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th"}`;

/** Ids used twice, or taken by the warehouse's own names; on the ids as configured, whatever else is wrong. */
function checkProjectIds(projects: unknown, problems: ConfigProblem[]): void {
    const seen = new Map<string, number>();
    projectIds(projects).forEach((id, i) => {
        if (id === undefined) return;
        if (RESERVED_PROJECT_IDS.includes(id)) {
            problems.push({ key: key(`projects[${i}].id`), value: id,
                allowed: `not one of the warehouse's own names (${RESERVED_PROJECT_IDS.join(", ")}): a project's ` +
                    "bucket, key and namespace are named beside the zones', the platform's and the pools'" });
        }
        const first = seen.get(id);
        if (first !== undefined) {
            problems.push({ key: key(`projects[${i}].id`), value: id,
                allowed: `an id of its own: declared twice (the ${ordinal(first + 1)} and ${ordinal(i + 1)} projects)` });
        } else seen.set(id, i);
    });
}

function resolveKeys(keys: ParsedSpec["keys"], problems: ConfigProblem[]): KeySpec {
    const allowed = keys.algorithm === "RSA" ? [3072, 4096] : [256];
    const size = keys.size ?? allowed[0];
    if (!allowed.includes(size)) {
        problems.push({
            key: key("keys.size"), value: keys.size,
            allowed: keys.algorithm === "RSA"
                ? "3072 or 4096 for RSA (ANSSI: RSA keys of at least 3072 bits)"
                : "256 for AES (AES-256)",
        });
    }
    return { algorithm: keys.algorithm, size, rotationDays: keys.rotationDays, custody: keys.custody };
}

function checkMigration(migration: NonNullable<ParsedSpec["migration"]>, projectIds: readonly (string | undefined)[],
                        problems: ConfigProblem[]): void {
    const ids = projectIds.filter((id): id is string => id !== undefined);
    for (const id of Object.keys(migration.containers.projects)) {
        if (!ids.includes(id)) {
            problems.push({ key: key(`migration.containers.projects.${id}`), value: migration.containers.projects[id],
                allowed: `a container for a declared research project (${ids.join(", ") || "none declared"})` });
        }
    }
    if (migration.parallelism !== undefined && migration.parallelism > migration.shards) {
        problems.push({ key: key("migration.parallelism"), value: migration.parallelism,
            allowed: `at most migration.shards (${migration.shards}): more pods than shards would idle` });
    }
    if (/:latest$/.test(migration.image)) {
        problems.push({ key: key("migration.image"), value: migration.image,
            allowed: "a digest or a version tag: `latest` moves, and a migration must be reproducible" });
    }
    if (migration.source.encryption === "client-side-v2" && !migration.source.keysSecret) {
        problems.push({ key: key("migration.source.keysSecret"), value: undefined,
            allowed: "required when migration.source.encryption is client-side-v2: the Secret with the source key service settings" });
    }
}

function checkPools(compute: ParsedSpec["compute"], problems: ConfigProblem[]): void {
    for (const name of ["systemPool", "analyticsPool"] as const) {
        const p = compute[name];
        if (p.minNodes > p.maxNodes) {
            problems.push({ key: key(`compute.${name}.minNodes`), value: p.minNodes,
                allowed: `at most maxNodes (${p.maxNodes})` });
        } else if (p.nodes < p.minNodes || p.nodes > p.maxNodes) {
            problems.push({ key: key(`compute.${name}.nodes`), value: p.nodes,
                allowed: `between minNodes (${p.minNodes}) and maxNodes (${p.maxNodes})` });
        }
    }
}

function checkNetwork(network: ParsedSpec["network"], problems: ConfigProblem[]): void {
    const space = parseCidr(network.addressSpace)!;
    if (space.prefix < 8 || space.prefix > 20) {
        problems.push({ key: key("network.addressSpace"), value: network.addressSpace,
            allowed: "a private block from /8 to /20, large enough for the cluster, endpoint and database subnets" });
    }
    if (!isPrivate(space)) {
        problems.push({ key: key("network.addressSpace"), value: network.addressSpace,
            allowed: "a private range (RFC 1918: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)" });
    }
    network.adminCidrs.forEach((c, i) => {
        const block = parseCidr(c)!;
        if (block.prefix < 8) {
            problems.push({ key: key(`network.adminCidrs[${i}]`), value: c,
                allowed: "a block of /8 or narrower: the cluster API must not be open to the internet" });
        }
    });
    network.allowedEgressCidrs.forEach((c, i) => {
        if (parseCidr(c)!.prefix < 8) {
            problems.push({ key: key(`network.allowedEgressCidrs[${i}]`), value: c,
                allowed: "a block of /8 or narrower: egress is denied by default and opened only where needed" });
        }
    });
    if (network.adminCidrs.some(c => overlaps(parseCidr(c)!, space) && parseCidr(c)!.prefix <= space.prefix)) {
        problems.push({ key: key("network.adminCidrs"), value: network.adminCidrs,
            allowed: "blocks that do not contain the whole warehouse address space" });
    }
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(c => parseCidr(c)!);
function isPrivate(block: NonNullable<ReturnType<typeof parseCidr>>): boolean {
    return PRIVATE_RANGES.some(r => overlaps(r, block) && r.prefix <= block.prefix);
}

/** The labels every resource that takes labels or tags carries. */
export function warehouseLabels(spec: WarehouseSpec): Record<string, string> {
    return {
        "warehouse": spec.name,
        "environment": spec.environment,
        "owner": spec.owner,
        "cost-centre": spec.costCentre,
        "data-classification": "health-pseudonymised",
        "managed-by": "pulumi",
    };
}
