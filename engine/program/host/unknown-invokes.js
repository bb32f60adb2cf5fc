// Invokes with no offline answer are unknown, as any value a preview cannot know. Offline, nobody can answer a
// provider's data source (a resource group's location, a cluster's credentials, a Helm chart rendered by the
// Kubernetes provider): answering `{}` would make what the program takes from it silently disappear (an absent
// location, an empty chart) and the pack would judge a resource that is not the one `pulumi preview` shows.
//
// So the host answers such an invoke on the program's own runtime, before any request is made, the way that runtime
// answers an invoke whose arguments are unknown during a preview: an unknown Output. Every value derived from it
// is unknown too, so `apply` callbacks on it do not run (no bogus error), and each resource input it reaches is
// the engine's unknown. The plain (Promise) forms resolve to that same unknown Output.
//
// To tell the reader which resources each unanswered invoke feeds, the unknown Output carries a marker resource,
// which the runtime counts among the dependencies of whatever input it reaches. The embedded monitor takes those
// markers out of every request before it records it (monitor.js): the pack never sees them.
"use strict";

const path = require("path");

/** The type of the marker resources; a URN with it is never a real resource. */
const MARKER_TYPE = "offline:invoke:Unanswered";

/** The invoke token a marker URN stands for, or undefined when the URN is a real resource's. */
function markerToken(urn) {
    const parts = String(urn).split("::");
    return parts.length >= 4 && parts[2] === MARKER_TYPE ? parts.slice(3).join("::") : undefined;
}

/**
 * Installs the unknown answer on the program's runtime for every token `answered(token)` refuses; each such call
 * is reported with `onUnanswered(token)`. Returns whether it could be installed (a runtime without these exports
 * keeps its own behaviour: the monitor then answers `{}` and the run says so).
 */
function answerUnknownInvokes(runtimeDir, { stack, project, answered, onUnanswered }) {
    const runtime = require(path.join(runtimeDir, "runtime"));
    const invokeModule = require(path.join(runtimeDir, "runtime", "invoke"));
    const { Output } = require(path.join(runtimeDir, "output"));
    if (typeof Output !== "function" || typeof runtime.invoke !== "function") return false;

    const markers = new Map();
    const marker = token => {
        let m = markers.get(token);
        if (!m) {
            const urn = `urn:pulumi:${stack}::${project}::${MARKER_TYPE}::${token}`;
            // What the runtime's dependency walk reads of a custom resource: its markers and its URN.
            m = { __pulumiResource: true, __pulumiCustomResource: true, urn: known(urn) };
            markers.set(token, m);
        }
        return m;
    };
    const known = value => new Output(new Set(), Promise.resolve(value), Promise.resolve(true), Promise.resolve(false),
                                      Promise.resolve(new Set()));
    // As the runtime's own unknown invoke result: value {}, not known, not secret; depending on the marker.
    const unknownResult = token => {
        const m = marker(token);
        return new Output(new Set([m]), Promise.resolve({}), Promise.resolve(false), Promise.resolve(false),
                          Promise.resolve(new Set([m])));
    };

    const wrap = (name, plain) => {
        const original = runtime[name];
        if (typeof original !== "function") return;
        const replacement = function (tok, ...rest) {
            if (answered(tok)) return original.call(this, tok, ...rest);
            onUnanswered(tok);
            return plain ? Promise.resolve(unknownResult(tok)) : unknownResult(tok);
        };
        // SDKs call `pulumi.runtime.<name>`; the runtime's index copied the function when it loaded.
        runtime[name] = replacement;
        if (invokeModule[name] === original) invokeModule[name] = replacement;
    };
    wrap("invoke", true);
    wrap("invokeSingle", true);
    wrap("invokeOutput", false);
    wrap("invokeSingleOutput", false);
    return true;
}

module.exports = { answerUnknownInvokes, markerToken, MARKER_TYPE };
