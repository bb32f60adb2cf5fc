// The child process that runs one Pulumi program for one stack, as the Node language host would: with the
// program's OWN @pulumi/pulumi (resolved from the program directory, so a third party's program brings its own
// runtime), through that runtime's own `cmd/run` entry (same ts-node registration, tsconfig, entry-point
// resolution and root `pulumi:pulumi:Stack`), against an embedded resource monitor that answers like the engine
// does during a preview.
//
// Plain JavaScript on purpose: it must load before any TypeScript compiler is registered, so that the program's
// runtime registers ts-node itself, exactly once, with the program's options (as Pulumi's run script does).
//
// Protocol (IPC): the parent sends one `{ job }` message. While the program runs, the child sends what the engine
// sees as it happens, in `{ events }` messages: `{ resource }` for each registration, `{ urn, outputs }` when a
// component registers its outputs; the parent can judge resources while the program still runs, as the engine's
// analyzers do. It ends with one `{ ok: true, result }` or `{ ok: false, error }` message, and exits.
"use strict";

require("../../compile-cache").keepCompiledCode();
const path = require("path");
const util = require("util");
const { createMonitor } = require("./monitor");
const { skipUnreadTraces } = require("./unread-traces");
const { installPlainStructs } = require("./plain-structs");
const { deferInvokesOnPredicted } = require("./predictions");
const { collectMissingConfig, missingKey } = require("./missing-config");
const { answerUnknownInvokes } = require("./unknown-invokes");
const { answersOffline } = require("./invokes");
const { deferClosureSerialization } = require("./deferred-closure");
const { onTheWire } = require("./registration-wire");

/** Events sent in one message at most; more wait for the next turn of the event loop. */
const EVENTS_PER_MESSAGE = 256;

/**
 * Registrations go to the parent in batches: one IPC message per turn of the program's event loop (or per
 * EVENTS_PER_MESSAGE), rather than one per resource (each message costs a serialisation) or one at the end (the
 * parent could not start judging before the program ends).
 */
function eventStream() {
    let pending = [];
    let scheduled = false;
    const flush = () => {
        scheduled = false;
        if (pending.length === 0) return;
        const events = pending;
        pending = [];
        process.send({ events });
    };
    const push = event => {
        pending.push(event);
        if (pending.length >= EVENTS_PER_MESSAGE) flush();
        else if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
        }
    };
    return {
        resource: record => push({ resource: onTheWire(record) }),
        outputs: (urn, outputs) => push({ urn, outputs }),
        flush,
    };
}

/**
 * The text of anything a program can throw. An error thrown in Node's ESM loader thread (a TypeScript error in a
 * `"type": "module"` program) reaches this thread as a null-prototype object with nothing but a custom inspector:
 * no name, no message, no conversion to a string. Whatever comes, this returns a string and never throws.
 */
function thrownText(err) {
    try {
        if (err && typeof err === "object" && typeof err.message === "string" && err.message) return err.message;
        if (typeof err === "string") return err;
        return util.inspect(err, { depth: 2, breakLength: Infinity });
    } catch {
        return `a value that cannot be shown (${Object.prototype.toString.call(err)})`;
    }
}

/** Why a program failed, as the program said it (the parent summarises it: engine/errors.ts, programErrorSummary). */
function describeFailure(err, programDir, pulumi) {
    if (err && typeof err === "object") {
        const text = thrownText(err);
        // ts-node's diagnostics ("index.ts(3,7): error TS2322: ...") say where they are: no stack frame needed.
        const name = typeof err.name === "string" && err.name ? err.name : /\berror TS\d+:/.test(text) ? "TSError" : "Error";
        const message = text;
        // RunErrors (ConfigError, missing config) are meant for the user: no stack trace, as `pulumi` prints them.
        const isRunError = pulumi !== undefined && pulumi.RunError.isInstance(err);
        const missing = missingKey(err);
        if (missing) return { kind: "program", name, message, missing: [missing] };
        if (isRunError || name === "TSError") return { kind: "program", name, message };
        return { kind: "program", name, message,
                 where: typeof err.stack === "string" ? firstProgramFrame(err.stack, programDir) : undefined };
    }
    return { kind: "program", name: "Error", message: thrownText(err) };
}

