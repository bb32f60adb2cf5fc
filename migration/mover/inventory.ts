// The source as the projection needs it, from listings alone (no byte read, no key used): objects, bytes, and the
// share of the volume in blobs that carry no Content-MD5 (those the verification reads a second time over the link),
// per route and in total, with a size histogram. `data-mover inventory --plan plan.json`; its figures go to
// `rehearse data --volume --objects --unchecksummed`.

import { MoverContext } from "./context";

export interface InventoryLine {
    readonly container: string;
    readonly objects: number;
    readonly bytes: number;
    readonly unchecksummedObjects: number;
    readonly unchecksummedBytes: number;
    readonly largest: number;
}

export interface Inventory {
    readonly routes: InventoryLine[];
    readonly total: InventoryLine & { readonly unchecksummedShare: number };
    /** Objects by size: up to 1 MiB, 16 MiB, 256 MiB, 4 GiB, and above. */
    readonly histogram: Record<string, number>;
}

const BINS: [string, number][] = [["<=1MiB", 2 ** 20], ["<=16MiB", 2 ** 24], ["<=256MiB", 2 ** 28], ["<=4GiB", 2 ** 32], [">4GiB", Infinity]];

export async function inventory(ctx: Pick<MoverContext, "source" | "routes" | "progress">): Promise<Inventory> {
    const histogram = Object.fromEntries(BINS.map(([name]) => [name, 0]));
    const routes: InventoryLine[] = [];
    for (const route of ctx.routes) {
        const line = { container: route.container, objects: 0, bytes: 0, unchecksummedObjects: 0, unchecksummedBytes: 0, largest: 0 };
        for (const unit of await ctx.source.topLevelUnits(route.container)) {
            for await (const blob of ctx.source.list(route.container, unit)) {
                line.objects++;
                line.bytes += blob.size;
                line.largest = Math.max(line.largest, blob.size);
                if (blob.contentMd5 === undefined) { line.unchecksummedObjects++; line.unchecksummedBytes += blob.size; }
                histogram[BINS.find(([, max]) => blob.size <= max)![0]]++;
            }
        }
        routes.push(line);
        ctx.progress.log("info", "inventoried", { ...line });
    }
    const sum = (k: keyof Omit<InventoryLine, "container">) => routes.reduce((n, r) => n + (r[k] as number), 0);
    const total = {
        container: "(all)", objects: sum("objects"), bytes: sum("bytes"), unchecksummedObjects: sum("unchecksummedObjects"),
        unchecksummedBytes: sum("unchecksummedBytes"), largest: Math.max(0, ...routes.map(r => r.largest)),
    };
    return { routes, total: { ...total, unchecksummedShare: total.bytes > 0 ? total.unchecksummedBytes / total.bytes : 0 }, histogram };
}
