#!/usr/bin/env node
// Installed entry of the CLI. The CLI is TypeScript, transpiled as it loads without type checking (the type check
// is `npm run typecheck`), the way Pulumi runs programs with PULUMI_NODEJS_TRANSPILE_ONLY: see compile-typescript.js.
"use strict";
require("../../engine/compile-cache").keepCompiledCode();
require("./compile-typescript").registerTypeScript();
require("../interrupt").installInterruptHandlers();
const run = require("../main").main(process.argv.slice(2));
run.then(code => { process.exitCode = code; });
require("../unsettled").failIfUnsettled(run, require("../paths").PROGRAM_NAME);
