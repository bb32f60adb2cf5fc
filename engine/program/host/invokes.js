// Invokes (data sources) that programs call during a preview, answered offline. During a real preview the
// provider answers them from the caller's credentials; offline, the answer comes from the provider's stack config
// (`azure-native:tenantId`, ...) when set, or from a placeholder that cannot be mistaken for a real identifier.
// Every invoke is recorded with where its answer came from, and `plan` reports placeholders and unanswered
// tokens, so that nothing is silently invented. Any other invoke is unknown, as in a preview that cannot know it
// (unknown-invokes.js); `{}` is only the answer of a runtime too old for that.
"use strict";

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const { SIG, SECRET_SIG } = require("../../wire-signatures");

/** token -> which result fields come from which config key (unset keys get the placeholder). */
const FROM_CONFIG = {
    "azure-native:authorization:getClientConfig": {
        clientId: "azure-native:clientId",
        objectId: "azure-native:objectId",
        subscriptionId: "azure-native:subscriptionId",
        tenantId: "azure-native:tenantId",
    },
    "azure:core/getClientConfig:getClientConfig": {
        clientId: "azure:clientId",
        objectId: "azure:objectId",
        subscriptionId: "azure:subscriptionId",
        tenantId: "azure:tenantId",
    },
};

const TOKENS = {
    "azure-native:authorization:getClientToken": () => ({ token: { [SIG]: SECRET_SIG, value: "offline-token" } }),
};

/**
 * Whether the offline engine answers `token` (from config, with a placeholder, or as the engine's own builtins such
 * as `pulumi:pulumi:getResource`). Any other invoke is unknown (see unknown-invokes.js).
 */
function answersOffline(token) {
    return token in FROM_CONFIG || token in TOKENS || token.startsWith("pulumi:pulumi:");
}

/**
 * @returns {{ result: object, source: "config" | "placeholder" | "none" }}
 */
function answerInvoke(token, _args, config) {
    const fields = FROM_CONFIG[token];
    if (fields) {
        const result = {};
        let placeholder = false;
        for (const [field, key] of Object.entries(fields)) {
            if (config[key] !== undefined) result[field] = config[key];
            else { result[field] = NIL_UUID; placeholder = true; }
        }
        return { result, source: placeholder ? "placeholder" : "config" };
    }
    if (TOKENS[token]) return { result: TOKENS[token](), source: "placeholder" };
    return { result: {}, source: "none" };
}

module.exports = { answerInvoke, answersOffline, NIL_UUID };
