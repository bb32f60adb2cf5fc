// What to move where, and which shard moves it. A route maps a source container to a target bucket and the key
// that protects it; the work is split into units (a top-level prefix of the container or of the bucket) and each
// unit belongs to exactly one shard by a stable hash of (container, prefix), so N pods of an indexed Job cover
// everything once without talking to each other. The assignment depends only on the count: a run with another count
// would overlap others, and is refused (control.ts).

import * as crypto from "crypto";

/** How the source stored the bytes: encrypted by the storage service (reads are plaintext) or by the client. */
export const SOURCE_ENCRYPTIONS = ["service-side", "client-side-v2"] as const;
export type SourceEncryption = typeof SOURCE_ENCRYPTIONS[number];

/** What the target stack declares for a bucket, checked before the first object (preflight.ts). */
export interface BucketProtectionsExpected {
    /** Versioning enabled: overwritten and deleted objects stay recoverable. */
    readonly versioning: boolean;
    /** Object Lock with a default retention of at least `days` (in `mode`, when the stack fixes one). */
    readonly objectLock?: { readonly mode?: "COMPLIANCE" | "GOVERNANCE"; readonly days: number };
    /** A lifecycle rule expiring noncurrent versions after this many days. */
    readonly noncurrentVersionExpirationDays?: number;
    /** A lifecycle rule aborting incomplete multipart uploads after this many days. */
    readonly abortIncompleteMultipartUploadDays?: number;
}

export interface Route {
    readonly container: string;
    readonly bucket: string;
    /** The target key that wraps the data keys of this route's objects. */
    readonly keyId: string;
    /** Whose credentials write to the bucket and use the key (a project id, or "platform"). */
    readonly scope: string;
    readonly sourceEncryption: SourceEncryption;
    readonly protections?: BucketProtectionsExpected;
}

export interface Unit {
    readonly route: Route;
    /** A top-level prefix such as "cohort-2024/", or "" for the objects at the root. */
    readonly prefix: string;
}

export interface Shard {
    readonly index: number;
    readonly count: number;
}

/** Where the mover keeps its own records in a target bucket; the source may hold nothing under it. */
export const CONTROL_PREFIX = ".hdw-mover/";

/** The shard a unit belongs to: a stable hash of container and prefix, independent of listing order. */
export function shardOf(container: string, prefix: string, count: number): number {
    const digest = crypto.createHash("sha256").update(`${container}\n${prefix}`).digest();
    return digest.readUInt32BE(0) % count;
}

export function ownedBy(unit: { route: { container: string }; prefix: string }, shard: Shard): boolean {
    return shardOf(unit.route.container, unit.prefix, shard.count) === shard.index;
}

export function validateShard(shard: Shard): void {
    if (!Number.isInteger(shard.count) || shard.count < 1) throw new Error(`shard count must be a positive integer, got ${shard.count}`);
    if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
        throw new Error(`shard index must be from 0 to ${shard.count - 1}, got ${shard.index}`);
    }
}

/** The unit an object name falls in: its top-level prefix, or "" at the root. */
export function unitOf(name: string): string {
    const slash = name.indexOf("/");
    return slash === -1 ? "" : name.slice(0, slash + 1);
}
