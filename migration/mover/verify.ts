// The proof: for every source object of the shard, the target holds an object that decrypts under the target key
// to plaintext of the same size and SHA-256 as the source's; and the target holds nothing the source does not.
// Counts and bytes are totalled on both sides. With `readSource`, the source is read again and hashed
// independently instead of trusting the hash the copy recorded (costs a second egress of the data).

import { Writable } from "stream";
import { pipeline } from "stream/promises";
import { EnvelopeDecryptor, associatedData, headerFromMetadata } from "./envelope";
import { Manifest } from "./manifest";
import { MoverContext, listUnits, ownedUnits, sameVersion } from "./mover";
import { forEachLimited } from "./pool";
import { HashTap, openSourcePlaintext } from "./streams";

export type ProblemKind = "missing" | "corrupt" | "size-mismatch" | "checksum-mismatch" | "not-in-manifest" | "changed-at-source" | "extra";

export interface Problem {
    readonly kind: ProblemKind;
    readonly bucket: string;
    readonly key: string;
    readonly detail: string;
}

export interface VerifyReport {
    readonly ok: boolean;
    readonly source: { readonly objects: number; readonly bytes: number };
    readonly target: { readonly objects: number; readonly plaintextBytes: number; readonly verified: number };
    readonly problems: readonly Problem[];
}

/** Verification reads what the move wrote, with the same sources, targets, keys and shard. */
export type VerifyContext = MoverContext;

export async function verify(ctx: VerifyContext, manifest: Manifest, options: { concurrency: number; readSource: boolean }): Promise<VerifyReport> {
    const units = await ownedUnits(ctx);
    const work = await listUnits(ctx, units);
    const problems: Problem[] = [];
    let targetObjects = 0;
    let plaintextBytes = 0;
    let verified = 0;
    const expected = new Set(work.map(w => `${w.route.bucket}\n${w.blob.name}`));

    // Anything on the target under the shard's units that the source does not have.
    for (const unit of units) {
        for await (const o of ctx.targetFor(unit.route.scope).list(unit.route.bucket, unit.prefix)) {
            if (unit.prefix === "" && o.key.includes("/")) continue;
            targetObjects++;
            if (!expected.has(`${unit.route.bucket}\n${o.key}`)) {
                problems.push({ kind: "extra", bucket: unit.route.bucket, key: o.key, detail: "on the target but not at the source" });
            }
        }
    }
    ctx.progress.plan(work.length, work.reduce((n, w) => n + w.blob.size, 0));

    await forEachLimited(work, options.concurrency, async ({ route, blob }) => {
        const report = (kind: ProblemKind, detail: string): void => { problems.push({ kind, bucket: route.bucket, key: blob.name, detail }); };
        try {
            const recorded = manifest.get(route.container, blob.name);
            if (!recorded) return report("not-in-manifest", "no copy of this object is recorded");
            if (!sameVersion(recorded.source, blob)) return report("changed-at-source", `copied from ${recorded.source.etag}, source is now ${blob.etag}`);
            const target = ctx.targetFor(route.scope);
            const head = await target.head(route.bucket, blob.name);
            if (!head) return report("missing", "not on the target");
            let actual: { size: number; sha256: string };
            try {
                const header = headerFromMetadata(head.metadata);
                const dataKey = await (await ctx.targetKeys(header.keyId)).unwrap(header.wrappedKey);
                const object = await target.get(route.bucket, blob.name);
                const decryptor = new EnvelopeDecryptor(dataKey, header, associatedData(blob.name), object.size);
                await pipeline(object.body, decryptor, drainSink());
                actual = decryptor.digest();
            } catch (e) {
                return report("corrupt", `does not decrypt under the target key: ${(e as Error).message}`);
            }
            plaintextBytes += actual.size;
            if (actual.size !== recorded.size) return report("size-mismatch", `${actual.size} bytes, ${recorded.size} recorded`);
            if (actual.sha256 !== recorded.sha256) return report("checksum-mismatch", "plaintext SHA-256 differs from the one recorded at copy time");
            if (options.readSource) {
                const src = await openSourcePlaintext(ctx.source, blob, route, ctx.sourceKeys);
                const tap = new HashTap("sha256", "hex");
                await pipeline([...src.stages, tap, drainSink()] as any);
                if (tap.digest() !== actual.sha256) return report("checksum-mismatch", "plaintext SHA-256 differs from the source's, read again now");
            }
            verified++;
        } finally {
            ctx.progress.objectDone(blob.size, false);
        }
    });
    ctx.progress.finish();
    return {
        ok: problems.length === 0,
        source: { objects: work.length, bytes: work.reduce((n, w) => n + w.blob.size, 0) },
        target: { objects: targetObjects, plaintextBytes, verified },
        problems: problems.sort((a, b) => `${a.bucket}/${a.key}`.localeCompare(`${b.bucket}/${b.key}`)),
    };
}

/** Consumes decrypted plaintext: verification needs its hash, not its bytes. */
function drainSink(): Writable {
    return new Writable({ write(_chunk, _enc, done) { done(); } });
}
