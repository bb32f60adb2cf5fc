// IPv4 CIDR arithmetic: enough to validate blocks and carve the warehouse's subnets from its address space.

export interface Cidr {
    /** The network address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefix: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set (a likely typo). */
export function parseCidr(text: string): Cidr | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!match) return undefined;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some(o => o > 255) || prefix > 32) return undefined;
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    if ((base & ~mask(prefix)) >>> 0 !== 0) return undefined;
    return { base, prefix };
}

export function formatCidr(block: Cidr): string {
    const b = block.base;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${block.prefix}`;
}

/** Whether two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
    const prefix = Math.min(a.prefix, b.prefix);
    return ((a.base & mask(prefix)) >>> 0) === ((b.base & mask(prefix)) >>> 0);
}

/** The `index`-th sub-block of length `prefix` inside `block`. */
export function subnet(block: Cidr, prefix: number, index: number): Cidr {
    if (prefix < block.prefix || prefix > 32) throw new RangeError(`/${prefix} does not fit in /${block.prefix}`);
    const count = 2 ** (prefix - block.prefix);
    if (index < 0 || index >= count) throw new RangeError(`subnet ${index} out of ${count}`);
    return { base: (block.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}

function mask(prefix: number): number {
    return prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
}

/** The subnets every target carves from the warehouse's address space, so that addresses match across clouds. */
export interface SubnetPlan {
    /** Cluster nodes (and pods where the cluster routes them natively): the first half of the space. */
    readonly cluster: string;
    /** Private endpoints of storage, keys and the catalogue. */
    readonly endpoints: string;
    /** The catalogue database (delegated subnet where the platform needs one). */
    readonly database: string;
    /** The egress gateway or load-balancer subnet. */
    readonly gateway: string;
}

export function planSubnets(addressSpace: string): SubnetPlan {
    const space = parseCidr(addressSpace);
    if (!space) throw new RangeError(`not a CIDR block: ${addressSpace}`);
    const small = Math.max(space.prefix + 2, 24);
    // The third quarter holds the /24s for endpoints, database and gateway, in that order; the rest is spare.
    const quarter = subnet(space, space.prefix + 2, 2);
    return {
        cluster: formatCidr(subnet(space, space.prefix + 1, 0)),
        endpoints: formatCidr(subnet(quarter, small, 0)),
        database: formatCidr(subnet(quarter, small, 1)),
        gateway: formatCidr(subnet(quarter, small, 2)),
    };
}
