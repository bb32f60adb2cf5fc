// The config of the stack being judged, as the engine hands it to the pack: in the ConfigureStack call (captured by
// config-guard.ts, since @pulumi/policy keeps only the stack's tags) and, under `pulumi preview`, in the pack
// process's PULUMI_CONFIG environment variable (pkg/resource/plugin/analyzer_plugin.go, constructEnv).

/**
 * The program's jurisdiction setting (components/model.ts reads `warehouse:jurisdiction`; a test holds the two
 * spellings together, as the pack imports nothing from the program).
 */
export const JURISDICTION_CONFIG_KEY = "warehouse:jurisdiction";

let configured: Readonly<Record<string, string>> | undefined;
let dryRun: boolean | undefined;

/** Records the config of the stack the engine configured the pack for, and whether it is a preview. */
export function setStackConfig(config: Readonly<Record<string, string>>, isDryRun?: boolean): void {
    configured = { ...config };
    dryRun = isDryRun;
}

/**
 * Whether the engine said the resources it sends are not a preview (`pulumi up`, or a deployed state judged
 * offline): a value unknown then stays unknown (an encrypted secret of a state), and no later run judges it.
 * Unsaid (an engine without ConfigureStack): a preview, as before.
 */
export function notAPreview(): boolean {
    return dryRun === false;
}

/** A value of the judged stack's config, or undefined. */
export function stackConfigValue(key: string): string | undefined {
    if (configured) return configured[key];
    const env = process.env.PULUMI_CONFIG;
    if (!env) return undefined;
    try {
        const value = (JSON.parse(env) as Record<string, unknown>)[key];
        return typeof value === "string" ? value : undefined;
    } catch {
        return undefined;
    }
}
