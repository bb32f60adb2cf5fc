// A registration crosses from the program's process to the CLI with its outputs sent only where they differ from
// its inputs (engine/program/host/registration-wire.js); the CLI must get back exactly what the host recorded.

import * as v8 from "v8";
import { fromTheWire } from "../../engine/program/program-runner";

const { onTheWire } = require("../../engine/program/host/registration-wire") as { onTheWire: (r: object) => any };

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };

/** What the CLI gets: through the IPC channel (its "advanced" serialisation, V8's), then put back together. */
const across = (record: Record<string, unknown>) => fromTheWire(v8.deserialize(v8.serialize(onTheWire(record))));

function registration(inputs: Record<string, unknown>, outputs: Record<string, unknown>) {
    return { urn: "urn:pulumi:s::p::t::n", type: "t", name: "n", custom: true, parent: "", id: "", inputs, outputs };
}

describe("a registration sent from the language host", () => {
    it("arrives whole, key order included: outputs equal to inputs, predicted, added and secret", () => {
        const inputs = { location: "francecentral", sku: { name: "Standard_ZRS" }, tags: { b: "2", a: "1" }, kind: "StorageV2" };
        const cases = [
            { ...inputs },
            { ...inputs, id: "/subscriptions/x/resourceGroups/rg/providers/t/n", primaryEndpoints: { blob: "https://n.blob" } },
            { ...inputs, sku: SECRET },
            { ...inputs, location: "westeurope" },
            { ...inputs, kind: undefined },
        ];
        for (const outputs of cases) {
            const r = registration(inputs, outputs);
            const back = across(r);
            expect(JSON.stringify(back)).toBe(JSON.stringify(r));
        }
    });

    it("sends only the outputs that are not the inputs themselves", () => {
        const inputs = { a: { deep: [1, 2, 3] }, b: "x" };
        const wire = onTheWire(registration(inputs, { ...inputs, id: "predicted" }));
        expect(wire.outputs).toBeUndefined();
        expect(wire.outputsBeyondInputs).toEqual({ id: "predicted" });
        // An equal value that is another object (built by the engine) is sent: equality is not assumed.
        expect(onTheWire(registration(inputs, { ...inputs, a: { deep: [1, 2, 3] } })).outputsBeyondInputs).toEqual({ a: { deep: [1, 2, 3] } });
    });

    it("sends a component's outputs, and any outputs missing an input, as they are", () => {
        const component = { ...registration({ name: "hdh" }, {}), custom: false };
        expect(onTheWire(component)).toBe(component);
        expect(JSON.stringify(across(component))).toBe(JSON.stringify(component));
        const dropped = registration({ a: 1, b: 2 }, { a: 1 });
        expect(onTheWire(dropped)).toBe(dropped);
        expect(across(dropped).outputs).toEqual({ a: 1 });
    });
});
