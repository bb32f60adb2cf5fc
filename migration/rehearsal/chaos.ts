// The chaos and tamper suite, on the rehearsal's real servers (lab.ts): it kills movers at seeded random points,
// tampers with the target as someone with write access to a bucket could (roll an object back, swap two, truncate,
// forge a header, flip a bit, add an object), changes the source under the mover (deletes a prefix, corrupts a read
// in transit), stalls the endpoints, runs a plan with the wrong key, a wrong PIN, another shard count, a bucket
// without the protections declared, and two movers on one shard. Each case must end detected (a non-zero exit that
// names the object and the cause) or repaired (a re-run restores the source's content), with nothing lost and
// nothing silently accepted; the state is checked from what the servers hold, with keys straight from the token.

import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import * as path from "path";
import { formatBytes } from "../mover/progress";
import { PREFIX_SIZE, parseHeader } from "../mover/envelope";
import { Lab, ROUTES, bucketOf, objectKey } from "./lab";
import { logLines } from "./mover-process";
import { SeededObject, rewrite } from "./seed";

export interface ChaosOptions {
    /** SIGKILLs at seeded random points (a few in CI; 30 or more in the long mode). */
    readonly kills: number;
    readonly seed: number;
    readonly smallPerContainer: number;
    readonly largeCount: number;
    readonly largeBytes: number;
    readonly concurrency: number;
    readonly workDir?: string;
    readonly say: (text: string) => void;
}

export interface ChaosCase {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
    readonly seconds: number;
}

export interface ChaosResult {
    readonly ok: boolean;
    readonly seed: number;
    readonly kills: { readonly asked: number; readonly landed: number; readonly rounds: number };
    readonly cases: ChaosCase[];
    readonly seconds: number;
}

