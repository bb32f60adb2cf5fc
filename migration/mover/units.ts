// The shard's units and their listings. A unit is a top-level prefix of a route's container, or of its bucket:
// the verification takes the union of both sides, so a prefix the source never had, or whose every object was
// deleted at the source, is still listed by exactly one shard ("nothing extra" holds over whole buckets).

import { MARKER_KEY } from "./control";
import { MoverContext } from "./context";
import { Unit, ownedBy } from "./plan";
import { SourceBlob } from "./source";
import { TargetObject } from "./target";

export async function ownedUnits(ctx: Pick<MoverContext, "source" | "targetFor" | "routes" | "shard">,
                                 sides: { target: boolean }): Promise<Unit[]> {
    const units: Unit[] = [];
    for (const route of ctx.routes) {
        const prefixes = new Set(await ctx.source.topLevelUnits(route.container));
        if (sides.target) for (const p of await ctx.targetFor(route.scope).topLevelPrefixes(route.bucket)) prefixes.add(p);
        for (const prefix of [...prefixes].sort()) {
            const unit = { route, prefix };
            if (ownedBy(unit, ctx.shard)) units.push(unit);
        }
    }
    return units;
}

export async function listSource(ctx: Pick<MoverContext, "source">, unit: Unit): Promise<Map<string, SourceBlob>> {
    const out = new Map<string, SourceBlob>();
    for await (const blob of ctx.source.list(unit.route.container, unit.prefix)) out.set(blob.name, blob);
    return out;
}

/** The unit's objects on the target, without the mover's own record. */
export async function listTarget(ctx: Pick<MoverContext, "targetFor">, unit: Unit): Promise<Map<string, TargetObject>> {
    const out = new Map<string, TargetObject>();
    for await (const o of ctx.targetFor(unit.route.scope).list(unit.route.bucket, unit.prefix)) {
        if (o.key !== MARKER_KEY) out.set(o.key, o);
    }
    return out;
}
