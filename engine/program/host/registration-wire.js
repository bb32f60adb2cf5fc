// How the language host sends a registration to the CLI (language-host.js streams them as they happen).
"use strict";

/**
 * A registration as it is sent to the parent. In a preview a custom resource's outputs are its inputs, plus what the
 * engine adds (predicted values, secret markers): only the outputs that are not the very input of the same name are
 * sent, as `outputsBeyondInputs`, and the parent puts the outputs back together, in the same key order
 * (program-runner.ts, fromTheWire). Half the bytes to serialise in the program's process and to parse in the CLI's.
 */
function onTheWire(record) {
    const { inputs, outputs } = record;
    const beyond = {};
    for (const key of Object.keys(inputs)) {
        if (!Object.prototype.hasOwnProperty.call(outputs, key)) return record;
    }
    for (const key of Object.keys(outputs)) {
        if (!Object.prototype.hasOwnProperty.call(inputs, key) || outputs[key] !== inputs[key]) beyond[key] = outputs[key];
    }
    const { outputs: _whole, ...rest } = record;
    return { ...rest, outputsBeyondInputs: beyond };
}

module.exports = { onTheWire };
