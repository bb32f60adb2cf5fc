// The markers of Pulumi's wire format (the runtime's rpc.js and the engine's resource/properties): a special value
// is an object whose SIG key holds its kind; an unknown value is this fixed string (the engine also uses it as the
// id of a provider it has not created yet). Plain JavaScript, so that the language host (engine/program/host/),
// which runs before any TypeScript is compiled, reads the same constants as engine/wire.ts.
"use strict";

module.exports = Object.freeze({
    UNKNOWN: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    SIG: "4dabf18193072939515e22adb298388d",
    SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270",
    RESOURCE_SIG: "5cf8f73096256a8f31e491e813e4eb8e",
    ASSET_SIG: "c44067f5952c0a294b673a41bacd8c17",
    ARCHIVE_SIG: "0def7320c3a5731c473e5ecbe6d01bc7",
    OUTPUT_SIG: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
});
