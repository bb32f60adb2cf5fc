// The policy packs of a check. Each stack is judged while its program runs. A pack judges one stack at a time
// (configureStack sets the stack it judges), but it is not held for a stack's whole run: a stack judged faster than
// its program registers resources gives its pack up, between two resources, to a stack with work waiting, and takes
// a turn again when it has some (a lease, below). The pack is reconfigured at each switch, policy config first (only
// when it differs), then the stack. One pack by default (see packConcurrency).

import * as fs from "fs";
import * as path from "path";
import { PackInfo, PolicyPack } from "./analyzer";
import type { ConfiguredPack, PackLease } from "./evaluate";

/**
 * Resources a stack must have waiting (or its program must have ended) for the stack judging now to give the pack
 * up when it has nothing to send: a switch costs two calls (configure, configureStack), as much as a resource.
 */
const SWITCH_AT = 16;

interface Waiter {
    /** Resources waiting to be judged; Infinity once the stack's program has ended (its stack policies wait). */
    readonly backlog: () => number;
    readonly resolve: (p: PooledPack) => void;
    readonly reject: (err: unknown) => void;
}

/** A started pack, and the config it last received. */
export interface PooledPack {
    readonly pack: PolicyPack;
    configured?: string;
    remediate?: boolean;
    /** The lease whose stack the pack was last configured for. */
    stackOf?: object;
}

export class PackPool {
    private readonly idle: PooledPack[] = [];
    private readonly all: Promise<PooledPack>[] = [];
    private readonly waiting: Waiter[] = [];
    private failure?: unknown;
    private starting = 0;
    /** Each lease holding a pack: called when a stack starts waiting with enough work for a switch. */
    private readonly holders = new Set<() => void>();

    /** `size`: how many packs, so how many stacks may be judged at once. */
    constructor(readonly dir: string, private readonly size: number) {}

    /** Starts a pack before any stack asks for one, so that its start-up overlaps the programs'. */
    prestart(): void {
        if (this.all.length === 0) this.start();
    }

    /**
     * A pack for one stack: an idle one, else the next one started or released. `backlog` tells how many of the
     * stack's resources wait to be judged: a free pack goes to the stack with the most, so that it works where
     * work is instead of waiting on a program that is still registering its resources. A pack that fails to start
     * rejects every stack waiting for one.
     */
    acquire(backlog: () => number = () => 0): Promise<PooledPack> {
        if (this.failure !== undefined) return Promise.reject(this.failure);
        const idle = this.idle.shift();
        if (idle) return Promise.resolve(idle);
        const waiter = new Promise<PooledPack>((resolve, reject) => this.waiting.push({ backlog, resolve, reject }));
        // Another pack if the pool may grow and the packs already starting will not serve every waiting stack.
        if (this.all.length < this.size && this.waiting.length > this.starting) this.start();
        return waiter;
    }

    release(p: PooledPack): void {
        if (this.waiting.length === 0) {
            this.idle.push(p);
            return;
        }
        let next = 0;
        for (let i = 1; i < this.waiting.length; i++) {
            if (this.waiting[i].backlog() > this.waiting[next].backlog()) next = i;
        }
        this.waiting.splice(next, 1)[0].resolve(p);
    }

    /**
     * A stack's turns on the pool's packs. `setup` configures a pack for the stack (policy config, then
     * configureStack) and says whether any policy remediates; it runs when a turn starts on a pack that last judged
     * another stack. The judge (judgeStack) takes a turn when it has resources to send, and gives the pack back when
     * it has none and another stack waits with work.
     */
    lease(setup: (p: PooledPack) => Promise<boolean>): PackLease {
        const me = {};
        let held: PooledPack | undefined;
        let recheck: (() => void) | undefined;
        let remediate = false;
        return {
            acquire: async (backlog, onContention) => {
                const turn = this.acquire(backlog);
                // The stacks holding a pack look at once: this one may wait with its program ended (its stack
                // policies) and add nothing more, so `waiting` would never tell them.
                this.recheckHolders();
                const p = await turn;
                try {
                    if (p.stackOf !== me) {
                        p.stackOf = undefined;
                        remediate = await setup(p);
                        p.stackOf = me;
                    }
                } catch (err) {
                    this.release(p);
                    throw err;
                }
                held = p;
                recheck = onContention;
                this.holders.add(recheck);
                return { pack: p.pack, remediate } satisfies ConfiguredPack;
            },
            contended: () => this.waiting.some(w => w.backlog() >= SWITCH_AT),
            waiting: () => this.recheckHolders(),
            release: () => {
                if (!held) return;
                const p = held;
                held = undefined;
                this.holders.delete(recheck!);
                this.release(p);
            },
        };
    }

    private recheckHolders(): void {
        for (const r of [...this.holders]) r();
    }

    /**
     * Configures the pack for a stack's policy config unless it already has that config. Returns whether any policy
     * remediates (the pack's remediate handler only runs those: without any, its answer is always empty).
     */
    async configure(p: PooledPack, config: Record<string, unknown>): Promise<boolean> {
        const wanted = JSON.stringify(config);
        if (p.configured !== wanted || p.remediate === undefined) {
            const levels = await p.pack.configure(config);
            p.remediate = Object.values(levels).some(c => c.enforcementLevel === "remediate");
            p.configured = wanted;
        }
        return p.remediate;
    }

    /** The pack's name, version and policies (the same from any of its processes). */
    async info(): Promise<PackInfo> {
        if (this.all.length === 0) this.start();
        return (await this.all[0]).pack.info();
    }

    async stop(): Promise<void> {
        await Promise.all(this.all.map(p => p.then(x => x.pack.stop(), () => undefined)));
    }

    private start(): void {
        this.starting++;
        const started = PolicyPack.start(this.dir, { precompiled: isTypeScript(this.dir) }).then(pack => ({ pack }));
        this.all.push(started);
        started.finally(() => { this.starting--; }).catch(() => undefined);
        started.then(p => this.release(p), err => {
            this.failure ??= err;
            for (const w of this.waiting.splice(0)) w.reject(err);
        });
    }
}

/**
 * A TypeScript pack runs transpiled (cached in its bin/), as programs do with PULUMI_NODEJS_TRANSPILE_ONLY: about
 * 1 s instead of 5; `npm run typecheck` type-checks it.
 */
function isTypeScript(dir: string): boolean {
    return fs.existsSync(path.join(dir, "index.ts"));
}
