// Preloaded into a mover process by the chaos suite (`-r`): counts every PKCS#11 C_Login the process makes and
// prints the count on stderr when it exits, so the suite can prove that a wrong PIN costs exactly one attempt.
import * as pkcs11js from "pkcs11js";

let logins = 0;
const login = pkcs11js.PKCS11.prototype.C_Login;
pkcs11js.PKCS11.prototype.C_Login = function (this: pkcs11js.PKCS11, ...args: Parameters<typeof login>) {
    logins++;
    return login.apply(this, args);
};
process.on("exit", () => process.stderr.write(`${JSON.stringify({ pkcs11Logins: logins })}\n`));
