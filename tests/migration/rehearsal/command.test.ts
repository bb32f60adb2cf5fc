// `rehearse data`'s options: each projection setting refuses what is not a number it can use, naming the flag and
// the value, and a good value reaches the projection.

import { parseRehearsalArgs } from "../../../migration/rehearsal/command";

describe("rehearse data options", () => {
    test.each([
        ["--key-rate", "0", /--key-rate needs a whole number of at least 1, got "0"/],
        ["--source-key-rate", "-5", /--source-key-rate needs a whole number of at least 1, got "-5"/],
        ["--source-key-rate", "fast", /--source-key-rate needs a whole number of at least 1, got "fast"/],
        ["--pods", "2.5", /--pods needs a whole number of at least 1, got "2.5"/],
        ["--client-side", "150", /--client-side needs a percentage from 0 to 100, got "150"/],
        ["--unchecksummed", "", /--unchecksummed needs a percentage from 0 to 100, got ""/],
    ])("%s %j is refused", (flag, value, message) => {
        expect(() => parseRehearsalArgs([flag, value])).toThrow(message);
    });

    test("a flag given no value says so", () => {
        expect(() => parseRehearsalArgs(["--source-key-rate"])).toThrow(/--source-key-rate needs a whole number of at least 1, got nothing/);
    });

    test("good values reach the projection's settings", () => {
        const { options } = parseRehearsalArgs(["--source-key-rate", "150", "--client-side", "25", "--key-rate", "40"]);
        expect(options.production).toMatchObject({ sourceKeyCallsPerSecond: 150, clientSideShare: 0.25, keyServiceCallsPerSecond: 40 });
    });
});
