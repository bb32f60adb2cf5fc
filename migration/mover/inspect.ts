// Judging an object found on the target against the route and the source's current listing. Nothing in S3
// metadata is trusted: the header inside the object must name this bucket, this key, this scope, the route's key,
// and exactly the source version listed now; its commitment must verify under the route's data key. The cheap
// inspection (header and trailer, two small range reads) decides whether a move adopts an object or writes it again;
// the full one (every segment decrypted) is the verification's.

import { Writable } from "stream";
import { pipeline } from "stream/promises";
import { DataKeys } from "../keys/data-keys";
import { UnwrapRefusedError } from "../keys/key-errors";
import {
    EnvelopeDecryptor, EnvelopeError, EnvelopeHeader, MAX_HEADER_REGION, OpenedDigest, TRAILER_SIZE, authenticate, openTrailer,
    parseHeader, storedSize,
} from "./envelope";
import { Route } from "./plan";
import { SourceBlob } from "./source";
import { TargetObject, TargetStore } from "./target";

/** Why an object on the target is not a valid copy of the source object for this route. */
export type Verdict =
    | "wrong-key"   // wrapped under another key than the route's (a plan that was wrong when it was copied)
    | "swapped"     // written for another bucket, key, scope or source object
    | "stale"       // copied from another version of the source (changed since, or rolled back on the target)
    | "forged"      // the header does not authenticate under the route's data key
    | "not-envelope"// not in the mover's format at all
    | "truncated"   // shorter or longer than its header announces
    | "corrupt";    // the header authenticates but a segment or the trailer does not

export class BindingError extends Error {
    constructor(readonly verdict: Verdict, message: string) {
        super(message);
        this.name = "BindingError";
    }
}

/** Checks a header's bindings against the route and the source's current listing; throws a BindingError. */
export function checkBindings(header: EnvelopeHeader, route: Route, blob: SourceBlob, account: string): void {
    if (header.keyId !== route.keyId) {
        throw new BindingError("wrong-key", `wrapped under key "${header.keyId}", the route's key is "${route.keyId}"`);
    }
    if (header.bucket !== route.bucket || header.key !== blob.name || header.scope !== route.scope) {
        throw new BindingError("swapped", `written for ${header.bucket}/${header.key} (scope ${header.scope}), found at ${route.bucket}/${blob.name}`);
    }
    const s = header.source;
    if (s.account !== account || s.container !== blob.container || s.blob !== blob.name) {
        throw new BindingError("swapped", `copied from ${s.account}/${s.container}/${s.blob}, not ${account}/${blob.container}/${blob.name}`);
    }
    if (s.etag !== blob.etag || s.lastModified !== blob.lastModified || s.length !== blob.size || s.contentMd5 !== blob.contentMd5) {
        throw new BindingError("stale", `copied from source version ${s.etag} (${s.lastModified}), the source is now ${blob.etag} (${blob.lastModified})`);
    }
}

export function verdictOf(e: unknown): Verdict | undefined {
    if (e instanceof BindingError) return e.verdict;
    if (e instanceof UnwrapRefusedError) return "forged";
    if (e instanceof EnvelopeError) return e.kind === "format" ? "not-envelope" : e.kind;
    return undefined;
}

export interface Inspected {
    readonly header: EnvelopeHeader;
    readonly size: number;
    readonly sha256: string;
}

export interface InspectContext {
    readonly keys: DataKeys;
    readonly account: string;
}

/**
 * Header and trailer only: authentic, bound to this route and this source version, complete. Throws a BindingError
 * or an EnvelopeError with the verdict; key-service or network failures propagate as they are (not a verdict).
 */
export async function inspect(ctx: InspectContext, target: TargetStore, route: Route, blob: SourceBlob, object: TargetObject): Promise<Inspected> {
    const headLength = Math.min(object.size, MAX_HEADER_REGION);
    if (headLength === 0) throw new EnvelopeError("the object is empty", "format");
    const head = await readAll((await target.get(route.bucket, object.key, { first: 0, last: headLength - 1 }, object.etag)).body);
    const parsed = parseHeader(head);
    if (!parsed) throw new EnvelopeError(`the object (${object.size} bytes) ends inside its header`, "truncated");
    checkBindings(parsed.header, route, blob, ctx.account);
    const expected = storedSize(parsed.header);
    if (object.size !== expected) throw new EnvelopeError(`the object is ${object.size} bytes, its header announces ${expected}`, "truncated");
    const keys = authenticate(parsed, await ctx.keys.forReading(route.keyId, parsed.header.wrappedKey));
    const tail = await readAll((await target.get(route.bucket, object.key, { first: object.size - TRAILER_SIZE, last: object.size - 1 }, object.etag)).body);
    const trailer = openTrailer(keys.objectKey, parsed.header, tail);
    return { header: parsed.header, size: trailer.size, sha256: trailer.sha256 };
}

/** Every byte: the object decrypts under the route's key, bound to this source version; MD5 of the plaintext when asked. */
export async function inspectFully(ctx: InspectContext, target: TargetStore, route: Route, blob: SourceBlob, object: TargetObject,
                                   options: { md5: boolean }): Promise<OpenedDigest & { header: EnvelopeHeader }> {
    const got = await target.get(route.bucket, object.key, undefined, object.etag);
    const decryptor = new EnvelopeDecryptor(async header => {
        checkBindings(header, route, blob, ctx.account);
        return ctx.keys.forReading(route.keyId, header.wrappedKey);
    }, { storedSize: object.size, md5: options.md5 });
    await pipeline(got.body, decryptor, drain());
    return { ...decryptor.digest(), header: decryptor.header! };
}

/** Consumes a stream: verification needs the plaintext's hash, not its bytes. */
export function drain(): Writable {
    return new Writable({ write(_chunk, _enc, done) { done(); } });
}

export async function readAll(body: AsyncIterable<unknown>): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
}
