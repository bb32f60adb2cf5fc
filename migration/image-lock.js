#!/usr/bin/env node
// Derives the data mover image's package.json and package-lock.json from the repository's own, so that the image
// installs with `npm ci` exactly the versions (and integrity hashes) the repository locks, and nothing else: the
// packages the mover loads at run time and, as devDependencies, the compiler that builds it. The derivation is a
// pure function of the two files (no registry, no resolution): every entry is copied from the repository's lock,
// reached from those packages the way Node resolves a require (nearest node_modules upwards), keys sorted.
//
//   node migration/image-lock.js <repository root> <output directory>
//
// Plain JavaScript on purpose: it runs in the image's build stage before anything is installed (migration/Dockerfile).

"use strict";
const fs = require("fs");
const path = require("path");

/** What the mover's code requires at run time (migration/mover, migration/keys). */
const RUNTIME = ["@aws-sdk/client-s3", "@azure/storage-blob", "pkcs11js", "zod"];
/** What builds it: the compiler and Node's types (migration/tsconfig.build.json). */
const BUILD = ["typescript", "@types/node"];

function sorted(object) {
    return Object.fromEntries(Object.keys(object).sort().map(k => [k, object[k]]));
}

/** Where `name` resolves from the package installed at `from` ("" for the root), as Node would: nearest first. */
function resolve(packages, from, name) {
    let at = from;
    for (;;) {
        const candidate = `${at ? `${at}/` : ""}node_modules/${name}`;
        if (packages[candidate] && !packages[candidate].link) return candidate;
        if (!at) return undefined;
        const i = at.lastIndexOf("/node_modules/");
        at = i === -1 ? "" : at.slice(0, i);
    }
}

/** Every lock entry reached from `roots`, following dependencies, optional and peer dependencies. */
function closure(packages, roots) {
    const reached = new Set();
    const missing = [];
    const visit = (from, name, optional) => {
        const at = resolve(packages, from, name);
        if (!at) {
            if (!optional) missing.push(`${name} (required by ${from || "the image"})`);
            return;
        }
        if (reached.has(at)) return;
        reached.add(at);
        const entry = packages[at];
        for (const dep of Object.keys(entry.dependencies ?? {})) visit(at, dep, false);
        for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(at, dep, true);
        const optionalPeers = entry.peerDependenciesMeta ?? {};
        for (const dep of Object.keys(entry.peerDependencies ?? {})) visit(at, dep, optionalPeers[dep]?.optional === true);
    };
    for (const name of roots) visit("", name, false);
    if (missing.length) throw new Error(`the repository's lock does not hold: ${missing.join(", ")}`);
    return reached;
}

/** The image's package.json and package-lock.json, from the repository's. */
function deriveImageLock(rootPackage, rootLock) {
    if (rootLock.lockfileVersion !== 3) throw new Error(`expected lockfileVersion 3, got ${rootLock.lockfileVersion}`);
    const packages = rootLock.packages;
    const pinned = { ...rootPackage.dependencies, ...rootPackage.devDependencies };
    for (const name of [...RUNTIME, ...BUILD]) {
        if (!pinned[name]) throw new Error(`${name} is not a dependency of the repository's package.json`);
        if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(pinned[name])) throw new Error(`${name} must be pinned to an exact version, found "${pinned[name]}"`);
    }
    const runtime = closure(packages, RUNTIME);
    const build = closure(packages, BUILD);
    const dependencies = sorted(Object.fromEntries(RUNTIME.map(n => [n, pinned[n]])));
    const devDependencies = sorted(Object.fromEntries(BUILD.map(n => [n, pinned[n]])));
    // Overrides the repository applies to packages the image holds, so that npm ci finds the lock consistent.
    const held = new Set([...runtime, ...build].map(at => at.slice(at.lastIndexOf("node_modules/") + "node_modules/".length)));
    const overrides = sorted(Object.fromEntries(Object.entries(rootPackage.overrides ?? {}).filter(([name]) => held.has(name))));
    const manifest = {
        name: "health-data-warehouse-data-mover",
        version: rootPackage.version,
        private: true,
        description: "The data mover's image: derived from the repository's package-lock.json by migration/image-lock.js",
        license: rootPackage.license,
        engines: rootPackage.engines,
        dependencies,
        devDependencies,
        ...(Object.keys(overrides).length ? { overrides } : {}),
    };
    const entries = {};
    for (const at of [...new Set([...runtime, ...build])].sort()) {
        const { dev, devOptional, peer, optional, ...rest } = packages[at];
        // Recomputed for the image: what only the compiler needs is dev; the rest ships.
        entries[at] = sorted({ ...rest, ...(runtime.has(at) ? {} : { dev: true }), ...(optional ? { optional: true } : {}), ...(peer ? { peer: true } : {}) });
    }
    const lock = {
        name: manifest.name,
        version: manifest.version,
        lockfileVersion: 3,
        requires: true,
        packages: {
            "": sorted({ name: manifest.name, version: manifest.version, license: manifest.license, engines: manifest.engines, dependencies, devDependencies }),
            ...entries,
        },
    };
    return { manifest, lock };
}

function main(argv) {
    const [root, out] = argv;
    if (!root || !out) {
        process.stderr.write("usage: node migration/image-lock.js <repository root> <output directory>\n");
        return 2;
    }
    const read = file => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
    const { manifest, lock } = deriveImageLock(read("package.json"), read("package-lock.json"));
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    fs.writeFileSync(path.join(out, "package-lock.json"), JSON.stringify(lock, null, 2) + "\n");
    process.stdout.write(`image-lock: ${Object.keys(lock.packages).length - 1} packages from the repository's lock into ${out}\n`);
    return 0;
}

module.exports = { deriveImageLock, RUNTIME, BUILD, resolve };

if (require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`image-lock: ${e.message}\n`);
        process.exitCode = 1;
    }
}
