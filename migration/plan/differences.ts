// Differences that matter between equivalent parts of two stacks, each stated with why a reviewer should care.
// Three sources, named in each difference: the neutral spec (what the stack asks for), the neutral outputs (what
// the target says it built: encryption scheme, API access, private endpoints), and the resources' inputs (what
// the plan will really create: retention locks, key types, rotation, zones, database availability). The last
// one reads property names as the providers' SDKs spell them (READERS below, documented in docs/rehearsal.md);
// a provider they do not know shows "not declared", never a wrong value.

import type { WarehouseSpec } from "../../components/model";
import type { PlannedResource } from "../../engine/plan";
import { plain } from "../../engine/wire";
import { StackInventory, outputAt } from "./inventory";
import type { Difference, ParityRow } from "./model";
import { ZONES } from "./parity";

export interface Side {
    readonly inv: StackInventory;
    readonly spec?: WarehouseSpec;
    /** The parity rows, to find the resources of a capability on this side. */
    readonly rows: readonly ParityRow[];
    readonly which: "source" | "target";
}

interface FactDef {
    readonly id: string;
    readonly label: string;
    readonly origin: Difference["origin"];
    read(side: Side): string | undefined;
    why(source: string, target: string): string;
}

export const NOT_DECLARED = "not declared";

/** What each encryption scheme of components/target.ts means for the data and for the move. */
const SCHEMES: Record<string, string> = {
    "customer-managed-key": "the storage service encrypts with a key from the key service and serves plaintext " +
        "to whoever it authorises",
    "envelope": "workloads encrypt every object with a data key wrapped by the project's key; the store only " +
        "holds ciphertext, so the data mover must re-encrypt and every consumer must decrypt",
};

export function differences(source: Side, target: Side): Difference[] {
    const out: Difference[] = [];
    for (const def of factDefs(source, target)) {
        const s = def.read(source);
        const t = def.read(target);
        if (s === undefined && t === undefined) continue;
        const sv = s ?? NOT_DECLARED;
        const tv = t ?? NOT_DECLARED;
        if (sv === tv) continue;
        out.push({ id: def.id, label: def.label, source: sv, target: tv, why: def.why(sv, tv), origin: def.origin });
    }
    return out;
}

/** One fact of one side, whether or not it differs (the runbook uses some: the source's key recovery window). */
export function readFact(id: string, side: Side, other: Side): string | undefined {
    return factDefs(side, other).find(d => d.id === id)?.read(side);
}

