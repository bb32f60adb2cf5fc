#!/usr/bin/env node
// Installed entry of the CLI. The CLI is TypeScript: compile it on the fly without type checking (the type check
// is `npm run typecheck`), the way Pulumi runs programs with PULUMI_NODEJS_TRANSPILE_ONLY.
"use strict";
const path = require("path");
require("ts-node").register({
    transpileOnly: true,
    project: path.join(__dirname, "..", "..", "tsconfig.json"),
});
require("../interrupt").installInterruptHandlers();
require("../main")
    .main(process.argv.slice(2))
    .then(code => { process.exitCode = code; });
