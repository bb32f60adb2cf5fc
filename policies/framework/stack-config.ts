// The config of the stack being judged, as the engine hands it to the pack: in the ConfigureStack call (captured by
// config-guard.ts, since @pulumi/policy keeps only the stack's tags) and, under `pulumi preview`, in the pack
// process's PULUMI_CONFIG environment variable (pkg/resource/plugin/analyzer_plugin.go, constructEnv).

/**
 * The program's jurisdiction setting (components/model.ts reads `warehouse:jurisdiction`; a test holds the two
 * spellings together, as the pack imports nothing from the program).
 */
export const JURISDICTION_CONFIG_KEY = "warehouse:jurisdiction";

let configured: Readonly<Record<string, string>> | undefined;

/** Records the config of the stack the engine configured the pack for. */
export function setStackConfig(config: Readonly<Record<string, string>>): void {
    configured = { ...config };
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