/** The first stack frame inside the program (not in node_modules), so the one-line error says where it threw. */
function firstProgramFrame(stack, programDir) {
    for (const line of String(stack || "").split("\n").slice(1)) {
        const m = /\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
        if (m && !m[1].includes(`${path.sep}node_modules${path.sep}`) && m[1].startsWith(programDir)) {
            return `${path.relative(programDir, m[1])}:${m[2]}`;
        }
    }
    return undefined;
}

function resolveRuntime(programDir) {
    try {
        const pkg = require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] });
        return path.dirname(pkg);
    } catch {
        return undefined;
    }
}

/**
 * The runtime's `run` function (cmd/run/run.js): what its language-host entry calls after parsing the host's
 * flags. That entry module (cmd/run/index.js) starts running as soon as it is loaded and needs a real engine, so
 * it is registered as already loaded with the one value run.js reads from it.
 */
function loadRunner(runtimeDir) {
    const Module = require("module");
    const entry = path.join(runtimeDir, "cmd", "run", "index.js");
    if (!require.cache[entry]) {
        const stub = new Module(entry);
        stub.filename = entry;
        stub.loaded = true;
        stub.exports = { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 };
        require.cache[entry] = stub;
    }
    return require(path.join(runtimeDir, "cmd", "run", "run"));
}

async function runJob(job) {
    const runtimeDir = resolveRuntime(job.programDir);
    if (!runtimeDir) {
        return { ok: false, error: { kind: "setup", message: `no @pulumi/pulumi installed for the program in ${job.programDir} (run npm install there)` } };
    }
    // The language host passes these to the program process; set them before the runtime loads.
    Object.assign(process.env, job.env);
    process.chdir(job.programDir);

    deferClosureSerialization(runtimeDir);
    const pulumi = require(path.join(runtimeDir));
    const settings = require(path.join(runtimeDir, "runtime", "settings"));
    const state = require(path.join(runtimeDir, "runtime", "state"));
    const { version } = require(path.join(runtimeDir, "package.json"));

    pulumi.runtime.setAllConfig(job.config, job.secretKeys);
    // The public setMocks enables the features this runtime version supports; its monitor is then replaced by
    // ours, which answers like the engine (URNs, preview unknowns, duplicate URNs, invokes).
    await pulumi.runtime.setMocks({ newResource: () => ({ id: "", state: {} }), call: () => ({}) },
        job.project, job.stack, job.preview, job.organization);
    const mock = settings.getMonitor();
    // Collecting missing configuration (see missing-config.js), nobody judges the registrations: none is sent.
    const collecting = job.collectMissingConfig ? collectMissingConfig(runtimeDir) : undefined;
    const stream = collecting ? { resource() {}, outputs() {}, flush() {} } : eventStream();
    const recorder = createMonitor({ runtimeDir, project: job.project, stack: job.stack, preview: job.preview,
                                     predict: job.predict,
                                     config: job.config, secretKeys: job.secretKeys,
                                     onRecord: stream.resource, onOutputs: stream.outputs });
    for (const method of ["registerResource", "registerResourceOutputs", "readResource", "invoke", "call",
                          "registerStackTransform", "registerStackInvokeTransform"]) {
        mock[method] = recorder.monitor[method];
    }

    // The first failure ends the run, answered at once: after a failed registration or a top-level error, the
    // runtime can keep its event loop busy forever, so nothing is left to a later turn (the engine would stop the
    // program at that point too).
    // Collecting, a failure (often caused by a stand-in value) ends the collection: the keys found so far are the answer.
    const fail = err => answer({ ok: false, error: collecting ? { kind: "config", message: "missing configuration",
                                                                      missing: collecting() }
                                                              : describeFailure(err, job.programDir, pulumi) });
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    // Collecting, a program stuck on a stand-in value has told what it could: the keys found so far.
    stuck = () => collecting ? { ok: false, error: { kind: "config", message: "missing configuration", missing: collecting() } }
                             : neverFinished(state.getStore().leakCandidates.size);
    recorder.onFailure(message => answer({ ok: false, error: { kind: "engine", message } }));

    // Before the program loads: invokes nobody can answer offline are unknown (see unknown-invokes.js), and
    // traces nobody reads offline are not captured (see unread-traces.js), and properties pass to and from the
    // monitor as plain values unless something needs the protobuf message (see plain-structs.js).
    answerUnknownInvokes(runtimeDir, { stack: job.stack, project: job.project, answered: answersOffline,
                                       onUnanswered: token => recorder.recordInvoke(token, "unknown") });
    skipUnreadTraces(runtimeDir);
    installPlainStructs(runtimeDir);
    if (job.preview && job.predict) deferInvokesOnPredicted(runtimeDir, recorder.isPredicted);
    const { run } = loadRunner(runtimeDir);
    const started = Date.now();
    try {
        await run({ _: [job.entry] }, () => undefined, () => undefined, () => false);
        // Drain outstanding registrations (e.g. the root Stack's outputs), as the runtime does before exit.
        await pulumi.runtime.disconnect();
    } catch (err) {
        fail(err);
    }
    // Errors raised inside apply callbacks surface as unhandled rejections on a later turn.
    await new Promise(resolve => setImmediate(resolve));
    if (collecting) return { ok: false, error: { kind: "config", message: "missing configuration", missing: collecting() } };
    stream.flush();
    return {
        ok: true,
        result: {
            runtime: { dir: runtimeDir, version },
            invokes: recorder.invokes(),
            programMs: Date.now() - started,
        },
    };
}

