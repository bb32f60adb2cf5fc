// The markers of the Pulumi wire format (the runtime's rpc.js and the engine's resource/properties): a special
// value is an object whose SIG key holds its kind; an unknown value is this fixed string (the engine also uses it as
// the id of a provider it has not created yet).
"use strict";

module.exports = {
    SIG: "4dabf18193072939515e22adb298388d",
    SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270",
    OUTPUT_SIG: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
    UNKNOWN: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
};
