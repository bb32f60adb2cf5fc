// The migration's record in each target bucket, `.hdw-mover/migration.json`: the shard count every mover of this
// migration must use. The first mover creates it with If-None-Match: *; every later one finds it (its create is
// refused with 412) and compares. A run with another count would split the source differently and overlap the
// others, so it is refused before it writes anything. The same create also proves the target honours conditional
// writes: a second create of an existing object that succeeds means it ignores If-None-Match, and concurrent
// movers could overwrite each other there, so the run stops.

import { Readable } from "stream";
import { CONTROL_PREFIX } from "./plan";
import { EndpointError } from "./requests";
import { TargetStore } from "./target";

export const MARKER_KEY = `${CONTROL_PREFIX}migration.json`;
const MARKER_FORMAT = "hdw-mover-migration/1";

export class ControlError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ControlError";
    }
}

function markerBody(shards: number): Buffer {
    return Buffer.from(JSON.stringify({ format: MARKER_FORMAT, shards }) + "\n");
}

async function create(target: TargetStore, bucket: string, shards: number): Promise<boolean> {
    const body = markerBody(shards);
    try {
        await target.put(bucket, MARKER_KEY, Readable.from([body]), body.length, { ifNoneMatch: "*" });
        return true;
    } catch (e) {
        if (e instanceof EndpointError && e.kind === "precondition") return false;
        throw e;
    }
}

/** Claims `bucket` for a migration of `shards` shards, or checks the claim already there. */
export async function claimShardCount(target: TargetStore, bucket: string, shards: number): Promise<void> {
    if (await create(target, bucket, shards)) {
        // We created it: a second create must now be refused, or conditional writes are not enforced here.
        if (await create(target, bucket, shards)) {
            throw new ControlError(`target ${target.endpoint.host}: bucket ${bucket} accepted a second create of ${MARKER_KEY} with ` +
                "If-None-Match: *: it ignores conditional writes, so concurrent movers could overwrite each other's objects");
        }
        return;
    }
    const got = await target.get(bucket, MARKER_KEY);
    const chunks: Buffer[] = [];
    for await (const c of got.body) chunks.push(c as Buffer);
    let marker: any;
    try {
        marker = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
        throw new ControlError(`bucket ${bucket}: ${MARKER_KEY} is not the mover's record (not JSON): remove it or find who wrote it`);
    }
    if (marker?.format !== MARKER_FORMAT || !Number.isSafeInteger(marker.shards)) {
        throw new ControlError(`bucket ${bucket}: ${MARKER_KEY} is not the mover's record (format ${JSON.stringify(marker?.format)})`);
    }
    if (marker.shards !== shards) {
        throw new ControlError(`bucket ${bucket} is being moved with a shard count of ${marker.shards}; this run has ${shards}: ` +
            "another count splits the source differently and would overlap the other shards (set SHARD_COUNT to " +
            `${marker.shards}, or start the migration again on empty buckets)`);
    }
}
