// From a rehearsal's measured throughput to the production migration's duration. Two limits apply and the larger
// time wins: bytes through the link (bandwidth x utilisation, or the pods' own ceiling if lower), and per-object
// round trips (small files cost a few requests each, however fast the link).

export interface ProjectionInput {
    /** Production volume, bytes. */
    readonly volumeBytes: number;
    /** Production object count. */
    readonly objects: number;
    /** Link bandwidth between Azure and the target, bits per second. */
    readonly bandwidthBitsPerSecond: number;
    /** Share of the link the migration can use once TCP/TLS/HTTP overhead and other traffic are counted. */
    readonly utilisation: number;
    /** Mover pods running at once (the Job's parallelism). */
    readonly pods: number;
    /** Objects in flight per pod. */
    readonly concurrency: number;
    /** Throughput one mover process reached in the rehearsal (its CPU ceiling for decrypt+hash+encrypt), bytes/s. */
    readonly measuredBytesPerSecondPerPod: number;
    /** Round-trip time to the source and the target, ms (production network, not loopback). */
    readonly roundTripMs: number;
    /** Requests per object: source GET, target PUT (or parts), key wrap, manifest. */
    readonly requestsPerObject: number;
}

export interface Projection {
    readonly seconds: number;
    readonly bottleneck: "link bandwidth" | "mover CPU" | "per-object round trips";
    readonly effectiveBytesPerSecond: number;
    readonly byteSeconds: number;
    readonly requestSeconds: number;
}

export function project(p: ProjectionInput): Projection {
    const link = (p.bandwidthBitsPerSecond / 8) * p.utilisation;
    const pods = p.pods * p.measuredBytesPerSecondPerPod;
    const effective = Math.min(link, pods);
    const byteSeconds = p.volumeBytes / effective;
    const requestSeconds = (p.objects * p.requestsPerObject * (p.roundTripMs / 1000)) / (p.pods * p.concurrency);
    const bottleneck = requestSeconds > byteSeconds ? "per-object round trips" : link <= pods ? "link bandwidth" : "mover CPU";
    return { seconds: Math.max(byteSeconds, requestSeconds), bottleneck, effectiveBytesPerSecond: effective, byteSeconds, requestSeconds };
}

const SIZE_UNITS: Record<string, number> = {
    b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, pb: 1e15,
    kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, pib: 2 ** 50,
};

/** "120TiB", "80 TB", "512GiB" -> bytes. */
export function parseSize(text: string): number {
    const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
    const unit = (m?.[2] || "b").toLowerCase();
    if (!m || !(unit in SIZE_UNITS)) throw new Error(`"${text}" is not a size: a number and B, KB, MB, GB, TB, PB or KiB..PiB, e.g. 120TiB`);
    return Number(m[1]) * SIZE_UNITS[unit];
}

const RATE_UNITS: Record<string, number> = { "bit/s": 1, "kbit/s": 1e3, "mbit/s": 1e6, "gbit/s": 1e9, bps: 1, kbps: 1e3, mbps: 1e6, gbps: 1e9 };

/** "10Gbit/s", "500 Mbps" -> bits per second. */
export function parseBandwidth(text: string): number {
    const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z/]+)\s*$/.exec(text);
    const unit = m?.[2].toLowerCase() ?? "";
    if (!m || !(unit in RATE_UNITS)) throw new Error(`"${text}" is not a bandwidth: a number and bit/s, Mbit/s, Gbit/s (or bps, Mbps, Gbps), e.g. 10Gbit/s`);
    return Number(m[1]) * RATE_UNITS[unit];
}

export function formatDuration(seconds: number): string {
    if (!Number.isFinite(seconds)) return "never (no throughput measured)";
    const d = Math.floor(seconds / 86400);
    const h = Math.floor((seconds % 86400) / 3600);
    const m = Math.ceil((seconds % 3600) / 60);
    return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${Math.max(m, 1)} min`;
}
