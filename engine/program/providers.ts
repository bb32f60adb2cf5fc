// Default providers, synthesised as the engine does: a custom resource registered without an explicit provider
// gets `pulumi:providers:<package>` named `default_<version>` (dots and dashes as underscores), registered just
// before its first user, whose inputs are the package's stack config (`<package>:<key>`) plus `version`.
// Registrations arrive one batch at a time while the program runs, so the providers are inserted as they come.

import type { PlannedResource, ResourceOptions } from "../plan";
import { UNKNOWN, secret } from "../wire";

export interface RawRegistration extends Omit<PlannedResource, "options" | "origin" | "provider"> {
    readonly provider: string;
    readonly version: string;
    readonly pluginDownloadURL?: string;
    readonly read?: boolean;
    readonly protect?: boolean;
    readonly ignoreChanges: string[];
    readonly replaceOnChanges: string[];
    readonly aliases: string[];
    readonly deleteBeforeReplace?: boolean;
    readonly additionalSecretOutputs: string[];
    readonly retainOnDelete?: boolean;
    readonly deletedWith?: string;
    readonly importId?: string;
    readonly customTimeouts?: ResourceOptions["customTimeouts"];
}

export function defaultProviderName(version: string): string {
    return version ? `default_${version.replace(/[.\-+]/g, "_")}` : "default";
}

export function packageOf(type: string): string {
    return type.split(":")[0];
}

/** The provider's inputs from stack config: structured values as objects, secrets kept secret. */
export function providerConfig(pkg: string, config: Readonly<Record<string, string>>,
                               secretKeys: readonly string[]): Record<string, unknown> {
    const props: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (!key.startsWith(`${pkg}:`)) continue;
        let v: unknown = value;
        if (/^\s*[[{]/.test(value)) {
            try { v = JSON.parse(value); } catch { v = value; }
        }
        props[key.slice(pkg.length + 1)] = secretKeys.includes(key) ? secret(v) : v;
    }
    return props;
}

/**
 * Turns registrations, in the order the program makes them, into the resources the engine's snapshot would hold:
 * each custom resource's provider reference resolved, and a default provider inserted just before its first user.
 */
export class DefaultProviders {
    private readonly defaults = new Map<string, string>();

    constructor(private readonly stack: string, private readonly project: string,
                private readonly config: Readonly<Record<string, string>>, private readonly secretKeys: readonly string[],
                private readonly preview: boolean) {}

    /** The registration as a planned resource, preceded by the default provider it is the first to use. */
    add(r: RawRegistration): PlannedResource[] {
        const out: PlannedResource[] = [];
        let provider = r.provider;
        const isProvider = r.type.startsWith("pulumi:providers:");
        if (r.custom && !isProvider && !provider) {
            const pkg = packageOf(r.type);
            const name = defaultProviderName(r.version);
            const urn = `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:${pkg}::${name}`;
            const id = this.preview ? UNKNOWN : `${name}-offline-id`;
            if (!this.defaults.has(urn)) {
                const inputs = providerConfig(pkg, this.config, this.secretKeys);
                if (r.version) inputs.version = r.version;
                if (r.pluginDownloadURL) inputs.pluginDownloadURL = r.pluginDownloadURL;
                out.push({
                    urn, type: `pulumi:providers:${pkg}`, name, custom: true, parent: "", provider: "",
                    dependencies: [], propertyDependencies: {}, inputs, outputs: inputs, origin: "default-provider",
                    options: { ignoreChanges: [], replaceOnChanges: [], aliases: [], additionalSecretOutputs: [] },
                });
                this.defaults.set(urn, `${urn}::${id}`);
            }
            provider = this.defaults.get(urn)!;
        }
        out.push({
            urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, provider,
            dependencies: r.dependencies, propertyDependencies: r.propertyDependencies,
            inputs: r.inputs, outputs: r.outputs, origin: r.read ? "read" : "program", remote: r.remote || undefined,
            source: r.source, predicted: r.predicted, predictionPlaceholders: r.predictionPlaceholders,
            unansweredInputs: r.unansweredInputs,
            options: {
                protect: r.protect, ignoreChanges: r.ignoreChanges, replaceOnChanges: r.replaceOnChanges,
                aliases: r.aliases, deleteBeforeReplace: r.deleteBeforeReplace,
                additionalSecretOutputs: r.additionalSecretOutputs, retainOnDelete: r.retainOnDelete,
                deletedWith: r.deletedWith || undefined, importId: r.importId || undefined,
                customTimeouts: r.customTimeouts,
            },
        });
        return out;
    }
}
