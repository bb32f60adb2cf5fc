// Parity: every capability the neutral model asks for, what implements it on each side, and the gaps. The list of
// capabilities comes from the model (the zones of `WarehouseOutputs.zoneBuckets`, the pools of the compute spec,
// the research projects found on either side); what implements one is found in the component tree, never in a
// list of provider types, so a new target is compared without changing this file.

import type { WarehouseSpec } from "../../components/model";
import type { WarehouseOutputs } from "../../components/warehouse";
import type { PlannedResource } from "../../engine/plan";
import { BlockKind, StackInventory, lastSegment, outputAt } from "./inventory";
import type { Capability, CapabilityKind, Implementation, ParityRow, ResourceRef } from "./model";

/** The data zones of the neutral outputs (typed against them, so a new zone cannot be forgotten here silently). */
export const ZONES = ["raw", "curated"] as const satisfies readonly (keyof WarehouseOutputs["zoneBuckets"])[];

type PoolKey = keyof WarehouseSpec["compute"] & `${string}Pool`;
type PoolName = PoolKey extends `${infer P}Pool` ? P : never;
/** The node pools of the compute spec. */
export const POOLS = ["system", "analytics"] as const satisfies readonly PoolName[];

/** The words that name the platform key (the zones' key) among the keys block's resources. */
const PLATFORM_KEY = "platform";

/** Research projects of a stack: labelled namespaces, the neutral outputs, and the spec when there is one. */
export function projectsOf(inv: StackInventory, spec?: WarehouseSpec): string[] {
    const ids = [...(spec?.projects.map(p => p.id) ?? []), ...inv.namespaces.keys(),
        ...Object.keys(outputAt<Record<string, unknown>>(inv, "projects") ?? {})];
    return [...new Set(ids)];
}

export function capabilities(projects: readonly string[]): Capability[] {
    const caps: Capability[] = [
        { id: "network", kind: "network", label: "network isolation" },
        { id: "keys", kind: "keys", label: "key management (platform key)" },
        ...ZONES.map(z => ({ id: `zone:${z}`, kind: "zone" as const, label: `data zone ${z}`, subject: z })),
    ];
    for (const p of projects) {
        caps.push(
            { id: `project:${p}:storage`, kind: "project-storage", label: `research project ${p}: storage`, subject: p },
            { id: `project:${p}:key`, kind: "project-key", label: `research project ${p}: key`, subject: p },
            { id: `project:${p}:namespace`, kind: "project-namespace", label: `research project ${p}: namespace`, subject: p },
        );
    }
    caps.push(
        ...POOLS.map(p => ({ id: `pool:${p}`, kind: "pool" as const, label: `compute pool ${p}`, subject: p })),
        { id: "catalog", kind: "catalog", label: "catalogue database" },
    );
    return caps;
}

/** Which block holds what implements a capability (namespaces come from the portable layer, not a block). */
const BLOCK_OF: Record<CapabilityKind, BlockKind | undefined> = {
    "network": "network",
    "keys": "keys",
    "zone": "storage",
    "project-storage": "storage",
    "project-key": "keys",
    "project-namespace": undefined,
    "pool": "compute",
    "catalog": "catalog",
};

/**
 * Which resource best stands for a capability, by the last word of its type (documented in docs/rehearsal.md).
 * This only chooses the resource the report names first; coverage never depends on it.
 */
const PRIMARY: Record<CapabilityKind, readonly RegExp[]> = {
    "network": [/network|vnet|vrack/i, /subnet/i],
    "keys": [/key$/i],
    "zone": [/bucket|container|storage$/i],
    "project-storage": [/bucket|container|storage$/i],
    "project-key": [/key$/i],
    "project-namespace": [/^namespace$/i],
    "pool": [/pool/i, /cluster/i],
    "catalog": [/server|database|instance/i, /cluster/i],
};

export function implementation(inv: StackInventory, cap: Capability): Implementation {
    const block = BLOCK_OF[cap.kind];
    let candidates: readonly PlannedResource[];
    if (cap.kind === "project-namespace") {
        candidates = inv.labelled(cap.subject!);
    } else {
        if (!block || !inv.blocks.has(block)) return { coverage: "missing", resources: [] };
        const all = inv.subtree(block);
        // A block that declares nothing adopts what the provider delivers outside the program.
        if (!all.some(r => r.custom && !isProvider(r))) {
            return { coverage: "external", primary: ref(inv.blocks.get(block)!), resources: [ref(inv.blocks.get(block)!)] };
        }
        const subject = cap.kind === "keys" ? PLATFORM_KEY : cap.subject;
        candidates = subject ? all.filter(r => inv.markers(r.urn).has(subject)) : all;
    }
    const declared = candidates.filter(r => r.custom || candidates.some(c => c.custom && c.parent === r.urn));
    if (!declared.some(r => r.custom)) return { coverage: "missing", resources: [] };
    return { coverage: "declared", primary: ref(primaryOf(declared, PRIMARY[cap.kind])), resources: declared.map(ref) };
}

function primaryOf(resources: readonly PlannedResource[], patterns: readonly RegExp[]): PlannedResource {
    const custom = resources.filter(r => r.custom);
    for (const pattern of patterns) {
        const hit = custom.find(r => pattern.test(lastSegment(r.type)));
        if (hit) return hit;
    }
    return custom[0];
}

export function parity(source: StackInventory, target: StackInventory, projects: readonly string[]): ParityRow[] {
    return capabilities(projects).map(capability => {
        const s = implementation(source, capability);
        const t = implementation(target, capability);
        // A gap: one side has it and the other does not. What the target leaves to its provider is reported, not
        // failed (it cannot be proven offline; the runbook asks for it to be checked by hand).
        const gap = (s.coverage === "missing") !== (t.coverage === "missing");
        return { capability, source: s, target: t, gap };
    });
}

function isProvider(r: PlannedResource): boolean {
    return r.type.startsWith("pulumi:providers:");
}

export function ref(r: PlannedResource): ResourceRef {
    return { urn: r.urn, type: r.type, name: r.name };
}

/** Where a resource sits, for matching findings across clouds: the capability it serves, and its block. */
export interface Identity {
    /** The capability (most specific first), else `block:<kind>`, `warehouse`, `provider:<pkg>` or `stack`. */
    readonly identity: string;
    /** The building block (`block:storage`), `workspaces` for research namespaces, or the identity itself. */
    readonly area: string;
}

export function identities(inv: StackInventory, rows: readonly ParityRow[], side: "source" | "target"): Map<string, Identity> {
    const out = new Map<string, Identity>();
    // Specific capabilities first, so that a key resource of project p is `project:p:key`, not `keys`.
    const ordered = [...rows].sort((a, b) => specificity(b.capability) - specificity(a.capability));
    for (const row of ordered) {
        const block = BLOCK_OF[row.capability.kind];
        const area = block ? `block:${block}` : "workspaces";
        for (const r of row[side].resources) if (!out.has(r.urn)) out.set(r.urn, { identity: row.capability.id, area });
    }
    for (const r of inv.plan.resources) {
        if (out.has(r.urn)) continue;
        const block = inv.blockOf(r.urn);
        const identity = block ? `block:${block}`
            : r.urn === inv.warehouse.urn ? "warehouse"
            : isProvider(r) ? `provider:${r.type.slice("pulumi:providers:".length)}`
            : "stack";
        out.set(r.urn, { identity, area: identity });
    }
    return out;
}

function specificity(c: Capability): number {
    return c.subject ? 2 : c.kind === "keys" ? 1 : 0;
}
