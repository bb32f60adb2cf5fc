// The Pulumi runtime captures a stack trace for every promise it creates (`debuggablePromise`, for the report of
// promises still pending at exit) and reads it at once, which runs the program's source-map support (installed by
// ts-node as `Error.prepareStackTrace`) over every frame: measured at a fifth of a 2,000-resource program's time,
// plus a string of about 1 KB kept alive per promise, with about a hundred promises per resource. Offline nobody
// reads those traces (the host answers and exits before the runtime's exit-time report). So those traces, and
// only those, skip formatting; every other stack (errors the program throws, the resource source positions the
// runtime sends) is formatted exactly as before, by whatever formatter the program's runtime installed.
"use strict";

/** Functions whose `new Error().stack` only feeds that report; matched by name, so any runtime version works. */
const UNREAD_TRACE_SITES = new Set(["debuggablePromise"]);
const UNREAD_TRACE = "Error: stack trace not formatted offline (only the runtime's pending-promise report reads it)";

/**
 * Interposes on `Error.prepareStackTrace` from now on. Reading the property gives a wrapper bound to the formatter
 * installed at that moment; assigning that wrapper back reinstates the formatter. So code that saves and restores
 * the formatter, or chains to the previous one, keeps working, and a wrapper never ends up calling itself.
 */
function skipUnreadStackTraces() {
    let formatter = Error.prepareStackTrace;
    const wrapperOf = new Map();
    const formatterOf = new WeakMap();
    const wrap = inner => {
        let wrapper = wrapperOf.get(inner);
        if (!wrapper) {
            wrapper = (error, frames) => {
                const site = frames.length > 0 ? frames[0].getFunctionName() : null;
                return site !== null && UNREAD_TRACE_SITES.has(site) ? UNREAD_TRACE : inner(error, frames);
            };
            wrapperOf.set(inner, wrapper);
            formatterOf.set(wrapper, inner);
        }
        return wrapper;
    };
    Object.defineProperty(Error, "prepareStackTrace", {
        configurable: true,
        enumerable: false,
        // No formatter installed: V8 formats (there is no source map to apply yet).
        get: () => (typeof formatter === "function" ? wrap(formatter) : formatter),
        set: value => { formatter = formatterOf.has(value) ? formatterOf.get(value) : value; },
    });
}

module.exports = { skipUnreadStackTraces, UNREAD_TRACE };
