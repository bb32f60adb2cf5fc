// Before the first object: every key the shard will use wraps and unwraps (one login per token: a refused PIN stops
// here, before a second attempt could lock it), every source container exists and holds nothing under the mover's
// reserved prefix, every bucket exists with the protections the stack declares (versioning, Object Lock, lifecycle
// rules), honours conditional writes, and agrees on the migration's shard count. Every problem found is listed in
// one error, then the run stops (exit 2): none of them is fixed by retrying.

import { KeyServiceAuthError, isTransientKeyError } from "../keys/key-errors";
import { ControlError, claimShardCount } from "./control";
import { MoverContext } from "./context";
import { BucketProtectionsExpected, CONTROL_PREFIX, Route } from "./plan";
import { EndpointError } from "./requests";
import { BucketProtections } from "./target";

export class PreflightError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`pre-flight failed (${problems.length} problem${problems.length === 1 ? "" : "s"}): ${problems.join("; ")}`);
        this.name = "PreflightError";
    }
}

export async function preflight(ctx: MoverContext): Promise<void> {
    const problems: string[] = [];
    const note = (e: unknown) => {
        // Refused credentials stop at once: trying the next route with the same token could lock it.
        if (e instanceof KeyServiceAuthError || (e instanceof EndpointError && e.kind === "auth")) throw e;
        // An endpoint that stalls or is down is not a configuration problem: the pod fails and is retried later.
        if ((e instanceof EndpointError && e.kind === "transient") || isTransientKeyError(e)) throw e;
        problems.push((e as Error).message);
    };

    // Keys first: no side effect, and the most likely to be wrong.
    for (const keyId of [...new Set(ctx.routes.map(r => r.keyId))]) {
        await ctx.keys.forWriting(keyId).catch(e => note(e instanceof KeyServiceAuthError || isTransientKeyError(e) ? e : new Error(`key "${keyId}": ${(e as Error).message}`)));
    }
    for (const route of ctx.routes) {
        try {
            if (!(await ctx.source.containerExists(route.container))) {
                problems.push(`source container ${route.container} does not exist at ${ctx.source.endpoint.host}`);
                continue;
            }
            for await (const blob of ctx.source.list(route.container, CONTROL_PREFIX)) {
                problems.push(`source ${route.container}/${blob.name}: the prefix ${CONTROL_PREFIX} is reserved for the mover's records on the target`);
                break;
            }
        } catch (e) {
            note(e);
        }
    }
    for (const route of ctx.routes) {
        const target = ctx.targetFor(route.scope);
        try {
            if (!(await target.bucketExists(route.bucket))) {
                problems.push(`target bucket ${route.bucket} does not exist at ${target.endpoint.host}`);
                continue;
            }
            const auditor = ctx.targetFor(ctx.protectionsScope ?? route.scope);
            if (route.protections) problems.push(...protectionProblems(route, await auditor.protections(route.bucket)));
        } catch (e) {
            note(e);
        }
    }
    if (problems.length > 0) throw new PreflightError(problems);
    // Last, the one step that writes: the migration's record in each bucket (control.ts).
    for (const bucket of new Map(ctx.routes.map(r => [r.bucket, r])).values()) {
        try {
            await claimShardCount(ctx.targetFor(bucket.scope), bucket.bucket, ctx.shard.count);
        } catch (e) {
            if (e instanceof ControlError) problems.push(e.message);
            else note(e);
        }
    }
    if (problems.length > 0) throw new PreflightError(problems);
}

/** What the bucket lacks of what the stack declares for it. */
export function protectionProblems(route: Route, found: BucketProtections): string[] {
    const expected: BucketProtectionsExpected = route.protections!;
    const where = `target bucket ${route.bucket}`;
    const problems: string[] = [];
    if (expected.versioning && found.versioning !== "Enabled") problems.push(`${where}: versioning is ${found.versioning}, the stack declares it Enabled`);
    if (expected.objectLock) {
        const lock = found.objectLock;
        const declared = `${expected.objectLock.mode ?? "a default retention"} for ${expected.objectLock.days} days`;
        if (!lock) problems.push(`${where}: no Object Lock, the stack declares ${declared}`);
        else if ((expected.objectLock.mode && lock.mode !== expected.objectLock.mode) || (lock.days ?? 0) < expected.objectLock.days) {
            problems.push(`${where}: Object Lock default retention is ${lock.mode ?? "none"} for ${lock.days ?? 0} days, the stack declares ${declared}`);
        }
    }
    const rules = found.lifecycle.filter(r => r.enabled);
    if (expected.noncurrentVersionExpirationDays !== undefined &&
        !rules.some(r => r.noncurrentVersionExpirationDays === expected.noncurrentVersionExpirationDays)) {
        problems.push(`${where}: no lifecycle rule expiring noncurrent versions after ${expected.noncurrentVersionExpirationDays} days, as the stack declares`);
    }
    if (expected.abortIncompleteMultipartUploadDays !== undefined &&
        !rules.some(r => r.abortIncompleteMultipartUploadDays !== undefined && r.abortIncompleteMultipartUploadDays <= expected.abortIncompleteMultipartUploadDays!)) {
        problems.push(`${where}: no lifecycle rule aborting incomplete multipart uploads within ${expected.abortIncompleteMultipartUploadDays} days`);
    }
    return problems;
}