function factDefs(source: Side, target: Side): FactDef[] {
    const projects = [...new Set([...(source.spec?.projects ?? []), ...(target.spec?.projects ?? [])].map(p => p.id))];
    return [
        {
            id: "location", label: "cloud, region and jurisdiction", origin: "outputs",
            read: s => {
                const t = outputAt<string>(s.inv, "target");
                const r = outputAt<string>(s.inv, "region");
                const j = outputAt<string>(s.inv, "jurisdiction");
                return t ? `${t} ${r ?? "?"} (${j ?? "?"})` : undefined;
            },
            why: () => "residency and the law the provider answers to; the policy pack judges both (see the verdicts)",
        },
        {
            id: "encryption-scheme", label: "how stores are bound to keys", origin: "outputs",
            read: s => outputAt<string>(s.inv, "encryption"),
            why: (a, b) => `${a}: ${SCHEMES[a] ?? "?"}; ${b}: ${SCHEMES[b] ?? "?"}. Check that every consumer of ` +
                `the target encrypts and decrypts, and that copies are re-keyed, not copied as they are`,
        },
        {
            id: "cluster-api-access", label: "cluster API access", origin: "outputs",
            read: s => {
                const access = outputAt<string>(s.inv, "clusterApiAccess");
                if (!access) return undefined;
                return access === "restricted" && s.spec
                    ? `restricted to ${s.spec.network.adminCidrs.join(", ")}` : access;
            },
            why: () => "private: no public address at all; restricted: a public address filtered to the admin " +
                "CIDRs. A restricted API is exposed to the internet's scanning; keep the allow-list minimal",
        },
        ...(["storage", "keys", "catalog"] as const).map(e => ({
            id: `endpoint:${e}`, label: `${e} endpoint`, origin: "outputs" as const,
            read: (s: Side) => {
                const p = outputAt<boolean>(s.inv, "endpoints", e, "private");
                return p === undefined ? undefined : p ? "private (warehouse network only)" : "public address";
            },
            why: () => `a public ${e} endpoint relies on credentials and egress rules alone; check who can reach it`,
        })),
        {
            id: "keys:algorithm", label: "key algorithm and size (spec)", origin: "spec",
            read: s => s.spec && `${s.spec.keys.algorithm} ${s.spec.keys.size}`,
            why: () => "RSA keys wrap data keys by asymmetric encryption, AES keys by symmetric wrapping; both sides " +
                "must meet ANSSI sizes (RSA >= 3072, AES-256). The data mover unwraps with the source key and " +
                "wraps with the target key",
        },
        {
            id: "keys:type", label: "platform key as declared", origin: "resources",
            read: s => keyType(primaryOf(s, "keys")),
            why: () => "the key type the key service will create (HSM-backed or not, symmetric or not)",
        },
        {
            id: "keys:rotation", label: "key rotation", origin: "resources",
            read: s => rotation(resourcesOf(s, "keys")),
            why: () => "a key that is not rotated by the key service must be rotated by a scheduled job; " +
                "check who does it on the side that does not declare it",
        },
        {
            id: "keys:custody", label: "key custody (spec)", origin: "spec",
            read: s => s.spec && (s.spec.keys.custody ?? "the target's own key service"),
            why: () => "who operates the key service, and therefore who could be compelled to use the keys",
        },
        {
            id: "keys:recovery", label: "deleted keys recoverable for", origin: "resources",
            read: s => recovery(s.inv.subtree("keys")),
            why: () => "how long a deleted key can still be recovered: crypto-shredding the source's keys is " +
                "final only after this window (the runbook's last step waits for it)",
        },
        ...ZONES.flatMap(z => [
            {
                id: `zone:${z}:immutability`, label: `zone ${z}: immutability`, origin: "resources" as const,
                read: (s: Side) => immutability(resourcesOf(s, `zone:${z}`)),
                why: () => "an immutability lock is what makes the zone's retention provable to the CNIL: without a " +
                    "retention period, objects can be deleted before their term",
            },
            {
                id: `zone:${z}:versioning`, label: `zone ${z}: versioning`, origin: "resources" as const,
                read: (s: Side) => versioning(resourcesOf(s, `zone:${z}`)) ?? versioning(shared(s, "storage")),
                why: () => "versioning keeps overwritten and deleted objects recoverable",
            },
            {
                id: `zone:${z}:noncurrent`, label: `zone ${z}: old versions kept`, origin: "resources" as const,
                read: (s: Side) => noncurrent(resourcesOf(s, `zone:${z}`)),
                why: () => "how long overwritten versions are kept before the lifecycle deletes them",
            },
        ]),
        {
            id: "zone:raw:retention", label: "zone raw: retention (spec)", origin: "spec",
            read: s => s.spec && `${s.spec.zones.raw.retentionDays} days`,
            why: () => "the retention the CNIL authorisation states for raw data",
        },
        {
            id: "zone:curated:noncurrent-spec", label: "zone curated: old versions kept (spec)", origin: "spec",
            read: s => s.spec && `${s.spec.zones.curated.noncurrentVersionDays} days`,
            why: () => "how long overwritten curated versions are kept",
        },
        ...projects.map(p => ({
            id: `project:${p}:retention`, label: `project ${p}: retention (spec)`, origin: "spec" as const,
            read: (s: Side) => {
                const project = s.spec?.projects.find(x => x.id === p);
                return project && `${project.retentionDays} days, owner ${project.dataOwner}`;
            },
            why: () => "the retention and the accountable owner the project's authorisation names",
        })),
        {
            id: "compute:zones", label: "availability zones of the node pools", origin: "resources",
            read: s => zones(s.inv.subtree("compute")),
            why: () => "pools spread over several zones survive the loss of one datacentre",
        },
        {
            id: "compute:version", label: "Kubernetes version (spec)", origin: "spec",
            read: s => s.spec?.compute.kubernetesVersion,
            why: () => "workloads must run on both versions during the move",
        },
        ...(["systemPool", "analyticsPool"] as const).map(pool => ({
            id: `compute:${pool}`, label: `${pool.replace("Pool", "")} pool (spec)`, origin: "spec" as const,
            read: (s: Side) => {
                const p = s.spec?.compute[pool];
                return p && `${p.size}, ${p.nodes} nodes (${p.minNodes}-${p.maxNodes})`;
            },
            why: () => "capacity for the research workloads and for the data mover's Jobs",
        })),
        {
            id: "catalog:availability", label: "catalogue database availability", origin: "resources",
            read: s => availability(s.inv.subtree("catalog")),
            why: () => "what the catalogue survives (a node, a zone) and how fast it fails over",
        },
        {
            id: "catalog:backups", label: "catalogue backups kept", origin: "resources",
            read: s => backups(s.inv.subtree("catalog")),
            why: () => "how far back the catalogue can be restored",
        },
        {
            id: "catalog:spec", label: "catalogue database (spec)", origin: "spec",
            read: s => s.spec && `PostgreSQL ${s.spec.catalog.version}, ${s.spec.catalog.tier}, ${s.spec.catalog.storageGb} GB`,
            why: () => "the catalogue is dumped and restored across versions during the move",
        },
        {
            id: "network:admin", label: "admin networks (spec)", origin: "spec",
            read: s => s.spec?.network.adminCidrs.join(", "),
            why: () => "who may reach the cluster API",
        },
    ];
}