/** A small seeded generator (mulberry32): the same seed, the same kill points. */
export function seeded(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const KILLS_PER_ROUND = 3;
/** Each case's deadline; the kill case gets more per kill (a round of kills and a last pod take about 10 s here). */
const CASE_SECONDS = 240;
const SECONDS_PER_KILL = 20;

class CaseTimeout extends Error {
    constructor(seconds: number) {
        super(`did not finish within ${seconds} s: a server or the mover stopped answering (the lines above say where it was)`);
    }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
    const started = Date.now();
    const say = options.say;
    const lab = await Lab.start({ ...options, say });
    const cases: ChaosCase[] = [];
    const random = seeded(options.seed);
    let landed = 0;
    let rounds = 0;
    try {
        const plan = lab.plan("main");
        // A case that stops making progress (a server or the lab's own client waiting forever) fails by name
        // instead of holding the suite until CI's limit.
        const check = async (name: string, body: () => Promise<{ ok: boolean; detail: string }>, seconds = CASE_SECONDS) => {
            const t0 = Date.now();
            let result: { ok: boolean; detail: string };
            let timer: NodeJS.Timeout | undefined;
            const deadline = new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new CaseTimeout(seconds)), seconds * 1000);
            });
            try {
                result = await Promise.race([body(), deadline]);
            } catch (e) {
                result = { ok: false, detail: e instanceof CaseTimeout ? e.message : `the case itself failed: ${(e as Error).stack ?? e}` };
            } finally {
                clearTimeout(timer);
            }
            const c = { name, ...result, seconds: (Date.now() - t0) / 1000 };
            cases.push(c);
            say(`${c.ok ? "HOLDS" : "FAILED"}: ${name} (${c.detail}) [${c.seconds.toFixed(1)} s]`);
        };
        /** The target holds exactly the source, every object decrypting to it, and the mover's verification agrees. */
        const healthy = async () => {
            const truth = await lab.checkAgainstSeed();
            const verify = await lab.verify(plan);
            const ok = truth.mismatched.length === 0 && truth.extra.length === 0 && truth.checked === lab.seeded.length && verify.exitCode === 0;
            return { ok, detail: `${truth.checked}/${lab.seeded.length} decrypt to the source, ${truth.extra.length} extra, verify exit ${verify.exitCode}` +
                (truth.mismatched.length ? `; wrong: ${truth.mismatched.slice(0, 3).join(", ")}` : "") +
                (verify.report?.problems.length ? `; problems: ${JSON.stringify(verify.report.problems.slice(0, 3))}` : "") };
        };
        const problemsOf = (r: { report?: { problems: readonly { kind: string; bucket: string; key: string; detail: string }[] } }) =>
            new Map((r.report?.problems ?? []).map(p => [objectKey(p.bucket, p.key), p]));
        const pick = (container: string, large = false) => lab.seeded.find(o => o.container === container && (large ? o.size > 5 * 1024 * 1024 : o.size < 256 * 1024))!;
        /** Detected by verify (exit 1, the object named with `kind`), then repaired by a move, then healthy. */
        const detectThenRepair = async (what: string, key: string, kind: string | RegExp) => {
            const detected = await lab.verify(plan);
            const problem = problemsOf(detected).get(key);
            const kindOk = problem !== undefined && (typeof kind === "string" ? problem.kind === kind : kind.test(problem.kind));
            const repaired = await lab.move(plan, "shard-000");
            const after = await healthy();
            return {
                ok: detected.exitCode === 1 && kindOk && repaired.exitCode === 0 && after.ok,
                detail: `${what}: verify exit ${detected.exitCode} (${problem ? `${problem.kind}: ${problem.detail}` : "NOT reported"}); ` +
                    `move exit ${repaired.exitCode} (recopied ${repaired.summary?.recopied}, copied ${repaired.summary?.copied}); after: ${after.detail}`,
            };
        };

        const first = await lab.move(plan, "shard-000");
        await check("the first move completes and verifies", async () => {
            const h = await healthy();
            return { ok: first.exitCode === 0 && h.ok, detail: `move exit ${first.exitCode}; ${h.detail}` };
        });

        // SIGKILL at seeded random points, in rounds on an emptied target; runs alternate between resuming the
        // killed pod's manifest and a retried pod's empty one, then a last pod finishes.
        await check(`SIGKILL at ${options.kills} seeded random points (seed ${options.seed}): nothing lost, nothing stored twice`, async () => {
            const total = 2 * lab.seeded.reduce((n, o) => n + o.size, 0);
            const failures: string[] = [];
            for (let done = 0; done < options.kills; rounds++) {
                await emptyTarget(lab);
                const from = lab.s3.stored.length;
                const inRound = Math.min(KILLS_PER_ROUND, options.kills - done);
                for (let k = 0; k < inRound; k++, done++) {
                    const manifest = k % 2 === 0 ? `round-${rounds}-shared` : `round-${rounds}-pod-${k}`;
                    const point = lab.sourceFront.bytes() + lab.targetFront.bytes() + Math.floor(random() * total * 0.5) + 1;
                    let killed = false;
                    const run = await lab.process(["move", "--plan", plan, "--manifest", lab.manifest(manifest)], {
                        kill: kill => {
                            lab.sourceFront.controls.onBytes = lab.targetFront.controls.onBytes = () => {
                                if (!killed && lab.sourceFront.bytes() + lab.targetFront.bytes() >= point) { killed = true; kill(); }
                            };
                        },
                    });
                    lab.sourceFront.controls.onBytes = lab.targetFront.controls.onBytes = undefined;
                    if (run.signal === "SIGKILL") landed++;
                    else if (run.code !== 0) failures.push(`run ${done + 1} exited ${run.code}: ${run.stdout.slice(-300)}`);
                }
                const last = await lab.process(["move", "--plan", plan, "--manifest", lab.manifest(`round-${rounds}-last`)]);
                if (last.code !== 0) failures.push(`the last run of round ${rounds} exited ${last.code}`);
                const stores = countStores(lab.storedSince(from));
                const twice = [...stores].filter(([, n]) => n > 1).map(([k]) => k);
                const never = lab.seeded.map(o => objectKey(bucketOf(o.container), o.blob)).filter(k => !stores.has(k));
                if (twice.length) failures.push(`stored twice in round ${rounds}: ${twice.join(", ")}`);
                if (never.length) failures.push(`never stored in round ${rounds}: ${never.join(", ")}`);
                const h = await healthy();
                if (!h.ok) failures.push(`round ${rounds}: ${h.detail}`);
            }
            return { ok: failures.length === 0, detail: `${landed} kills landed over ${rounds} rounds (the others finished first); ` + (failures.length ? failures.join("; ") : "every object stored once, every round verified") };
        }, CASE_SECONDS + SECONDS_PER_KILL * options.kills);

        await check("rollback: an old version put back on the target is reported stale, then replaced", async () => {
            const o = pick("raw");
            const key = objectKey(bucketOf(o.container), o.blob);
            const old = await lab.getRaw(bucketOf(o.container), o.blob);
            lab.seeded = replaceSeed(lab.seeded, await rewrite(lab.service, lab.seedContainers[0], o.blob, Buffer.from("pseudo_id,year\nv2,2026\n")));
            const moved = await lab.move(plan, "shard-000");
            await lab.putRaw(bucketOf(o.container), o.blob, old);
            const r = await detectThenRepair(`${key} rolled back`, key, "stale");
            return { ok: moved.exitCode === 0 && r.ok, detail: r.detail };
        });

        await check("swap: another bucket's object under the same name is reported, then replaced", async () => {
            const o = lab.seeded.find(s => s.container === "curated" && lab.seeded.some(r => r.container === "raw" && r.blob === s.blob))!;
            const fromRaw = await lab.getRaw("hdw-raw", o.blob);
            await lab.putRaw("hdw-curated", o.blob, fromRaw);
            return detectThenRepair(`hdw-raw/${o.blob} copied over hdw-curated/${o.blob}`, objectKey("hdw-curated", o.blob), "swapped");
        });

        await check("wrong route key: a plan that put a project on the platform key is reported once fixed, then re-keyed", async () => {
            const wrong = lab.plan("wrong-key", { routes: ROUTES.map(r => (r.container === "project-oncoprev" ? { ...r, keyId: "tgt-platform" } : r)) });
            const underWrong = await lab.move(wrong, "wrong-key");
            const objects = lab.seeded.filter(s => s.container === "project-oncoprev");
            const detected = await lab.verify(plan);
            const wrongKey = [...problemsOf(detected).values()].filter(p => p.kind === "wrong-key" && p.bucket === "hdw-oncoprev").length;
            const repaired = await lab.move(plan, "shard-000");
            const after = await healthy();
            // Shredding the project's key must reach every object: the platform key cannot open any of them.
            let platformOpens = 0;
            for (const s of objects) {
                const head = parseHeader((await lab.getRaw("hdw-oncoprev", s.blob)))!;
                if (await lab.token.key("tgt-platform").unwrap(head.header.wrappedKey).then(() => true, () => false)) platformOpens++;
            }
            return {
                ok: underWrong.exitCode === 0 && detected.exitCode === 1 && wrongKey === objects.length && repaired.exitCode === 0 && after.ok && platformOpens === 0,
                detail: `wrong plan moved ${underWrong.summary?.recopied} objects under the platform key; fixed plan's verify: ${wrongKey}/${objects.length} wrong-key; ` +
                    `move re-keyed ${repaired.summary?.recopied}; the platform key opens ${platformOpens}; after: ${after.detail}`,
            };
        });

        await check("truncation: a shortened object is reported, then replaced", async () => {
            const o = pick("curated", true);
            const bytes = await lab.getRaw(bucketOf(o.container), o.blob);
            await lab.putRaw(bucketOf(o.container), o.blob, bytes.subarray(0, bytes.length - 1000));
            return detectThenRepair(`${o.blob} cut by 1,000 bytes`, objectKey(bucketOf(o.container), o.blob), "truncated");
        });

        await check("forged header: a header edited in place (commitment kept) is reported, then replaced", async () => {
            const o = pick("project-oncoprev");
            const key = objectKey("hdw-oncoprev", o.blob);
            const bytes = await lab.getRaw("hdw-oncoprev", o.blob);
            await lab.putRaw("hdw-oncoprev", o.blob, forge(bytes, j => { j.wrapping = "forged"; }));
            const forged = await detectThenRepair(`${o.blob}'s header edited`, key, "forged");
            const again = await lab.getRaw("hdw-oncoprev", o.blob);
            await lab.putRaw("hdw-oncoprev", o.blob, forge(again, j => { j.segmentSize = 2 ** 40; }));
            const bound = await detectThenRepair(`${o.blob}'s segment size forged to 2^40`, key, "not-envelope");
            return { ok: forged.ok && bound.ok, detail: `${forged.detail} | ${bound.detail}` };
        });

        await check("bit flip: a corrupted segment is reported and removed, then copied again", async () => {
            const o = pick("raw", true);
            const bytes = await lab.getRaw(bucketOf(o.container), o.blob);
            bytes[Math.floor(bytes.length / 2)] ^= 0x01;
            await lab.putRaw(bucketOf(o.container), o.blob, bytes);
            return detectThenRepair(`one bit of ${o.blob}`, objectKey(bucketOf(o.container), o.blob), "corrupt");
        });

        await check("extra object under a new prefix: reported, never deleted by the mover", async () => {
            const key = "new-prefix/not-from-the-source.csv";
            await lab.putRaw("hdw-curated", key, Buffer.from("unexpected\n"));
            const detected = await lab.verify(plan);
            const moved = await lab.move(plan, "shard-000");
            const stillThere = await lab.target.head("hdw-curated", key);
            const problem = problemsOf(detected).get(objectKey("hdw-curated", key));
            await lab.deleteRaw("hdw-curated", key); // a person's decision
            const after = await healthy();
            return {
                ok: detected.exitCode === 1 && problem?.kind === "extra" && stillThere !== undefined && moved.exitCode === 0 && after.ok,
                detail: `verify exit ${detected.exitCode} (${problem?.kind ?? "NOT reported"}); the move left it (${stillThere ? "still there" : "deleted!"}); after removal: ${after.detail}`,
            };
        });

        await check("deleted source prefix: every object of it is reported extra on the target", async () => {
            const gone = lab.seeded.filter(o => o.container === "curated" && o.blob.startsWith("dictionary/"));
            const container = lab.service.getContainerClient("curated");
            for (const o of gone) await container.deleteBlob(o.blob);
            const detected = await lab.verify(plan);
            const reported = gone.filter(o => problemsOf(detected).get(objectKey("hdw-curated", o.blob))?.kind === "extra").length;
            for (const o of gone) await lab.deleteRaw("hdw-curated", o.blob); // the decision: delete them on the target too
            lab.seeded = lab.seeded.filter(o => !gone.includes(o));
            const after = await healthy();
            return { ok: gone.length > 0 && detected.exitCode === 1 && reported === gone.length && after.ok, detail: `${reported}/${gone.length} reported, verify exit ${detected.exitCode}; after: ${after.detail}` };
        });

        await check("bad source reads: a blob read corrupted in transit is never written, a retried pod does not accept it, and it is copied once reads are good", async () => {
            const small = pick("project-oncoprev");
            const large = pick("raw", true);
            const changed = [
                await rewrite(lab.service, lab.seedContainers[2], small.blob, Buffer.from("pseudo_id,year\nchanged,2026\n")),
                await rewrite(lab.service, lab.seedContainers[0], large.blob, Buffer.alloc(large.size, 7)),
            ];
            for (const c of changed) lab.seeded = replaceSeed(lab.seeded, c);
            lab.sourceFront.controls.corrupt = new RegExp(`/(${escape(small.blob)}|${escape(large.blob)})(\\?|$)`);
            const bad = await lab.move(plan, "shard-000");
            const retried = await lab.move(plan, `bad-read-pod-${Date.now()}`);
            const verifying = await lab.verify(plan);
            lab.sourceFront.controls.corrupt = undefined;
            const failedNames = (bad.summary?.failed ?? []).map((f: any) => f.blob).sort();
            const retriedNames = (retried.summary?.failed ?? []).map((f: any) => f.blob).sort();
            const stale = [small, large].filter(o => problemsOf(verifying).get(objectKey(bucketOf(o.container), o.blob))?.kind === "stale").length;
            const good = await lab.move(plan, "shard-000");
            const after = await healthy();
            return {
                ok: bad.exitCode === 3 && failedNames.length === 2 && retried.exitCode === 3 && retriedNames.length === 2 && verifying.exitCode === 1 && stale === 2 && good.exitCode === 0 && after.ok,
                detail: `move exit ${bad.exitCode}, failed once each: ${failedNames.join(", ")} (${(bad.summary?.failed ?? [])[0]?.error ?? ""}); retried pod exit ${retried.exitCode}; ` +
                    `verify exit ${verifying.exitCode} (${stale}/2 stale: the old copies are not passed off as the new); reads good again: move exit ${good.exitCode}; after: ${after.detail}`,
            };
        });

        await check("stalled endpoints: a target that never answers, a source body that stops, a source that never answers: the mover ends in bounded time, naming the endpoint", async () => {
            const stall = lab.plan("stall", { timeouts: { requestSeconds: 2, idleSeconds: 2, attempts: 2, backoffSeconds: 0.1 } });
            const changed = [pick("raw"), pick("curated")];
            for (const [i, o] of changed.entries()) {
                lab.seeded = replaceSeed(lab.seeded, await rewrite(lab.service, lab.seedContainers[i], o.blob, Buffer.from(`pseudo_id,year\nstall-${i},2026\n`)));
            }
            const outcomes: string[] = [];
            let ok = true;
            const timed = async (label: string, expect: RegExp) => {
                const t0 = Date.now();
                const r = await lab.move(stall, "shard-000");
                const seconds = (Date.now() - t0) / 1000;
                const errors = r.lines.filter(l => l.level === "error").map(l => l.error ?? "");
                const named = errors.some(e => expect.test(e));
                const failedOnce = new Set((r.summary?.failed ?? []).map((f: any) => f.blob)).size === (r.summary?.failed ?? []).length;
                ok &&= r.exitCode === 3 && named && failedOnce && seconds < 90;
                outcomes.push(`${label}: exit ${r.exitCode} in ${seconds.toFixed(1)} s, ${named ? "named" : "NOT named"} (${errors[0]?.slice(0, 140)})`);
            };
            const targetHost = new URL(lab.targetFront.url).host;
            const sourceHost = new URL(lab.sourceFront.url).host;
            lab.targetFront.controls.stall = { how: { mode: "hang" }, path: /x-id=PutObject|uploadId=/ };
            await timed("target hangs on writes", new RegExp(`target ${targetHost}: PUT .*no answer in 2 s`));
            lab.targetFront.controls.stall = undefined;
            lab.sourceFront.controls.stall = { how: { mode: "stop-body", bytes: 10 }, path: new RegExp(`/(${escape(changed[0].blob)})(\\?|$)`) };
            await timed("a source body stops", new RegExp(`source ${sourceHost}: GET .*no byte for 2 s`));
            lab.sourceFront.controls.stall = { how: { mode: "hang" } };
            await timed("the source never answers", new RegExp(`source ${sourceHost}: .*no answer in 2 s`));
            lab.sourceFront.controls.stall = undefined;
            const resumed = await lab.move(plan, "shard-000");
            const after = await healthy();
            return { ok: ok && resumed.exitCode === 0 && after.ok, detail: `${outcomes.join("; ")}; unstalled: move exit ${resumed.exitCode}; after: ${after.detail}` };
        });

        await check("wrong PIN: the run stops before the first object, after one login, with exit 2", async () => {
            const wrongPin = lab.plan("wrong-pin", { accessDir: path.join(lab.work, "config", "access-wrong-pin") });
            const from = lab.s3.stored.length;
            const counter = path.join(__dirname, "count-logins.ts");
            const run = await lab.process(["move", "--plan", wrongPin, "--manifest", lab.manifest("wrong-pin")], { nodeArgs: ["-r", counter] });
            const logins = /"pkcs11Logins":(\d+)/.exec(run.stderr)?.[1];
            const errors = logLines(run.stdout).filter(l => l.level === "error");
            return {
                ok: run.code === 2 && logins === "1" && lab.s3.stored.length === from && errors.length === 1 && /PIN was refused/.test(errors[0].error),
                detail: `exit ${run.code}, ${logins} login(s), ${lab.s3.stored.length - from} objects written; ${errors.map(e => e.error).join(" | ")}`,
            };
        });

        await check("a bucket without the versioning the stack declares stops the run before the first object", async () => {
            const declared = lab.declared.get("hdw-curated")!;
            lab.declared.set("hdw-curated", { ...declared, versioning: "Suspended", noncurrentVersionExpirationDays: undefined });
            const from = lab.s3.stored.length;
            const r = await lab.move(plan, "shard-000");
            lab.declared.set("hdw-curated", declared);
            const error = r.lines.find(l => l.level === "error")?.error ?? "";
            return {
                ok: r.exitCode === 2 && lab.s3.stored.length === from && /hdw-curated: versioning is Suspended/.test(error) && /expiring noncurrent versions after 90 days/.test(error),
                detail: `exit ${r.exitCode}; ${error}`,
            };
        });

        await check("another shard count than the migration's is refused before anything is written", async () => {
            const from = lab.s3.stored.length;
            const r = await lab.move(plan, "other-count", ["--shard-index", "0", "--shard-count", "3"]);
            const error = r.lines.find(l => l.level === "error")?.error ?? "";
            return { ok: r.exitCode === 2 && lab.s3.stored.length === from && /shard count of 1; this run has 3/.test(error), detail: `exit ${r.exitCode}; ${error}` };
        });

        await check("two movers on one shard: every object stored once", async () => {
            await emptyTarget(lab);
            const from = lab.s3.stored.length;
            const [a, b] = await Promise.all([
                lab.process(["move", "--plan", plan, "--manifest", lab.manifest("twin-a")]),
                lab.process(["move", "--plan", plan, "--manifest", lab.manifest("twin-b")]),
            ]);
            const stores = countStores(lab.storedSince(from));
            const twice = [...stores].filter(([, n]) => n > 1).map(([k]) => k);
            const after = await healthy();
            const summaries = [a, b].map(r => logLines(r.stdout).find(l => l.msg === "move finished"));
            return {
                ok: a.code === 0 && b.code === 0 && twice.length === 0 && stores.size === lab.seeded.length && after.ok,
                detail: `exits ${a.code} and ${b.code}; copied ${summaries.map(s => s?.copied).join(" + ")}, adopted ${summaries.map(s => s?.adopted).join(" + ")}; ` +
                    `${stores.size} objects stored, ${twice.length} twice; after: ${after.detail}`,
            };
        });
    } finally {
        await lab.close();
    }
    const ok = cases.every(c => c.ok);
    say(`${ok ? "chaos suite holds" : "chaos suite FAILED"}: ${cases.filter(c => c.ok).length}/${cases.length} cases, ${landed} kills landed, ` +
        `${formatBytes(lab.seeded.reduce((n, o) => n + o.size, 0))} seeded, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { ok, seed: options.seed, kills: { asked: options.kills, landed, rounds }, cases, seconds: (Date.now() - started) / 1000 };
}

function replaceSeed(seededObjects: SeededObject[], changed: SeededObject): SeededObject[] {
    return seededObjects.map(o => (o.container === changed.container && o.blob === changed.blob ? changed : o));
}

function countStores(events: readonly { bucket: string; key: string }[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(objectKey(e.bucket, e.key), (counts.get(objectKey(e.bucket, e.key)) ?? 0) + 1);
    return counts;
}

/** Removes every object from the target's buckets (the mover's record aside): a fresh start for a kill round. */
async function emptyTarget(lab: Lab): Promise<void> {
    for (const r of ROUTES) {
        for (const prefix of await lab.target.topLevelPrefixes(r.bucket)) {
            for await (const o of lab.target.list(r.bucket, prefix)) {
                if (o.key.startsWith(".hdw-mover/")) continue;
                await lab.target.client.send(new DeleteObjectCommand({ Bucket: r.bucket, Key: o.key }));
            }
        }
    }
}

/** Edits a stored object's header in place, leaving its commitment: what someone without the key can do. */
function forge(stored: Buffer, edit: (json: any) => void): Buffer {
    const length = stored.readUInt16BE(6);
    const json = JSON.parse(stored.subarray(PREFIX_SIZE, PREFIX_SIZE + length).toString("utf8"));
    edit(json);
    const text = Buffer.from(JSON.stringify(json));
    const prefix = Buffer.from(stored.subarray(0, PREFIX_SIZE));
    prefix.writeUInt16BE(text.length, 6);
    return Buffer.concat([prefix, text, stored.subarray(PREFIX_SIZE + length)]);
}

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

