// Neutral sizes to OVH offers: node sizes to MKS flavours, pools to one pool per availability zone, catalogue
// tiers to managed-database plans. Pure functions, tested without Pulumi.

import { NodeSize, PoolSpec, key } from "../../components/model";
import { ConfigError } from "../../components/errors";

/** General-purpose third-generation flavours, offered in the 3-AZ region and in GRA/SBG/RBX. */
export const NODE_FLAVOURS: Readonly<Record<NodeSize, string>> = {
    small: "b3-8",
    medium: "b3-16",
    large: "b3-32",
    xlarge: "b3-64",
};

/** One OVH node pool: MKS pools take a single availability zone each, so a spread pool is one pool per zone. */
export interface ZonePool {
    /** The zone, or undefined in a single-zone region. */
    readonly zone?: string;
    readonly desiredNodes: number;
    readonly minNodes: number;
    readonly maxNodes: number;
}

/** The `index`-th of `parts` near-equal shares of `total`; earlier shares take the remainder. */
function share(total: number, parts: number, index: number): number {
    return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/**
 * Splits a neutral pool over the zones. Shares are monotone in the total, so every zone keeps
 * min <= desired <= max. A multi-zone region needs at least one node per zone, or a zone would be empty.
 */
export function spreadPool(poolKey: string, pool: PoolSpec, zones: readonly string[]): ZonePool[] {
    if (zones.length <= 1) {
        return [{ zone: zones[0], desiredNodes: pool.nodes, minNodes: pool.minNodes, maxNodes: pool.maxNodes }];
    }
    if (pool.minNodes < zones.length) {
        throw ConfigError.single(key(`compute.${poolKey}.minNodes`), pool.minNodes,
            `at least ${zones.length} on OVHcloud in this region: one node in each availability zone ` +
            `(${zones.join(", ")}), so that losing a zone leaves the pool running`);
    }
    return zones.map((zone, i) => ({
        zone,
        desiredNodes: share(pool.nodes, zones.length, i),
        minNodes: share(pool.minNodes, zones.length, i),
        maxNodes: share(pool.maxNodes, zones.length, i),
    }));
}

/** Managed PostgreSQL plans the health-data hosting (HDS) certification covers, with their node counts. */
export const CERTIFIED_PLANS: Readonly<Record<string, { readonly nodes: number }>> = {
    business: { nodes: 2 },
    enterprise: { nodes: 3 },
};

export interface CatalogPlan {
    readonly plan: string;
    readonly nodes: number;
}

/** The OVH plan for a catalogue tier; "essential" (one node, outside HDS) and anything unknown are refused. */
export function catalogPlan(tier: string): CatalogPlan {
    const plan = CERTIFIED_PLANS[tier];
    if (!plan) {
        throw ConfigError.single(key("catalog.tier"), tier,
            `one of ${Object.keys(CERTIFIED_PLANS).join(", ")}: the plans OVHcloud's HDS certification covers ` +
            `(the essential plan is a single node outside it)`);
    }
    return { plan: tier, nodes: plan.nodes };
}
