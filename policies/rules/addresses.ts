// How much of the internet an address, range, CIDR or service tag lets in. Firewall rules and network security
// rules spell "everyone" many ways: `*`, `Any`, `Internet`, `0.0.0.0/0`, `0.0.0.0`-`255.255.255.255`, `::/0`, or a
// few very wide prefixes; `0.0.0.0` alone means "every Azure service, of every tenant" to SQL, the database
// servers, Synapse and Cosmos DB (their "allow Azure services" switch).

export type Openness =
    | { readonly open: false }
    | { readonly open: true; readonly what: "internet" | "azure"; readonly describe: string };

const CLOSED: Openness = { open: false };
const WORLD_TOKENS = new Set(["*", "any", "internet", "0.0.0.0/0", "::/0", "::", "0::0/0", "all"]);

/** Private, shared and reserved IPv4 blocks: [first, last] as numbers. */
const NOT_INTERNET: readonly (readonly [number, number])[] = [
    ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
    ["192.168.0.0", 16], ["224.0.0.0", 3],
].map(([base, bits]) => { const b = ipv4(base as string)!; return [b, b + 2 ** (32 - (bits as number)) - 1] as const; });

/** A dotted IPv4 address as a number, or undefined. */
export function ipv4(text: string): number | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
    if (!m) return undefined;
    const parts = m.slice(1).map(Number);
    if (parts.some(p => p > 255)) return undefined;
    return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}

/** An IPv4 address or CIDR as a range [first, last], or undefined. */
export function ipv4Range(text: string): readonly [number, number] | undefined {
    const [addr, bits] = text.trim().split("/");
    const base = ipv4(addr);
    if (base === undefined) return undefined;
    if (bits === undefined) return [base, base];
    const n = Number(bits);
    if (!/^\d{1,2}$/.test(bits) || n > 32) return undefined;
    const size = 2 ** (32 - n);
    const first = Math.floor(base / size) * size;
    return [first, first + size - 1];
}

/** How many internet (not private or reserved) IPv4 addresses a range holds. */
function internetAddresses([first, last]: readonly [number, number]): number {
    let count = last - first + 1;
    for (const [a, b] of NOT_INTERNET) {
        const lo = Math.max(a, first), hi = Math.min(b, last);
        if (lo <= hi) count -= hi - lo + 1;
    }
    return count;
}

/** A range this wide (a /8 of internet addresses or more) is "the internet" for a firewall. */
const WIDE = 2 ** 24;

function judgeRange(range: readonly [number, number], label: string): Openness {
    const count = internetAddresses(range);
    if (count >= internetAddresses([0, 2 ** 32 - 1])) return { open: true, what: "internet", describe: `${label} (every internet address)` };
    if (count >= WIDE) return { open: true, what: "internet", describe: `${label} (${Math.round(count / 2 ** 24)} /8 blocks of internet addresses)` };
    return CLOSED;
}

/** Whether one address, CIDR or service tag opens a rule to the internet (or, with `zeroMeansAzure`, to all of Azure). */
export function openness(value: unknown, zeroMeansAzure = false): Openness {
    if (typeof value !== "string") return CLOSED;
    const v = value.trim().toLowerCase();
    if (zeroMeansAzure && (v === "0.0.0.0" || v === "0.0.0.0/32")) {
        return { open: true, what: "azure", describe: `${value} ("allow Azure services": every Azure tenant's resources)` };
    }
    if (WORLD_TOKENS.has(v) || v === "0.0.0.0") return { open: true, what: "internet", describe: `${value} (the whole internet)` };
    if (v.includes(":")) {
        const bits = Number(v.split("/")[1]);
        return v.includes("/") && bits <= 16 ? { open: true, what: "internet", describe: `${value} (a /${bits} of IPv6 internet addresses)` } : CLOSED;
    }
    const range = ipv4Range(v);
    return range ? judgeRange(range, value) : CLOSED;
}

/** Whether a start-end address range opens a rule to the internet (or, with `zeroMeansAzure`, 0.0.0.0-0.0.0.0 to all of Azure). */
export function rangeOpenness(start: unknown, end: unknown, zeroMeansAzure = false): Openness {
    if (typeof start !== "string" || typeof end !== "string") return CLOSED;
    const a = ipv4(start), b = ipv4(end);
    if (a === undefined || b === undefined) return CLOSED;
    if (zeroMeansAzure && a === 0 && b === 0) {
        return { open: true, what: "azure", describe: `${start}-${end} ("allow Azure services": every Azure tenant's resources)` };
    }
    return a <= b ? judgeRange([a, b], `${start}-${end}`) : CLOSED;
}
