// What a move or a verification works with: the source, the target per scope, the keys, the routes and the shard.

import { DataKeys } from "../keys/data-keys";
import { KeyResolver } from "../keys/key-encryption-key";
import { Route, Shard } from "./plan";
import { Progress } from "./progress";
import { Timeouts } from "./requests";
import { SourceStore } from "./source";
import { TargetStore } from "./target";

export interface MoverContext {
    readonly source: SourceStore;
    /** The S3 client holding a scope's credentials (each research project writes with its own). */
    readonly targetFor: (scope: string) => TargetStore;
    /** The target's data keys (one per route and run, wrapped by the route's key service). */
    readonly keys: DataKeys;
    /** Only needed when some source blobs were encrypted on the client. */
    readonly sourceKeys?: KeyResolver;
    readonly routes: readonly Route[];
    readonly shard: Shard;
    readonly progress: Progress;
    readonly timeouts: Timeouts;
    /** Whose credentials read the buckets' configuration (preflight.ts); each route's own when unset. */
    readonly protectionsScope?: string;
}
