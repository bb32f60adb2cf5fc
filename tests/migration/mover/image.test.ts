import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// Defect 9: the mover's image installs exactly what the repository's lock file pins, and nothing else.

const ROOT = path.resolve(__dirname, "../../..");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { deriveImageLock, RUNTIME, BUILD, resolve } = require("../../../migration/image-lock.js");
const dockerfile = fs.readFileSync(path.join(ROOT, "migration/Dockerfile"), "utf8");
const instructions = dockerfile.split("\n").filter(l => !l.trim().startsWith("#")).join("\n");
const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const rootLock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));

describe("defect 9: the mover's image builds from the lock file", () => {
    test("copies package-lock.json and installs with npm ci, never npm install", () => {
        expect(instructions).toMatch(/COPY[^\n]*package-lock\.json/);
        expect(instructions).toMatch(/npm ci\b/);
        expect(instructions).not.toMatch(/npm (install|i)\b/);
        expect(instructions).toMatch(/node migration\/image-lock\.js/);
    });

    test("the image's lock is a pure function of the repository's: the same bytes every time", () => {
        const a = JSON.stringify(deriveImageLock(rootPackage, rootLock));
        const b = JSON.stringify(deriveImageLock(JSON.parse(JSON.stringify(rootPackage)), JSON.parse(JSON.stringify(rootLock))));
        expect(a).toBe(b);
    });

    test("every entry is the repository's own (version, integrity, dependencies), and every dependency resolves inside it", () => {
        const { manifest, lock } = deriveImageLock(rootPackage, rootLock);
        const entries = Object.entries(lock.packages).filter(([at]) => at !== "") as [string, any][];
        expect(entries.length).toBeGreaterThan(20);
        for (const [at, entry] of entries) {
            const original = rootLock.packages[at];
            expect({ at, version: entry.version, integrity: entry.integrity, dependencies: entry.dependencies })
                .toEqual({ at, version: original.version, integrity: original.integrity, dependencies: original.dependencies });
            for (const dep of Object.keys(entry.dependencies ?? {})) expect({ at, dep, found: resolve(lock.packages, at, dep) !== undefined }).toEqual({ at, dep, found: true });
        }
        expect(Object.keys(manifest.dependencies).sort()).toEqual([...RUNTIME].sort());
        expect(Object.keys(manifest.devDependencies).sort()).toEqual([...BUILD].sort());
        // What ships is the runtime's closure: no test server, no Pulumi, no compiler.
        const shipped = entries.filter(([, e]) => !e.dev).map(([at]) => at);
        for (const name of ["jest", "azurite", "s3rver", "@pulumi/pulumi", "typescript", "ts-node", "@aws-sdk/lib-storage"]) {
            expect(shipped).not.toContain(`node_modules/${name}`);
        }
    });

    test("the mover's code requires only the packages the image installs", () => {
        const builtins = new Set(require("module").builtinModules);
        const found = new Set<string>();
        for (const dir of ["migration/mover", "migration/keys"]) {
            for (const file of fs.readdirSync(path.join(ROOT, dir)).filter(f => f.endsWith(".ts"))) {
                const text = fs.readFileSync(path.join(ROOT, dir, file), "utf8");
                for (const m of text.matchAll(/(?:from|require\()\s*["']([^"'.][^"']*)["']/g)) {
                    const spec = m[1].startsWith("@") ? m[1].split("/").slice(0, 2).join("/") : m[1].split("/")[0];
                    if (!builtins.has(spec.replace(/^node:/, ""))) found.add(spec);
                }
            }
        }
        // ts-node is what the TypeScript sources use to start a crypto worker; compiled, the image starts the .js.
        expect([...found].filter(s => s !== "ts-node").sort()).toEqual([...RUNTIME].sort());
    });

    test("npm ci accepts the derived files (dry run, offline: no registry needed)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-image-lock-"));
        try {
            execFileSync(process.execPath, [path.join(ROOT, "migration/image-lock.js"), ROOT, dir], { encoding: "utf8" });
            const out = execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
            expect(out).toMatch(/added \d+ packages/);
            // And a lock that no longer matches its package.json is refused, so the check above can fail.
            const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            manifest.dependencies.zod = "4.0.0";
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest));
            expect(() => execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], { cwd: dir, encoding: "utf8", stdio: "pipe", timeout: 120_000 })).toThrow();
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }, 150_000);
});
