// The pack checks its whole configuration when the engine configures it. Pulumi's engine merges the
// `--policy-pack-config` file into the pack's defaults and sends every entry to the pack's Configure call, unknown
// policy names included (pkg/resource/analyzer/config.go, applyConfig, adds any name it is given; the analyzer
// plugin's Configure sends the whole map), and validates settings only against properties the policy declares
// (convertSchema keeps `properties` and `required`, so a key no property names passes). @pulumi/policy then keeps
// the map and hands each policy its own entry: a misspelt policy name, or a setting under "all", changes nothing,
// silently. @pulumi/policy offers no hook on Configure, so the pack wraps its own Configure handler while its
// server is built, and refuses such a configuration with every problem and the closest valid names. It also keeps
// the config of the stack being judged (ConfigureStack), which the policies read their jurisdiction from.

import * as path from "path";
import type { Policy } from "@pulumi/policy";
import { JsonSchema, settingsProblems } from "./config";
import { didYouMean } from "./suggest";
import { setStackConfig } from "./stack-config";

/** The reserved entry whose enforcement level the engine applies to every policy (and nothing else of it). */
const ALL = "all";

type Configured = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * Problems of a configuration as the pack receives it: policy name -> { enforcementLevel, ...settings }. Valid
 * names and settings come from the pack's own policies and their config schemas.
 */
export function configProblems(policies: readonly Pick<Policy, "name" | "configSchema">[], config: Configured): string[] {
    const byName = new Map(policies.map(p => [p.name, p]));
    const problems: string[] = [];
    for (const [name, entry] of Object.entries(config)) {
        const { enforcementLevel: _level, ...settings } = entry ?? {};
        if (name === ALL) {
            const keys = Object.keys(settings);
            if (keys.length > 0) {
                problems.push(`${ALL}: only an enforcement level applies to every policy; settings (${keys.join(", ")}) ` +
                    "reach a policy only under its own name");
            }
            continue;
        }
        const policy = byName.get(name);
        if (!policy) {
            problems.push(`unknown policy "${name}"${didYouMean(name, byName.keys())}; policies of this pack: ` +
                [...byName.keys()].join(", "));
            continue;
        }
        const schema = (policy.configSchema?.properties ?? {}) as Record<string, JsonSchema>;
        problems.push(...settingsProblems(schema, settings).map(p => `${name}: ${p}`));
    }
    return problems;
}

/** The gRPC module @pulumi/policy serves with (the same instance, resolved from its own directory). */
function policyGrpc(): any {
    const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
    return require(require.resolve("@grpc/grpc-js", { paths: [policyDir] }));
}

/**
 * Runs `serve` (which constructs the PolicyPack) with the server's Configure handler wrapped: a configuration with
 * problems is answered INVALID_ARGUMENT, one problem per line, and never reaches the policies.
 */
export function withConfigGuard<T>(policies: readonly Pick<Policy, "name" | "configSchema">[], serve: () => T): T {
    const grpc = policyGrpc();
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service: unknown, implementation: Record<string, any>) {
        const configure = implementation?.configure;
        if (typeof configure !== "function") return addService.call(this, service, implementation);
        const configureStack = implementation.configureStack;
        const guarded = {
            ...implementation,
            // The stack's config, which @pulumi/policy does not keep: the jurisdiction is read from it.
            configureStack(call: any, callback: (err: unknown, response?: unknown) => void) {
                const config: Record<string, string> = {};
                call.request.getConfigMap?.().forEach((v: string, k: string) => { config[k] = v; });
                setStackConfig(config, call.request.getDryRun?.());
                return configureStack(call, callback);
            },
            configure(call: any, callback: (err: unknown, response?: unknown) => void) {
                let problems: string[];
                try {
                    const config: Record<string, Record<string, unknown>> = {};
                    for (const [name, c] of call.request.getPolicyconfigMap().entries()) {
                        config[name] = c.getProperties()?.toJavaScript() ?? {};
                    }
                    problems = configProblems(policies, config);
                } catch (err) {
                    problems = [`the configuration cannot be read: ${err instanceof Error ? err.message : String(err)}`];
                }
                if (problems.length === 0) return configure(call, callback);
                const details = `invalid policy configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  ` +
                    problems.join("\n  ");
                const error = Object.assign(new Error(details), { code: grpc.status.INVALID_ARGUMENT, details });
                error.stack = details;
                return callback(error);
            },
        };
        return addService.call(this, service, guarded);
    };
    try {
        return serve();
    } finally {
        grpc.Server.prototype.addService = addService;
    }
}