// ---- reading the resources --------------------------------------------------------------------------------------

function resourcesOf(side: Side, capability: string): PlannedResource[] {
    const row = side.rows.find(r => r.capability.id === capability);
    return (row?.[side.which].resources ?? []).map(r => side.inv.byUrn.get(r.urn)!).filter(Boolean);
}

function primaryOf(side: Side, capability: string): PlannedResource | undefined {
    const row = side.rows.find(r => r.capability.id === capability);
    const urn = row?.[side.which].primary?.urn;
    return urn ? side.inv.byUrn.get(urn) : undefined;
}

/** The resources of a block that no capability claims (an account, a blob service shared by every container). */
function shared(side: Side, block: "storage"): PlannedResource[] {
    const claimed = new Set(side.rows.flatMap(r => r[side.which].resources.map(x => x.urn)));
    return side.inv.subtree(block).filter(r => !claimed.has(r.urn));
}

/** Every value of a property, at any depth of the resources' inputs (secrets hidden, unknowns named). */
function find(resources: readonly PlannedResource[], key: string): unknown[] {
    const out: unknown[] = [];
    const visit = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(visit);
        else if (v && typeof v === "object") {
            for (const [k, val] of Object.entries(v)) {
                if (k === key) out.push(val);
                visit(val);
            }
        }
    };
    for (const r of resources) visit(plain(r.inputs));
    return out.filter(v => v !== "[unknown]" && v !== "[secret]");
}

const first = <T>(values: unknown[], guard: (v: unknown) => v is T): T | undefined => values.find(guard);
const isNumber = (v: unknown): v is number => typeof v === "number";
const isString = (v: unknown): v is string => typeof v === "string";

/** ISO-8601 periods as the providers use them (P365D, P1Y, P12M) in days. */
export function isoDays(period: string): number | undefined {
    const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/i.exec(period);
    if (!m || period.length < 3) return undefined;
    const [, y, mo, w, d] = m.map(x => Number(x ?? 0));
    return y * 365 + mo * 30 + w * 7 + d;
}

function keyType(key: PlannedResource | undefined): string | undefined {
    if (!key) return undefined;
    const kind = first(find([key], "kty"), isString) ?? first(find([key], "type"), isString);
    const size = first(find([key], "keySize"), isNumber) ?? first(find([key], "size"), isNumber);
    const parts = [kind, size].filter(p => p !== undefined);
    return parts.length ? parts.join(" ") : undefined;
}

