// Where a resource was declared: the line of the program that called `new` for it, which the reports point a
// reviewer at. The Pulumi runtime finds it by formatting the whole stack at every registration (no depth limit,
// every frame through the program's source-map support); that was the largest single cost of a run
// (docs/benchmark.md). Here the stack is captured as V8 call sites, bounded in depth, never formatted, and only the
// one frame kept is mapped back to the source.
//
// The frame kept is the first one of the program (outside node_modules and this engine) that is not a `super(...)`
// call: for a resource declared by the program (in `stacks/`, `components/` or any file of the user's own), the
// line of its `new`, also for a component class the program defines (its constructor's `super` is skipped); for
// one declared inside a library's component, the line where the program declared that component, which is the
// line a reviewer can change.
"use strict";

const fs = require("fs");
const path = require("path");
const url = require("url");

/** Frames captured at most: the constructor chain of a resource and a library's own frames stay well under it. */
const MAX_FRAMES = 32;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** The engine's own host (which starts the program and the root Stack): never the program's declaration. */
const ENGINE_DIR = `${__dirname}${path.sep}`;

/** Source lines of the program's files, read once each, to tell a `super(...)` call from a `new`. */
const sourceLines = new Map();

function isSuperCall(file, line, column) {
    let lines = sourceLines.get(file);
    if (lines === undefined) {
        try {
            lines = fs.readFileSync(file, "utf8").split("\n");
        } catch {
            lines = null;
        }
        sourceLines.set(file, lines);
    }
    const text = lines && lines[line - 1];
    return typeof text === "string" && /^super\s*\(/.test(text.slice(column - 1));
}

let sourceMaps;

/**
 * Maps a position of transpiled code back to its source through the source-map support that ts-node installs (its
 * caches are shared by every copy of the module), or leaves it as it is where none is installed.
 */
function mapToSource(position) {
    if (sourceMaps === undefined) {
        try {
            sourceMaps = require("@cspotcode/source-map-support");
        } catch {
            sourceMaps = null;
        }
    }
    if (!sourceMaps) return position;
    try {
        const mapped = sourceMaps.mapSourcePosition(position);
        return mapped && typeof mapped.line === "number" ? mapped : position;
    } catch {
        return position;
    }
}

function asCallSites(_error, callSites) {
    return callSites;
}

/** The program's file of a call site, or undefined for the runtime, Node itself and packages. */
function programFile(site) {
    let file = site.getFileName();
    if (!file) return undefined;
    if (file.startsWith("file://")) file = url.fileURLToPath(file);
    if (!path.isAbsolute(file) || file.includes(NODE_MODULES) || file.startsWith(ENGINE_DIR)) return undefined;
    return file;
}

/**
 * The declaration site of the resource being constructed, as the runtime's `Resource.stackTrace` returns its frames
 * (`{ uri, line, column }`, the first being the source position), or an empty list when no frame of the program is
 * within reach. `above` is the function whose caller starts the search (frames above it are not captured).
 */
function declarationSite(above) {
    const limit = Error.stackTraceLimit;
    const prepare = Error.prepareStackTrace;
    const holder = {};
    let sites;
    try {
        Error.stackTraceLimit = MAX_FRAMES;
        Error.prepareStackTrace = asCallSites;
        Error.captureStackTrace(holder, above);
        sites = holder.stack;
    } finally {
        Error.prepareStackTrace = prepare;
        Error.stackTraceLimit = limit;
    }
    if (!Array.isArray(sites)) return [];
    for (const site of sites) {
        const file = programFile(site);
        if (!file) continue;
        const line = site.getLineNumber();
        const column = site.getColumnNumber();
        if (!line) continue;
        // Source maps count columns from 0, V8 from 1.
        const mapped = mapToSource({ source: file, line, column: (column || 1) - 1 });
        let source = mapped.source || file;
        if (source.startsWith("file://")) source = url.fileURLToPath(source);
        const position = { line: mapped.line, column: (mapped.column || 0) + 1 };
        if (isSuperCall(source, position.line, position.column)) continue;
        return [{ uri: url.pathToFileURL(source).href, ...position }];
    }
    return [];
}

module.exports = { declarationSite, MAX_FRAMES };
