// Missing configuration, all of it at once. A program stops at its first `config.require*` of a key that has no
// value (the runtime's ConfigMissingError), so one run names one key. When that happens the host runs the program
// a second time in "collect" mode: every required key without a value is recorded and answered with a stand-in
// of its type, so the program goes on to its next `require`. The collecting run judges nothing and registers
// nothing anyone sees; it only lists keys. (The first run stays faithful: a program that catches the error itself
// behaves as under `pulumi preview`.)
"use strict";

const path = require("path");

/** The runtime's funnels for `require`, `requireNumber`, `requireBoolean`, `requireObject` and their secret forms. */
const FUNNELS = {
    requireImpl: () => "",
    requireNumberImpl: () => 0,
    requireBooleanImpl: () => false,
    requireObjectImpl: () => ({}),
};

/** Whether `err` is the runtime's ConfigMissingError (not exported by the runtime, so recognised by its shape). */
function isConfigMissing(err) {
    return !!err && typeof err === "object" && typeof err.key === "string" &&
        !!err.constructor && err.constructor.name === "ConfigMissingError";
}

/** The missing key an error names, or undefined. */
function missingKey(err) {
    return isConfigMissing(err) ? { key: err.key, secret: !!err.secret } : undefined;
}

/**
 * Installs collect mode on the program's runtime (before the program loads). Returns the keys recorded so far, in
 * the order the program asked for them. A runtime without these funnels is left alone (one key per run).
 */
function collectMissingConfig(runtimeDir) {
    const { Config } = require(path.join(runtimeDir, "config"));
    const missing = [];
    for (const [method, standIn] of Object.entries(FUNNELS)) {
        const original = Config && Config.prototype[method];
        if (typeof original !== "function") continue;
        Config.prototype[method] = function (...args) {
            try {
                return original.apply(this, args);
            } catch (err) {
                const found = missingKey(err);
                if (!found) throw err;
                if (!missing.some(m => m.key === found.key)) missing.push(found);
                return standIn();
            }
        };
    }
    return () => missing.slice();
}

module.exports = { collectMissingConfig, missingKey };