function rotation(resources: readonly PlannedResource[]): string | undefined {
    // A rotation policy's trigger (ISO period) or an automatic rotation period in seconds.
    for (const actions of find(resources, "lifetimeActions")) {
        if (!Array.isArray(actions)) continue;
        const rotate = actions.find((a: any) => a?.action?.type === "rotate");
        const period = rotate?.trigger?.timeAfterCreate;
        if (isString(period) && isoDays(period) !== undefined) return `every ${isoDays(period)} days (key service policy)`;
    }
    const seconds = first(find(resources, "autoRotatePeriod"), isNumber);
    if (seconds) return `every ${Math.round(seconds / 86400)} days (key service policy)`;
    return undefined;
}

function recovery(resources: readonly PlannedResource[]): string | undefined {
    const days = first(find(resources, "softDeleteRetentionInDays"), isNumber);
    if (days === undefined) return undefined;
    const purge = first(find(resources, "enablePurgeProtection"), (v): v is boolean => typeof v === "boolean");
    return `${days} days after deletion${purge ? ", purge protection on (cannot be shortened)" : ""}`;
}

function immutability(resources: readonly PlannedResource[]): string | undefined {
    const days = first(find(resources, "immutabilityPeriodSinceCreationInDays"), isNumber);
    if (days !== undefined) return `time-based retention lock, ${days} days`;
    for (const lock of find(resources, "objectLock")) {
        const l = lock as any;
        if (l?.status !== "enabled" && l?.status !== "Enabled") continue;
        const period = isString(l?.rule?.period) ? isoDays(l.rule.period) : undefined;
        return `object lock${l?.rule?.mode ? ` (${l.rule.mode})` : ""}` +
            (period !== undefined ? `, ${period} days` : ", no default retention period declared");
    }
    if (find(resources, "objectLocking").includes(true)) return "object lock enabled, no default retention period declared";
    return resources.length ? "none" : undefined;
}

function versioning(resources: readonly PlannedResource[]): string | undefined {
    const flag = first(find(resources, "isVersioningEnabled"), (v): v is boolean => typeof v === "boolean");
    if (flag !== undefined) return flag ? "enabled" : "disabled";
    for (const key of ["versioning", "versioningConfiguration"]) {
        const status = find(resources, key).map((v: any) => v?.status).find(isString);
        if (status) return status.toLowerCase();
    }
    return undefined;
}

function noncurrent(resources: readonly PlannedResource[]): string | undefined {
    const days = first(find(resources, "noncurrentDays"), isNumber)
        ?? first(find(resources, "noncurrentVersionExpirationDays"), isNumber)
        ?? first(find(resources, "version").map((v: any) => v?.delete?.daysAfterCreationGreaterThan), isNumber);
    return days === undefined ? undefined : `${days} days`;
}

function zones(resources: readonly PlannedResource[]): string | undefined {
    const all = new Set(find(resources, "availabilityZones").flatMap(v => (Array.isArray(v) ? v.filter(isString) : [])));
    if (all.size === 0) return undefined;
    return `${all.size} zone${all.size === 1 ? "" : "s"} (${[...all].sort().join(", ")})`;
}

function availability(resources: readonly PlannedResource[]): string | undefined {
    const parts: string[] = [];
    const ha = find(resources, "highAvailability").find((v: any) => isString(v?.mode)) as any;
    if (ha) parts.push(`high availability ${ha.mode}${ha.standbyAvailabilityZone ? ` (standby in zone ${ha.standbyAvailabilityZone})` : ""}`);
    const instances = first(find(resources, "instances"), isNumber);
    if (instances !== undefined) parts.push(`${instances} instances`);
    const nodes = find(resources, "nodes").find(Array.isArray) as unknown[] | undefined;
    if (nodes) parts.push(`${nodes.length} nodes`);
    const plan = first(find(resources, "plan"), isString);
    if (plan && nodes) parts.push(`plan ${plan}`);
    const topology = first(find(resources, "topologyKey"), isString);
    if (topology) parts.push(`spread over ${topology}`);
    return parts.length ? parts.join(", ") : undefined;
}

function backups(resources: readonly PlannedResource[]): string | undefined {
    const days = first(find(resources, "backupRetentionDays"), isNumber);
    if (days !== undefined) return `${days} days`;
    const policy = first(find(resources, "retentionPolicy"), isString);
    return policy ? policy : undefined;
}
