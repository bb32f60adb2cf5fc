// google.protobuf.Struct read straight from a request's bytes into the JavaScript value its toJavaScript() returns.
//
// google-protobuf decodes a Struct into a message object per value (a map entry, a Value, a ListValue, each with
// its own arrays), and toJavaScript() then walks that tree again. For the pack, a stack of 2,000 resources at 100
// projects is a 5 to 8 MB AnalyzeStack request, about 1 s of decoding per stack, most of it in Structs, plus the
// same again spread over the per-resource Analyze requests. Reading the wire format directly gives the same value
// without the intermediate objects. Same value means: keys in the order google-protobuf's map gives them (sorted),
// the last of repeated map keys and oneof members wins (google-protobuf replaces, it does not merge), null for
// null_value, a double for number_value. Anything this reader does not expect (a wire type that does not fit, a
// group, a map entry or Value with nothing set, truncated bytes) throws, and the caller falls back to
// google-protobuf, which then behaves as it always did. Wire format: protobuf's encoding guide; struct.proto.

const WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_DELIMITED = 2, WIRE_FIXED32 = 5;

/** Not a Struct this reader vouches for: google-protobuf decodes it instead. */
export class UnexpectedEncoding extends Error {}

class Cursor {
    pos: number;
    constructor(readonly bytes: Buffer, start: number, readonly end: number) {
        this.pos = start;
    }

    varint(): number {
        let result = 0, scale = 1, byte: number;
        do {
            if (this.pos >= this.end) throw new UnexpectedEncoding("truncated varint");
            byte = this.bytes[this.pos++];
            result += (byte & 0x7f) * scale;
            scale *= 128;
            if (scale > 2 ** 70) throw new UnexpectedEncoding("varint longer than 10 bytes");
        } while (byte & 0x80);
        // google-protobuf reads a tag, a length or a bool as the varint's low 32 bits; a double cannot keep them
        // exactly past 2^53, and no encoder writes more than 32 bits for those.
        if (result > 0xffffffff) throw new UnexpectedEncoding("varint past 32 bits");
        return result;
    }

    /** The [start, end) of a length-delimited field's content, the cursor moved past it. */
    delimited(): [number, number] {
        const length = this.varint();
        const start = this.pos, end = start + length;
        if (end > this.end) throw new UnexpectedEncoding("length past the end");
        this.pos = end;
        return [start, end];
    }

    skip(wire: number): void {
        if (wire === WIRE_VARINT) this.varint();
        else if (wire === WIRE_FIXED64) this.advance(8);
        else if (wire === WIRE_DELIMITED) this.delimited();
        else if (wire === WIRE_FIXED32) this.advance(4);
        else throw new UnexpectedEncoding(`wire type ${wire}`);
    }

    advance(n: number): void {
        if (this.pos + n > this.end) throw new UnexpectedEncoding("field past the end");
        this.pos += n;
    }

    string(start: number, end: number): string {
        const text = this.bytes.toString("utf8", start, end);
        // Invalid UTF-8 decodes to U+FFFD here, to something else in google-protobuf's own decoder.
        if (text.includes("\ufffd") && Buffer.from(text, "utf8").compare(this.bytes, start, end) !== 0) {
            throw new UnexpectedEncoding("invalid UTF-8");
        }
        return text;
    }
}

function expectWire(actual: number, expected: number): void {
    if (actual !== expected) throw new UnexpectedEncoding(`wire type ${actual} where ${expected} belongs`);
}

/**
 * Where the content of the length-delimited field whose tag starts at `fieldStart` lies, as [start, end); undefined
 * when the bytes there are no such field.
 */
export function delimitedFieldAt(bytes: Uint8Array, fieldStart: number): [number, number] | undefined {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (fieldStart < 0 || fieldStart >= buffer.length) return undefined;
    const c = new Cursor(buffer, fieldStart, buffer.length);
    try {
        if ((c.varint() & 7) !== WIRE_DELIMITED) return undefined;
        return c.delimited();
    } catch (e) {
        if (e instanceof UnexpectedEncoding) return undefined;
        throw e;
    }
}

