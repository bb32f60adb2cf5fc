// Registrations between the program and the embedded monitor never leave the process, yet each one goes through
// google-protobuf's `Struct`: the runtime builds one with `Struct.fromJavaScript(props)` (a jspb message per value,
// a jspb.Map per object), the monitor reads it back with `toJavaScript()`, answers with another Struct, and the
// runtime reads that back. Building and reading those message trees was about a tenth of a program's CPU at 100
// projects, plus the garbage (docs/benchmark.md).
//
// So `Struct.fromJavaScript` of the program's own runtime returns a plain-value Struct instead: it validates the
// value eagerly exactly as google-protobuf does (same errors, same getters read in the same order), keeps a
// private copy, and `toJavaScript()` answers from that copy what google-protobuf's round trip would (keys sorted as
// the jspb.Map iterates them, `__proto__` dropped as the map drops it, -0 and NaN kept). Anything else that touches
// it (getFieldsMap, serializeBinary, toObject, the contents of its toArray(), cloneMessage...) first turns it into
// the real message, in place: same array object (the parent message keeps a reference to it since setObject), same
// wrappers, built by the same calls google-protobuf makes. From then on it is a plain Struct.
// Skipped (the runtime unchanged) when the module does not have the shape this relies on.
"use strict";

const path = require("path");

const INSTALLED = Symbol.for("warehouse.plainStructs");

/** The runtime's own struct_pb and the google-protobuf it requires, or undefined. */
function runtimeStructModule(runtimeDir) {
    try {
        const file = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [runtimeDir] });
        const jspb = require(require.resolve("google-protobuf", { paths: [path.dirname(file)] }));
        return { structPb: require(file), jspb };
    } catch {
        return undefined;
    }
}

/** Installs the shortcut on the program's runtime (before the program loads); returns whether it did. */
function installPlainStructs(runtimeDir) {
    const found = runtimeStructModule(runtimeDir);
    return found ? patchStructModule(found.structPb, found.jspb) : false;
}

function hasExpectedShape(structPb, jspb) {
    const { Struct, Value, ListValue, NullValue } = structPb || {};
    const fns = [Struct, Value, ListValue, Struct && Struct.fromJavaScript, Struct && Struct.serializeBinaryToWriter,
                 jspb && jspb.typeOf, jspb && jspb.Map, jspb && jspb.Message && jspb.Message.prototype.toArray];
    if (!fns.every(f => typeof f === "function")) return false;
    const methods = [[Struct, ["getFieldsMap", "toJavaScript", "toArray"]],
                     [Value, ["setStringValue", "setNumberValue", "setBoolValue", "setNullValue", "setListValue",
                              "setStructValue"]],
                     [ListValue, ["addValues"]]];
    return methods.every(([cls, names]) => names.every(n => typeof cls.prototype[n] === "function")) &&
        !!NullValue && NullValue.NULL_VALUE === 0 && new Struct().toArray().length === 0;
}