let answered = false;

/**
 * Sends the one answer and exits. A failure is small and written at once (the write to the IPC pipe is attempted
 * synchronously), so exiting right after does not lose it even if the event loop never turns again; a success
 * exits once it, and the registrations before it, are flushed.
 */
function answer(message) {
    if (answered) return;
    answered = true;
    if (message.ok) {
        process.send(message, () => process.exit(0));
    } else {
        process.send(message);
        process.exit(0);
    }
}

// If the CLI goes away (Ctrl-C, a killed CI job), so does the program.
process.once("disconnect", () => process.exit(1));

/** The answer when nothing is left to run and the program has not finished (set once the runtime is loaded). */
let stuck = () => neverFinished(undefined);

function neverFinished(pending) {
    const count = pending === undefined ? "" : ` ${pending} promise${pending === 1 ? "" : "s"} of the Pulumi runtime still pending`;
    return { ok: false, error: { kind: "program", name: "Error",
        message: `the program never finished:${count} with nothing left to run (a Pulumi call whose result is never ` +
            "awaited, a value that never arrives, or two resources waiting on each other); pulumi fails it the same way" } };
}

/**
 * Once nothing is left to run, a program still unfinished waits on a promise nobody will settle. The runtime's
 * process would then exit with its report of the promises still pending (runtime/debuggable.js) and the engine
 * fail the program: so does this host, at once, rather than when the CLI's time limit ends (the IPC channel alone
 * does not keep it alive while the program runs).
 */
function failWhenOutOfWork() {
    if (process.channel) process.channel.unref();
    process.once("beforeExit", () => answer(stuck()));
}

process.once("message", message => {
    failWhenOutOfWork();
    runJob(message.job)
        .then(answer, err => answer({ ok: false, error: { kind: "host",
            message: err && typeof err.stack === "string" ? err.stack : thrownText(err) } }));
});
