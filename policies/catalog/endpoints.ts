// Where a portable provider's endpoint lives. A MinIO/S3 bucket, a Vault key or a Kubernetes object carries no
// region of its own: it is where the server its provider talks to is. Hosts are matched against this table; a
// host it does not know cannot be placed, and the rules that need a place fail closed on it.

import { Cloud } from "./regions";
import { Service } from "./services";

export interface EndpointEntry {
    readonly cloud: Cloud;
    readonly service: Service;
    /** Matched against the lower-cased host name; a capture group named `region` gives the region. */
    readonly host: RegExp;
    /** The region when the host pattern does not capture it. */
    readonly region?: string;
    readonly asOf: string;
    readonly source: string;
}

/** Where an endpoint was found to be. */
export type Placement =
    | { readonly kind: "cloud"; readonly cloud: Cloud; readonly service: Service; readonly region?: string; readonly host: string }
    /** A cluster-internal or private address: the service runs inside the warehouse's own network. */
    | { readonly kind: "private"; readonly host: string }
    | { readonly kind: "unknown"; readonly host?: string; readonly reason: string };

export const ENDPOINTS: readonly EndpointEntry[] = [
    {
        cloud: "cloudtemple", service: "storage", host: /^[a-z0-9-]+\.s3\.fr1\.cloud-temple\.com$/, region: "FR1",
        asOf: "2026-11-24", source: "https://docs.cloud-temple.com/storage/oss/quickstart",
    },
    {
        cloud: "ovhcloud", service: "storage", host: /^s3\.(?<region>[a-z0-9-]+)\.io\.cloud\.ovh\.net$/,
        asOf: "2026-11-24", source: "OVHcloud Object Storage S3 endpoints s3.<region>.io.cloud.ovh.net (OVHcloud Object Storage documentation; URL not recorded)",
    },
    {
        cloud: "ovhcloud", service: "key-management", host: /^(?<region>[a-z]+-[a-z]+-[a-z]+)\.okms\.ovh\.net$/,
        asOf: "2026-11-24", source: "https://help.ovhcloud.com/csm/en-kms-quick-start",
    },
];

/** Reads the host from a URL or a bare `host[:port]`. */
export function hostOf(endpoint: string): string | undefined {
    const trimmed = endpoint.trim().toLowerCase();
    if (trimmed === "") return undefined;
    try {
        return new URL(trimmed.includes("://") ? trimmed : `https://${trimmed}`).hostname.replace(/^\[|\]$/g, "");
    } catch {
        return undefined;
    }
}

/** Whether a host only resolves inside a private network: cluster DNS, RFC 1918/6598 addresses, localhost. */
export function isPrivateHost(host: string): boolean {
    if (/\.svc(\.cluster\.local)?$/.test(host) || host === "localhost" || /\.internal$/.test(host)) return true;
    const octets = host.split(".").map(Number);
    if (octets.length !== 4 || octets.some(o => !Number.isInteger(o) || o < 0 || o > 255)) return false;
    const [a, b] = octets;
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
        (a === 100 && b >= 64 && b <= 127);
}

export function placeEndpoint(endpoint: unknown, endpoints: readonly EndpointEntry[] = ENDPOINTS): Placement {
    if (typeof endpoint !== "string") return { kind: "unknown", reason: "the provider names no endpoint" };
    const host = hostOf(endpoint);
    if (!host) return { kind: "unknown", reason: `"${endpoint}" is not a host or URL` };
    if (isPrivateHost(host)) return { kind: "private", host };
    for (const e of endpoints) {
        const m = e.host.exec(host);
        if (m) return { kind: "cloud", cloud: e.cloud, service: e.service, region: m.groups?.region ?? e.region, host };
    }
    return { kind: "unknown", host, reason: `host ${host} is not in the endpoint catalogue` };
}