/** Replaces `structPb.Struct.fromJavaScript`; false (nothing changed) when the module is not the one expected. */
function patchStructModule(structPb, jspb) {
    if (structPb && structPb.Struct && structPb.Struct[INSTALLED]) return true;
    if (!hasExpectedShape(structPb, jspb)) return false;
    const { Struct, Value, ListValue, NullValue } = structPb;
    const typeOf = jspb.typeOf;

    // --- The copy, validated as google-protobuf validates (struct_pb.js Struct/Value/ListValue.fromJavaScript) ---
    // A struct is { keys, values } sorted by key as jspb.Map iterates (default string sort); a list a plain array.
    function snapshotStruct(obj) {
        const keys = [];
        const values = [];
        let sorted = true;
        for (const property in obj) {
            const value = snapshotValue(obj[property]);
            if (sorted && keys.length > 0 && !(keys[keys.length - 1] < property)) sorted = false;
            keys.push(property);
            values.push(value);
        }
        if (sorted) return { keys, values };
        const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : 1));
        return { keys: order.map(i => keys[i]), values: order.map(i => values[i]) };
    }
    function snapshotValue(value) {
        switch (typeOf(value)) {
            case "string": case "number": case "boolean": return value;
            case "null": return null;
            case "array": {
                const list = [];
                for (let i = 0; i < value.length; i++) list.push(snapshotValue(value[i]));
                return list;
            }
            case "object": return snapshotStruct(value);
            default: throw new Error("Unexpected struct type.");
        }
    }

    // --- What the real message's toJavaScript() returns (a fresh object each time) ---
    function plainStruct(snap) {
        const ret = {};
        for (let i = 0; i < snap.keys.length; i++) {
            // The jspb.Map keeps entries in a plain object: a `__proto__` key sets its prototype and is no entry.
            if (snap.keys[i] !== "__proto__") ret[snap.keys[i]] = plainValue(snap.values[i]);
        }
        return ret;
    }
    function plainValue(value) {
        if (value === null || typeof value !== "object") return value;
        if (!Array.isArray(value)) return plainStruct(value);
        const ret = [];
        for (let i = 0; i < value.length; i++) ret[i] = plainValue(value[i]);
        return ret;
    }

    // --- What String() of the real message's array gives: the runtime formats every response it receives into a
    // debug line (`resp: ${innerResponse}`) whether or not debug logging is on. A Value's array holds its one set
    // field at index (field number - 1); a ListValue's, the list of its values' arrays; a Struct's, its synced map
    // entries [key, value's array] in key order. Array's toString joins them all, with commas, holes empty.
    function structText(snap) {
        let text = "";
        for (let i = 0; i < snap.keys.length; i++) {
            if (snap.keys[i] === "__proto__") continue;
            text += (text === "" ? "" : ",") + snap.keys[i] + "," + valueText(snap.values[i]);
        }
        return text;
    }
    function valueText(value) {
        switch (typeof value) {
            case "number": return "," + value;
            case "string": return ",," + value;
            case "boolean": return ",,," + value;
            default:
                if (value === null) return String(NullValue.NULL_VALUE);
                if (!Array.isArray(value)) return ",,,," + structText(value);
                return ",,,,," + value.map(valueText).join(",");
        }
    }

    // --- The real message, by the calls google-protobuf's fromJavaScript makes (nested ones real too) ---
    function fillStruct(struct, snap) {
        const map = Struct.prototype.getFieldsMap.call(struct);
        for (let i = 0; i < snap.keys.length; i++) map.set(snap.keys[i], messageValue(snap.values[i]));
        return struct;
    }
    function messageValue(value) {
        const ret = new Value();
        if (typeof value === "string") ret.setStringValue(value);
        else if (typeof value === "number") ret.setNumberValue(value);
        else if (typeof value === "boolean") ret.setBoolValue(value);
        else if (value === null) ret.setNullValue(NullValue.NULL_VALUE);
        else if (Array.isArray(value)) {
            const list = new ListValue();
            for (let i = 0; i < value.length; i++) list.addValues(messageValue(value[i]));
            ret.setListValue(list);
        } else ret.setStructValue(fillStruct(new Struct(), value));
        return ret;
    }

    class PlainStruct extends Struct {
        #snapshot;
        #array;
        #reader;

        /** Called only by fromJavaScript below; constructed any other way (cloneMessage) it is a plain Struct. */
        static of(snapshot) {
            const struct = new PlainStruct();
            struct.#snapshot = snapshot;
            // The message's own array (empty until now): reading its field, as jspb does through a parent
            // message's reference to it, materialises first. Its length is 1, as the real one's.
            struct.#array = jspb.Message.prototype.toArray.call(struct);
            struct.#reader = {
                get() { struct.#materialise(); return struct.#array[0]; },
                set(v) { struct.#materialise(); struct.#array[0] = v; },
                enumerable: true, configurable: true,
            };
            Object.defineProperty(struct.#array, 0, struct.#reader);
            Object.defineProperty(struct.#array, "toString", {
                value() { return struct.#isPlain() ? structText(struct.#snapshot) : Array.prototype.toString.call(this); },
                writable: true, configurable: true,
            });
            return struct;
        }

        #isPlain() {
            if (this.#snapshot === undefined) return false;
            // Something rewrote the array behind our back (jspb.Message.copyInto): the message is what it holds.
            const d = Object.getOwnPropertyDescriptor(this.#array, 0);
            if (d && d.get === this.#reader.get) return true;
            this.#snapshot = undefined;
            return false;
        }

        #materialise() {
            if (!this.#isPlain()) return;
            const snapshot = this.#snapshot;
            this.#snapshot = undefined;
            Object.defineProperty(this.#array, 0, { value: undefined, writable: true, enumerable: true, configurable: true });
            this.#array.length = 0;
            delete this.#array.toString;
            fillStruct(this, snapshot);
            // Whoever reads the array sees it synced, as after the toArray() jspb always calls before reading it.
            jspb.Message.prototype.toArray.call(this);
        }

        getFieldsMap(noLazyCreate) {
            this.#materialise();
            return super.getFieldsMap(noLazyCreate);
        }

        toJavaScript() {
            return this.#isPlain() ? plainStruct(this.#snapshot) : super.toJavaScript();
        }
    }
    // For jspb, still a Struct: cloneMessage builds `new msg.constructor(...)`, copyInto and equals compare it.
    Object.defineProperty(PlainStruct.prototype, "constructor", { value: Struct, writable: true, configurable: true });

    Struct.fromJavaScript = function fromJavaScript(obj) {
        return PlainStruct.of(snapshotStruct(obj));
    };
    Object.defineProperty(Struct, INSTALLED, { value: true });
    return true;
}

module.exports = { installPlainStructs, patchStructModule };
