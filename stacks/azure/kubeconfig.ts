// The cluster's user kubeconfig, made usable by a deployment. AKS returns it in exec format with kubelogin's
// interactive device-code login; a pipeline cannot answer a prompt, so the login becomes `azurecli`: kubelogin then
// takes the Entra ID token of whoever ran `az login` (an engineer, or the pipeline's federated service principal).

import * as yaml from "js-yaml";

/** kubelogin's login mode that reuses the Azure CLI's session. */
export const KUBELOGIN_MODE = "azurecli";

/** Flags kubelogin refuses or ignores with `--login azurecli` (they belong to the interactive modes). */
const INTERACTIVE_ONLY_FLAGS = ["--client-id", "--environment"];

export function withCliLogin(kubeconfig: string): string {
    const doc = yaml.load(kubeconfig) as any;
    for (const entry of doc?.users ?? []) {
        const exec = entry?.user?.exec;
        if (!exec || !String(exec.command ?? "").includes("kubelogin")) continue;
        const args: string[] = [...(exec.args ?? [])];
        const out: string[] = [];
        for (let i = 0; i < args.length; i++) {
            if (args[i] === "--login" || INTERACTIVE_ONLY_FLAGS.includes(args[i])) { i++; continue; }
            out.push(args[i]);
        }
        exec.args = [...out, "--login", KUBELOGIN_MODE];
    }
    return yaml.dump(doc, { lineWidth: -1 });
}