/** The JavaScript value of the Struct encoded in bytes[start, end). */
export function readStruct(bytes: Uint8Array, start: number, end: number): Record<string, unknown> {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (start < 0 || end > buffer.length || start > end) throw new UnexpectedEncoding("range outside the buffer");
    return struct(new Cursor(buffer, start, end));
}

function struct(c: Cursor): Record<string, unknown> {
    // struct.proto: map<string, Value> fields = 1, each entry a message { string key = 1; Value value = 2; }.
    const entries = new Map<string, [number, number]>();
    const end = c.end;
    while (c.pos < end) {
        const tag = c.varint();
        if (tag >>> 3 !== 1) { c.skip(tag & 7); continue; }
        expectWire(tag & 7, WIRE_DELIMITED);
        const [entryStart, entryEnd] = c.delimited();
        const entry = new Cursor(c.bytes, entryStart, entryEnd);
        let key = "";
        let value: [number, number] | undefined;
        while (entry.pos < entryEnd) {
            const t = entry.varint();
            const field = t >>> 3;
            if (field === 1) { expectWire(t & 7, WIRE_DELIMITED); const [s, e] = entry.delimited(); key = entry.string(s, e); }
            else if (field === 2) { expectWire(t & 7, WIRE_DELIMITED); value = entry.delimited(); }
            else entry.skip(t & 7);
        }
        // An entry without a value holds an empty Value, whose toJavaScript() throws: left to google-protobuf.
        if (!value) throw new UnexpectedEncoding("map entry without a value");
        entries.set(key, value);
    }
    const out: Record<string, unknown> = {};
    for (const key of [...entries.keys()].sort()) {
        const [s, e] = entries.get(key)!;
        const v = value(new Cursor(c.bytes, s, e));
        // google-protobuf's map keeps its entries in a plain object, where "__proto__" is no entry: the key is lost.
        // Assigned here, it would become the value's prototype (and, say, a secret's signature read through it).
        if (key !== "__proto__") out[key] = v;
    }
    return out;
}

function value(c: Cursor): unknown {
    // struct.proto: oneof kind { NullValue null_value = 1; double number_value = 2; string string_value = 3;
    // bool bool_value = 4; Struct struct_value = 5; ListValue list_value = 6; }
    let kind = 0;
    let result: unknown;
    let range: [number, number] | undefined;
    while (c.pos < c.end) {
        const tag = c.varint();
        const field = tag >>> 3, wire = tag & 7;
        switch (field) {
            case 1: expectWire(wire, WIRE_VARINT); c.varint(); kind = 1; result = null; break;
            case 2: expectWire(wire, WIRE_FIXED64); c.advance(8); kind = 2; result = c.bytes.readDoubleLE(c.pos - 8); if (result !== result) result = NaN; break;
            case 3: { expectWire(wire, WIRE_DELIMITED); const [s, e] = c.delimited(); kind = 3; result = c.string(s, e); break; }
            case 4: expectWire(wire, WIRE_VARINT); kind = 4; result = c.varint() !== 0; break;
            case 5: expectWire(wire, WIRE_DELIMITED); kind = 5; range = c.delimited(); break;
            case 6: expectWire(wire, WIRE_DELIMITED); kind = 6; range = c.delimited(); break;
            default: c.skip(wire);
        }
    }
    if (kind === 0) throw new UnexpectedEncoding("Value with no kind set");
    if (kind === 5) return struct(new Cursor(c.bytes, range![0], range![1]));
    if (kind === 6) return list(new Cursor(c.bytes, range![0], range![1]));
    return result;
}

function list(c: Cursor): unknown[] {
    // struct.proto: ListValue { repeated Value values = 1; }
    const out: unknown[] = [];
    while (c.pos < c.end) {
        const tag = c.varint();
        if (tag >>> 3 !== 1) { c.skip(tag & 7); continue; }
        expectWire(tag & 7, WIRE_DELIMITED);
        const [s, e] = c.delimited();
        out.push(value(new Cursor(c.bytes, s, e)));
    }
    return out;
}
