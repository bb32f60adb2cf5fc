// The policy packs of a check. Each stack is judged while its program runs, and a pack serves one stack at a time
// (configureStack sets the stack it judges): stacks take turns on the pool's packs, one by default (see
// packConcurrency), and a pack judges the next stack once the previous one is done, reconfigured only when that
// stack's policy config differs.

import * as fs from "fs";
import * as path from "path";
import { PackInfo, PolicyPack } from "./analyzer";

/** A started pack, and the config it last received. */
interface PooledPack {
    readonly pack: PolicyPack;
    configured?: string;
    remediate?: boolean;
}

export class PackPool {
    private readonly idle: PooledPack[] = [];
    private readonly all: Promise<PooledPack>[] = [];
    private readonly waiting: ((p: PooledPack) => void)[] = [];
    private prestarted?: Promise<PooledPack>;

    /** `size`: how many packs, so how many stacks may be judged at once. */
    constructor(readonly dir: string, private readonly size: number) {}

    /** Starts a pack before any stack asks for one, so that its start-up overlaps the programs'. */
    prestart(): void {
        if (this.all.length === 0) this.prestarted = this.start();
    }

    /**
     * A pack for one stack: an idle one, the one started in advance, a new one while fewer than `size` exist, or
     * the next one released. A pack that failed to start rejects whoever gets it.
     */
    acquire(): Promise<PooledPack> {
        const idle = this.idle.shift();
        if (idle) return Promise.resolve(idle);
        const prestarted = this.prestarted;
        this.prestarted = undefined;
        if (prestarted) return prestarted;
        if (this.all.length < this.size) return this.start();
        return new Promise(resolve => this.waiting.push(resolve));
    }

    release(p: PooledPack): void {
        const next = this.waiting.shift();
        if (next) next(p);
        else this.idle.push(p);
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
        return (await (this.all[0] ?? this.start())).pack.info();
    }

    async stop(): Promise<void> {
        await Promise.all(this.all.map(p => p.then(x => x.pack.stop(), () => undefined)));
    }

    private start(): Promise<PooledPack> {
        const started = PolicyPack.start(this.dir, { precompiled: isTypeScript(this.dir) }).then(pack => ({ pack }));
        started.catch(() => undefined); // reported to whoever acquires it
        this.all.push(started);
        return started;
    }
}

/**
 * A TypeScript pack runs transpiled (cached in its bin/), as programs do with PULUMI_NODEJS_TRANSPILE_ONLY: about
 * 1 s instead of 5; `npm run typecheck` type-checks it.
 */
function isTypeScript(dir: string): boolean {
    return fs.existsSync(path.join(dir, "index.ts"));
}
