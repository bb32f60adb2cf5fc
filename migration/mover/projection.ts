// From measured figures to the production migration's duration. Four limits apply, and the largest wins:
//   - the link: every byte crosses it once to be copied, and the bytes of blobs without a Content-MD5 cross it a
//     second time when the verification re-reads them (bandwidth x utilisation);
//   - the pods' CPU: each pod copies at its measured ceiling (checks, decryption, hashing, encryption), then
//     verifies at its decryption ceiling;
//   - round trips: requests per object (list, source GETs of at most 4 MiB when checked by range, target PUT or
//     multipart parts), each costing a round trip, with `concurrency` objects in flight per pod;
//   - the target's key services: one wrap and one unwrap per route and pod run, plus the verification's unwraps, at
//     the rate the key service allows;
//   - the source's key service: a blob written with Azure client-side encryption carries its own content key, which
//     the source's key (Key Vault) unwraps at the copy and again at the verification's re-read: one call per object
//     there, at Key Vault's documented rate.
// The result names the bottleneck, and whether the move fits in the window.

export interface ProjectionInput {
    /** Production volume, bytes. */
    readonly volumeBytes: number;
    /** Production object count. */
    readonly objects: number;
    /** Share of the volume in blobs with no Content-MD5 (checked by range at copy, re-read by the verification). */
    readonly unchecksummedShare: number;
    /** Link bandwidth between Azure and the target, bits per second. */
    readonly bandwidthBitsPerSecond: number;
    /** Share of the link the migration can use once TCP/TLS/HTTP overhead and other traffic are counted. */
    readonly utilisation: number;
    /** Mover pods running at once (the Job's parallelism). */
    readonly pods: number;
    /** Shards (the Job's completions): each pod run wraps a data key per route. */
    readonly shards: number;
    /** Routes (containers): zones and research projects. */
    readonly routes: number;
    /** Objects in flight per pod. */
    readonly concurrency: number;
    /** A pod's measured copy ceiling (in memory: no network), bytes/s. */
    readonly podCopyBytesPerSecond: number;
    /** A pod's measured verification ceiling (decrypt and hash), bytes/s. */
    readonly podVerifyBytesPerSecond: number;
    /** Round-trip time to the source and the target, ms (production network, not loopback). */
    readonly roundTripMs: number;
    /** Key-service calls per second the migration may make (the service's limit, or what its operator grants). */
    readonly keyServiceCallsPerSecond: number;
    /** Share of the objects written with Azure client-side encryption (each has its own content key). */
    readonly clientSideShare: number;
    /** Unwraps per second the source's key service allows (Key Vault: per vault and region). */
    readonly sourceKeyCallsPerSecond: number;
    /** Runs of every shard (the first move, and the cutover's final run). */
    readonly runs: number;
    /** The window the move must fit in, seconds. */
    readonly windowSeconds: number;
    readonly partSize: number;
    readonly rangeSize: number;
}

export type Bottleneck = "link bandwidth" | "mover CPU" | "per-object round trips" | "key service" | "source key service";

export interface Projection {
    readonly seconds: number;
    readonly bottleneck: Bottleneck;
    readonly fitsWindow: boolean;
    /** What the window needs, when it does not fit: the limit to raise and by how much. */
    readonly prevents?: string;
    readonly limits: {
        readonly linkSeconds: number;
        readonly cpuSeconds: number;
        readonly requestSeconds: number;
        readonly keyServiceSeconds: number;
        readonly sourceKeySeconds: number;
    };
    readonly linkBytes: number;
    readonly effectiveLinkBytesPerSecond: number;
    readonly requests: number;
    readonly keyServiceCalls: { readonly wrap: number; readonly unwrap: number; readonly total: number };
    /** Unwraps of client-side blobs' content keys by the source's key service (copy and verification). */
    readonly sourceKeyCalls: number;
    /** What one wrap per object (the design this replaces) would have cost at the same rate. */
    readonly perObjectKeyCalls: { readonly calls: number; readonly seconds: number };
}

