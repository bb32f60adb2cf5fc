// A private SoftHSM token for the rehearsal: its own configuration and token directory in a temporary folder, so
// nothing touches the machine's /etc/softhsm or another run's keys. SoftHSM comes from Debian's softhsm2 package;
// without it the rehearsal cannot prove anything about keys, so it stops and says how to install it.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findSoftHsmModule } from "../keys/pkcs11";

export const DEPS_SCRIPT = ".ci/rehearsal-deps.sh";

export class MissingDependency extends Error {
    constructor(what: string) {
        super(`${what}. Install the rehearsal's dependencies with \`bash ${DEPS_SCRIPT}\` (as root; CI runs it before the tests).`);
        this.name = "MissingDependency";
    }
}

export interface SoftHsmToken {
    readonly module: string;
    readonly label: string;
    readonly pin: string;
    /** SOFTHSM2_CONF of this token: every process that opens it (the mover's children too) must have it set. */
    readonly conf: string;
}

function which(tool: string): string | undefined {
    for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":").concat(["/usr/bin", "/usr/local/bin"])) {
        const candidate = path.join(dir, tool);
        if (fs.existsSync(candidate)) return candidate;
    }
    return undefined;
}

/** Creates and initialises a token under `dir`, and points this process's SOFTHSM2_CONF at it. */
export function createSoftHsmToken(dir: string, label = "hdw-rehearsal"): SoftHsmToken {
    const module = findSoftHsmModule();
    const util = which("softhsm2-util");
    if (!module || !util) throw new MissingDependency("SoftHSM is not installed (Debian package softhsm2: libsofthsm2.so and softhsm2-util)");
    const tokens = path.join(dir, "tokens");
    fs.mkdirSync(tokens, { recursive: true, mode: 0o700 });
    const conf = path.join(dir, "softhsm2.conf");
    fs.writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
    const pin = "rehearsal-user-pin";
    execFileSync(util, ["--init-token", "--free", "--label", label, "--so-pin", "rehearsal-so-pin", "--pin", pin],
        { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: "pipe" });
    process.env.SOFTHSM2_CONF = conf;
    return { module, label, pin, conf };
}
