// Addresses as the verifiers compare them: IPv4 CIDRs, cloud service tags, `internet` (a public address no rule
// names), and how much of one a rule's prefix covers: all of it, some of it, or none.

export type Cover = 0 | 1 | 2;
export const NONE: Cover = 0;
export const SOME: Cover = 1;
export const ALL: Cover = 2;

export interface Block {
    readonly base: number;
    readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** `a.b.c.d/n` (or a single address) as a block; undefined when it is not one. */
export function block(text: string): Block | undefined {
    const m = CIDR.exec(text.trim());
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = m[5] === undefined ? 32 : Number(m[5]);
    if (octets.some(o => o > 255) || prefix > 32) return undefined;
    const raw = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    return { base: (raw & mask(prefix)) >>> 0, prefix };
}

function mask(prefix: number): number {
    return prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
}

/** Whether `outer` contains all of `inner`. */
export function contains(outer: Block, inner: Block): boolean {
    return outer.prefix <= inner.prefix && ((inner.base & mask(outer.prefix)) >>> 0) === outer.base;
}

export function overlaps(a: Block, b: Block): boolean {
    const p = Math.min(a.prefix, b.prefix);
    return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"]
    .map(c => block(c)!);

/** Whether a block lies in private, shared or link-local space (never on the internet). */
export function isPrivate(b: Block): boolean {
    return PRIVATE.some(p => contains(p, b));
}

/** How much of a CIDR `inner` a CIDR `outer` covers. */
export function coverCidr(outer: Block, inner: Block): Cover {
    if (contains(outer, inner)) return ALL;
    return overlaps(outer, inner) ? SOME : NONE;
}

/** An address of a flow's end: a CIDR block, the internet at large, or a named service tag. */
export type Address = { readonly kind: "cidr"; readonly block: Block; readonly text: string }
    | { readonly kind: "internet" } | { readonly kind: "tag"; readonly name: string };

export function address(text: string): Address {
    if (text === "internet") return { kind: "internet" };
    const b = block(text);
    return b ? { kind: "cidr", block: b, text } : { kind: "tag", name: text };
}

/** Whether an address is on the internet (not private, not the network's own, not a private tag). */
export function isPublic(a: Address, networkSpace: readonly Block[] = []): boolean {
    if (a.kind === "internet") return true;
    if (a.kind === "tag") return !["virtualnetwork", "azureloadbalancer"].includes(a.name.toLowerCase());
    return !isPrivate(a.block) && !networkSpace.some(s => overlaps(s, a.block));
}

/** How much of an address a plain CIDR list covers (ipBlock, EgressFirewall, firewall network rules...). */
export function coverByCidrs(cidrs: readonly string[], a: Address, except: readonly string[] = []): Cover {
    let best: Cover = NONE;
    for (const c of cidrs) {
        const outer = block(c);
        if (!outer) continue;
        let cover: Cover;
        if (a.kind === "cidr") cover = coverCidr(outer, a.block);
        // `internet` is an address no rule names: only a rule for the whole address space reaches it.
        else cover = outer.prefix === 0 ? ALL : NONE;
        if (cover === NONE) continue;
        const cut = except.map(block).filter((e): e is Block => !!e);
        if (a.kind === "cidr") {
            if (cut.some(e => contains(e, a.block))) cover = NONE;
            else if (cut.some(e => overlaps(e, a.block))) cover = Math.min(cover, SOME) as Cover;
        } else if (a.kind === "internet" && cut.length > 0 && cover === ALL) {
            // An exception list that removes only private space leaves the internet whole.
            cover = cut.every(isPrivate) ? ALL : SOME;
        }
        if (cover > best) best = cover;
    }
    return best;
}
