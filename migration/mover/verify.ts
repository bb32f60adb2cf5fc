// The proof, from what the two sides hold now and not from what the mover recorded: for every unit of the shard
// (top-level prefixes of the container and of the bucket, so whole buckets are covered), both listings are read in
// full and compared both ways; every object on both sides is decrypted entirely under the route's key, its
// authenticated header must bind it to this bucket, key, scope, key and the source version listed now, and its
// plaintext is compared with the source: with the source's own Content-MD5 when it has one (service-side
// encryption), otherwise by reading the source again. An object whose header authenticates but whose body does not
// is unreadable for everyone: it is removed (If-Match on the ETag checked) so that the next move copies it again.

import * as crypto from "crypto";
import { pipeline } from "stream/promises";
import { Writable } from "stream";
import { openChecked } from "./checked-read";
import { MoverContext } from "./context";
import { Verdict, inspectFully, verdictOf } from "./inspect";
import { Route } from "./plan";
import { forEachLimited } from "./pool";
import { EndpointError } from "./requests";
import { SourceBlob } from "./source";
import { TargetObject } from "./target";
import { listSource, listTarget, ownedUnits } from "./units";

export type ProblemKind = "missing" | "extra" | Verdict | "checksum-mismatch" | "unreadable";

export interface Problem {
    readonly kind: ProblemKind;
    readonly bucket: string;
    readonly key: string;
    readonly detail: string;
    /** What happens next: the next move copies it again, or a person decides. */
    readonly repair: "next move" | "decision";
}

export interface VerifyReport {
    readonly ok: boolean;
    readonly source: { readonly objects: number; readonly bytes: number };
    readonly target: { readonly objects: number; readonly plaintextBytes: number; readonly verified: number };
    /** How each verified object was compared with the source. */
    readonly checkedAgainst: { readonly contentMd5: number; readonly reread: number };
    readonly problems: readonly Problem[];
}

export interface VerifyOptions {
    readonly concurrency: number;
    /** `auto`: the source's Content-MD5 where it has one, re-read otherwise; `reread`: re-read every object. */
    readonly sourceCheck: "auto" | "reread";
}

export async function verify(ctx: MoverContext, options: VerifyOptions): Promise<VerifyReport> {
    const units = await ownedUnits(ctx, { target: true });
    const problems: Problem[] = [];
    const pairs: { route: Route; blob: SourceBlob; object: TargetObject }[] = [];
    let sourceObjects = 0;
    let sourceBytes = 0;
    let targetObjects = 0;
    for (const unit of units) {
        const [source, target] = await Promise.all([listSource(ctx, unit), listTarget(ctx, unit)]);
        sourceObjects += source.size;
        targetObjects += target.size;
        for (const blob of source.values()) {
            sourceBytes += blob.size;
            const object = target.get(blob.name);
            if (object) pairs.push({ route: unit.route, blob, object });
            else problems.push({ kind: "missing", bucket: unit.route.bucket, key: blob.name, detail: "not on the target", repair: "next move" });
        }
        for (const key of target.keys()) {
            if (source.has(key)) continue;
            problems.push({
                kind: "extra", bucket: unit.route.bucket, key, repair: "decision",
                detail: `on the target but not at the source (${unit.route.container}/${key}): deleted at the source, or written by someone else`,
            });
        }
    }
    ctx.progress.plan(pairs.length, pairs.reduce((n, p) => n + p.blob.size, 0));

    let plaintextBytes = 0;
    let verified = 0;
    const checkedAgainst = { contentMd5: 0, reread: 0 };
    await forEachLimited(pairs, options.concurrency, async ({ route, blob, object }) => {
        const report = (kind: ProblemKind, detail: string, repair: Problem["repair"] = "next move") => { problems.push({ kind, bucket: route.bucket, key: blob.name, detail, repair }); };
        /** Removes exactly the object checked (not one written since), so that the next move copies it again. */
        const removeThenReport = async (kind: ProblemKind, detail: string) => {
            const removed = await ctx.targetFor(route.scope).delete(route.bucket, blob.name, { ifMatch: object.etag }).then(() => true, () => false);
            report(kind, `${detail}${removed ? "; removed, the next move copies it again" : ""}`);
        };
        try {
            const md5Comparable = blob.contentMd5 !== undefined && options.sourceCheck === "auto";
            let digest;
            try {
                digest = await inspectFully({ keys: ctx.keys, account: ctx.source.account }, ctx.targetFor(route.scope), route, blob, object, { md5: md5Comparable });
            } catch (e) {
                const verdict = verdictOf(e);
                if (!verdict) throw e;
                // The header authenticated under the route's key, the body did not: nobody can read it.
                if (verdict === "corrupt") return removeThenReport(verdict, (e as Error).message);
                return report(verdict, (e as Error).message);
            }
            plaintextBytes += digest.size;
            // An authentic copy of this very source version whose plaintext is not the source's: the move's
            // inspection (header and trailer) would adopt it again, so it goes like a corrupt one.
            if (md5Comparable && digest.header.source.encryption === "service-side") {
                checkedAgainst.contentMd5++;
                if (digest.md5 !== blob.contentMd5) return removeThenReport("checksum-mismatch", "the plaintext's MD5 differs from the source's Content-MD5");
            } else {
                checkedAgainst.reread++;
                const sha256 = await reread(ctx, route, blob);
                if (sha256 !== digest.sha256) return removeThenReport("checksum-mismatch", "the plaintext's SHA-256 differs from the source's, read again now");
            }
            verified++;
        } catch (e) {
            if (e instanceof EndpointError && e.kind === "auth") throw e;
            // Could not be checked (network, key service): not a verdict on the object, but not a pass either.
            report("unreadable", `could not be verified: ${(e as Error).message}`, "next move");
        } finally {
            ctx.progress.objectDone(blob.size, false);
        }
    });
    ctx.progress.finish();
    return {
        ok: problems.length === 0,
        source: { objects: sourceObjects, bytes: sourceBytes },
        target: { objects: targetObjects, plaintextBytes, verified },
        checkedAgainst,
        problems: problems.sort((a, b) => `${a.bucket}/${a.key}`.localeCompare(`${b.bucket}/${b.key}`)),
    };
}

/** The source's plaintext SHA-256, read again now (checked against the source's own checksums as it streams). */
async function reread(ctx: MoverContext, route: Route, blob: SourceBlob): Promise<string> {
    const source = await openChecked(ctx.source, blob, route, ctx.sourceKeys);
    const hash = crypto.createHash("sha256");
    await pipeline(source.body, new Writable({ write(chunk, _enc, done) { hash.update(chunk); done(); } }));
    return hash.digest("hex");
}

