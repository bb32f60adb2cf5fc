// Every command of the CLI. A new command (e.g. `rehearse`, with `rehearse data` as its subcommand) is one file
// in this folder declaring it, one handler in ../handlers, and one line here.

import type { Command } from "./command";
import { check } from "./check";
import { plan } from "./plan";
import { rehearse } from "./rehearse";

export const COMMANDS: readonly Command[] = [plan, check, rehearse];