export function project(p: ProjectionInput): Projection {
    const link = (p.bandwidthBitsPerSecond / 8) * p.utilisation;
    const linkBytes = p.volumeBytes * (1 + p.unchecksummedShare);
    const linkSeconds = linkBytes / link;
    const cpuSeconds = p.volumeBytes / (p.pods * p.podCopyBytesPerSecond) + p.volumeBytes / (p.pods * p.podVerifyBytesPerSecond);
    const averageObject = p.volumeBytes / Math.max(p.objects, 1);
    // Per object: the source GET (one per range of at most 4 MiB for blobs checked by range, at copy and again at
    // the verification's re-read), the target PUT (or create, parts, complete), the verification's target GET, and
    // a share of the listings (pages of up to 5,000 names, source and target, move and verify).
    const sourceGets = p.objects + ((p.volumeBytes * p.unchecksummedShare) / p.rangeSize) * 2;
    const targetWrites = averageObject > p.partSize ? p.objects * (2 + Math.ceil(averageObject / p.partSize)) : p.objects;
    const listings = (p.objects / 5000) * 4;
    const requests = sourceGets + targetWrites + p.objects + listings;
    const requestSeconds = (requests * (p.roundTripMs / 1000)) / (p.pods * p.concurrency);
    const wrap = p.shards * p.routes * p.runs;
    const unwrap = p.shards * p.routes * p.runs /* the pre-flight's proof */ + p.shards * p.routes * p.runs /* the verification's */;
    const keyServiceSeconds = (wrap + unwrap) / p.keyServiceCallsPerSecond;
    const sourceKeyCalls = Math.ceil(p.objects * p.clientSideShare) * 2;
    const sourceKeySeconds = sourceKeyCalls / p.sourceKeyCallsPerSecond;
    const limits = { linkSeconds, cpuSeconds, requestSeconds, keyServiceSeconds, sourceKeySeconds };
    const ranked: [Bottleneck, number][] = [
        ["link bandwidth", linkSeconds], ["mover CPU", cpuSeconds], ["per-object round trips", requestSeconds], ["key service", keyServiceSeconds],
        ["source key service", sourceKeySeconds],
    ];
    const [bottleneck, seconds] = ranked.reduce((a, b) => (b[1] > a[1] ? b : a));
    const fitsWindow = seconds <= p.windowSeconds;
    const perObjectCalls = p.objects * p.runs * 2;
    return {
        seconds, bottleneck, fitsWindow, limits, linkBytes, effectiveLinkBytesPerSecond: link, requests,
        prevents: fitsWindow ? undefined : prevents(bottleneck, seconds, p),
        keyServiceCalls: { wrap, unwrap, total: wrap + unwrap }, sourceKeyCalls,
        perObjectKeyCalls: { calls: perObjectCalls, seconds: perObjectCalls / p.keyServiceCallsPerSecond },
    };
}

function prevents(bottleneck: Bottleneck, seconds: number, p: ProjectionInput): string {
    const factor = seconds / p.windowSeconds;
    const need = (what: string) => `${what} ${factor.toFixed(2)} times`;
    switch (bottleneck) {
        case "link bandwidth":
            return `the link: ${need("raise the usable bandwidth")} (or lower the share of blobs without a Content-MD5, ` +
                `${Math.round(p.unchecksummedShare * 100)}% of the volume, whose verification reads them a second time)`;
        case "mover CPU":
            return `the pods' CPU: ${need("raise the pods running at once (parallelism) or their CPU")}`;
        case "per-object round trips":
            return `round trips: ${need("raise the objects in flight per pod (concurrency) or the pods")}`;
        case "key service":
            return `the key service: ${need("raise its allowed rate")}`;
        case "source key service":
            return `the source's key service: ${Math.round(p.clientSideShare * 100)}% of the objects are client-side encrypted, one unwrap each ` +
                `at copy and at verification; ${need("raise its rate (spread the keys over more vaults, or software-protected keys)")}`;
    }
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
