// Where this package keeps what the commands use by default.

import * as path from "path";

/** The repository (and package) root: the warehouse program's Pulumi project. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..");
/** The project's policy pack, run when `--policy-pack` is not given. */
export const DEFAULT_POLICY_PACK = path.join(PACKAGE_ROOT, "policies");
/** The name the CLI is installed under (package.json `bin`). */
export const PROGRAM_NAME = Object.keys((require("../package.json") as { bin: Record<string, string> }).bin)[0];
