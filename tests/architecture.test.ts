// The layout is the architecture: components -> stacks; engine; policies; migration; cli on top. These tests read
// the import graph of the repository's own sources and fail when a change crosses a layer or closes a circle.

import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const LAYERS = ["components", "stacks", "policies", "engine", "migration", "cli", "bench", "tests"];

function sources(dir: string): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === "node_modules" || entry.name === "out" || entry.name === "fixtures") continue;
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...sources(p));
        else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(p);
    }
    return out;
}

/** Relative imports of a file (static, dynamic, `require`, type-only too), resolved to files of the repository. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    const found = new Set<string>();
    for (const m of text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = path.resolve(path.dirname(file), m[1]);
        const candidates = [target, `${target}.ts`, `${target}.js`, path.join(target, "index.ts"), path.join(target, "index.js")];
        const hit = candidates.find(c => fs.existsSync(c) && fs.statSync(c).isFile());
        if (hit) found.add(hit);
    }
    return [...found];
}

const FILES = LAYERS.flatMap(l => sources(path.join(ROOT, l)));
const GRAPH = new Map(FILES.map(f => [f, importsOf(f)]));
const rel = (f: string) => path.relative(ROOT, f);
const layerOf = (f: string) => rel(f).split(path.sep)[0];

/** Strongly connected components with more than one file (Tarjan): each is an import circle. */
function circles(graph: Map<string, string[]>): string[][] {
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (v: string) => {
        index.set(v, counter);
        low.set(v, counter++);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) {
                low.set(v, Math.min(low.get(v)!, index.get(w)!));
            }
        }
        if (low.get(v) === index.get(v)) {
            const component: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                component.push(rel(w));
            } while (w !== v);
            if (component.length > 1) found.push(component.sort());
        }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    return found;
}

/** Imports from `layer` into any of `forbidden`, as "file -> imported file". */
function crossings(layer: string, forbidden: readonly string[]): string[] {
    return FILES.filter(f => layerOf(f) === layer)
        .flatMap(f => GRAPH.get(f)!.filter(t => forbidden.includes(layerOf(t))).map(t => `${rel(f)} -> ${rel(t)}`));
}

describe("the import graph", () => {
    test("reads the repository (a guard against a test that sees nothing)", () => {
        expect(FILES.length).toBeGreaterThan(150);
        expect(GRAPH.get(path.join(ROOT, "cli", "main.ts"))).toContain(path.join(ROOT, "cli", "errors.ts"));
    });

    test("has no circle, type-only imports included", () => {
        expect(circles(GRAPH)).toEqual([]);
    });

    test("finds a circle when there is one", () => {
        const a = path.join(ROOT, "a.ts");
        const b = path.join(ROOT, "b.ts");
        expect(circles(new Map([[a, [b]], [b, [a]]]))).toEqual([["a.ts", "b.ts"]]);
    });

    test("components know no cloud, no engine and no command line", () => {
        // The one exception: the data mover's contract (its plan and image), which the Job component runs.
        const beyondMoverContract = crossings("components", ["stacks", "engine", "migration", "cli"])
            .filter(c => !/ -> migration\/mover\//.test(c));
        expect(beyondMoverContract).toEqual([]);
    });

    test("the engine knows nothing of this warehouse or of report formats", () => {
        expect(crossings("engine", ["components", "stacks", "policies", "migration", "cli"])).toEqual([]);
    });

    test("the policy pack stands alone (it is its own package)", () => {
        expect(crossings("policies", ["components", "stacks", "engine", "migration", "cli"])).toEqual([]);
    });

    test("the migration does not reach up into the command line", () => {
        expect(crossings("migration", ["cli"])).toEqual([]);
    });

    test("the command line neither runs programs nor speaks the analyzer protocol itself", () => {
        const cli = FILES.filter(f => layerOf(f) === "cli");
        const offending = cli.filter(f => /\b(?:from|require\()\s*["'](?:http2|@grpc\/[^"']+|protobufjs[^"']*)["']|\bspawn\(|\bfork\(/
            .test(fs.readFileSync(f, "utf8")));
        expect(offending.map(rel)).toEqual([]);
        // Only the engine's entry points, never its program host or its analyzer client.
        const reached = new Set(cli.flatMap(f => GRAPH.get(f)!).filter(t => layerOf(t) === "engine").map(rel));
        expect([...reached].filter(t => /engine\/program\/(host|program-runner|providers)|engine\/policy\/(analyzer|grpc-unary|pack-pool)/.test(t)))
            .toEqual([]);
    });
});
