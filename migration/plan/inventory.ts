// A stack's plan read through the neutral model: the warehouse component, its five building blocks (by the names
// components/warehouse.ts gives them), the research projects (by the label components/workspaces.ts puts on their
// namespaces), the neutral outputs the warehouse registers, and for every resource the words that tie it to a
// zone, a project or a pool. Nothing here knows a cloud: a fourth target is read the same way.

import { PROJECT_LABEL } from "../../components/workspaces";
import type { PlannedResource, StackPlan } from "../../engine/plan";
import { UNKNOWN, isSecret } from "../../engine/wire";

export const WAREHOUSE_TYPE = "health-data:warehouse:HealthDataWarehouse";
export const BLOCKS = ["network", "keys", "compute", "storage", "catalog"] as const;
export type BlockKind = typeof BLOCKS[number];

export interface StackInventory {
    readonly plan: StackPlan;
    readonly warehouse: PlannedResource;
    /** The warehouse's name (its children are named `<name>-<block>`). */
    readonly name: string;
    readonly blocks: ReadonlyMap<BlockKind, PlannedResource>;
    /** Research projects, by id: their namespace (the resource labelled with the project). */
    readonly namespaces: ReadonlyMap<string, PlannedResource>;
    /** The neutral outputs the warehouse registered, in wire form (unknown at preview where not yet known). */
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly byUrn: ReadonlyMap<string, PlannedResource>;
    /** The descendants of a block (the block itself excluded), in registration order. */
    subtree(block: BlockKind): readonly PlannedResource[];
    /** The building block a resource belongs to, if any. */
    blockOf(urn: string): BlockKind | undefined;
    /** The words that tie a resource to a subject (zone, project, pool): see `markersOf`. */
    markers(urn: string): ReadonlySet<string>;
    /** The resources carrying the research-project label with this id. */
    labelled(projectId: string): readonly PlannedResource[];
}

/** A stack without the warehouse component cannot be rehearsed (it is not this project's program). */
export class NotAWarehouse extends Error {
    constructor(stack: string) {
        super(`stack ${stack} declares no ${WAREHOUSE_TYPE}: only stacks of the warehouse program can be rehearsed`);
        this.name = "NotAWarehouse";
    }
}

export function inventory(plan: StackPlan): StackInventory {
    const warehouse = plan.resources.find(r => r.type === WAREHOUSE_TYPE);
    if (!warehouse) throw new NotAWarehouse(plan.stack);
    const byUrn = new Map(plan.resources.map(r => [r.urn, r]));
    const children = new Map<string, PlannedResource[]>();
    for (const r of plan.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);

    const blocks = new Map<BlockKind, PlannedResource>();
    for (const child of children.get(warehouse.urn) ?? []) {
        const kind = blockKind(child, warehouse.name);
        if (kind && !blocks.has(kind)) blocks.set(kind, child);
    }

    const subtrees = new Map<BlockKind, PlannedResource[]>();
    const blockByUrn = new Map<string, BlockKind>();
    for (const [kind, block] of blocks) {
        const found: PlannedResource[] = [];
        const walk = (urn: string) => {
            for (const c of children.get(urn) ?? []) {
                found.push(c);
                blockByUrn.set(c.urn, kind);
                walk(c.urn);
            }
        };
        walk(block.urn);
        // Registration order, as the plan lists them.
        const order = new Map(plan.resources.map((r, i) => [r.urn, i]));
        subtrees.set(kind, found.sort((a, b) => order.get(a.urn)! - order.get(b.urn)!));
    }

    const labelledBy = new Map<string, PlannedResource[]>();
    const namespaces = new Map<string, PlannedResource>();
    for (const r of plan.resources) {
        const id = projectLabel(r);
        if (!id) continue;
        labelledBy.set(id, [...(labelledBy.get(id) ?? []), r]);
        if (lastSegment(r.type) === "Namespace" && !namespaces.has(id)) namespaces.set(id, r);
    }

    const markerCache = new Map<string, Set<string>>();
    const registered = warehouse.outputs?.outputs;
    return {
        plan, warehouse, name: warehouse.name, blocks, namespaces, byUrn,
        outputs: registered && typeof registered === "object" && !Array.isArray(registered)
            ? registered as Record<string, unknown> : {},
        subtree: kind => subtrees.get(kind) ?? [],
        blockOf: urn => blockByUrn.get(urn),
        markers: urn => {
            let m = markerCache.get(urn);
            if (!m) {
                const r = byUrn.get(urn);
                const kind = blockByUrn.get(urn);
                m = r ? markersOf(r, kind ? blocks.get(kind)!.name : warehouse.name) : new Set();
                markerCache.set(urn, m);
            }
            return m;
        },
        labelled: id => labelledBy.get(id) ?? [],
    };
}

/** `hdh-storage` is the storage block of warehouse `hdh`; a target's own type name is the fallback. */
function blockKind(r: PlannedResource, warehouseName: string): BlockKind | undefined {
    const byName = BLOCKS.find(b => r.name === `${warehouseName}-${b}`);
    if (byName) return byName;
    const type = lastSegment(r.type).toLowerCase();
    return BLOCKS.find(b => type === b);
}

/**
 * The words that tie a resource to a subject: the words of its name after its block's name (`hdh-storage-rp-
 * oncoprev-lifecycle` -> rp, oncoprev, lifecycle), every input string that is exactly one word (a container named
 * `raw`, a tag `data-zone: curated`, a pool named `system`), and prefixes such as `curated/` (a lifecycle rule's
 * filter). Lower-cased.
 */
export function markersOf(r: PlannedResource, blockName: string): Set<string> {
    const out = new Set<string>();
    const name = r.name.startsWith(`${blockName}-`) ? r.name.slice(blockName.length + 1) : r.name;
    for (const w of name.toLowerCase().split(/[^a-z0-9]+/)) if (w) out.add(w);
    const visit = (v: unknown) => {
        if (typeof v === "string") {
            const s = v.toLowerCase();
            if (/^[a-z0-9]+$/.test(s)) out.add(s);
            else if (/^[a-z0-9]+\/$/.test(s)) out.add(s.slice(0, -1));
        } else if (Array.isArray(v)) v.forEach(visit);
        else if (v && typeof v === "object" && !isSecret(v)) Object.values(v).forEach(visit);
    };
    visit(r.inputs);
    return out;
}

function projectLabel(r: PlannedResource): string | undefined {
    const labels = (r.inputs?.metadata as any)?.labels;
    const id = labels && typeof labels === "object" ? labels[PROJECT_LABEL] : undefined;
    return typeof id === "string" && id !== UNKNOWN ? id : undefined;
}

/** `azure-native:storage:BlobContainer` -> `BlobContainer`. */
export function lastSegment(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

/** A value of the neutral outputs when the preview knows it; undefined when unknown or absent. */
export function known<T = unknown>(value: unknown): T | undefined {
    if (value === undefined || value === null || value === UNKNOWN) return undefined;
    if (isSecret(value)) return undefined;
    return value as T;
}

/** Walks the neutral outputs: `outputAt(inv, "endpoints", "storage", "private")`. */
export function outputAt<T = unknown>(inv: StackInventory, ...path: string[]): T | undefined {
    let v: unknown = inv.outputs;
    for (const p of path) {
        if (!v || typeof v !== "object") return undefined;
        v = (v as Record<string, unknown>)[p];
    }
    return known<T>(v);
}
