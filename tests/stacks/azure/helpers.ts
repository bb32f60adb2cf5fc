// Shared look-ups for the Azure target's tests: what the azure-native SDK says a type accepts, and rule finders.

import * as fs from "fs";
import * as path from "path";
import { ProgramRun, ROOT, Registered } from "../../support/program";

/**
 * Whether an azure-native resource type takes `tags`, read from the SDK's own declaration of its arguments, so
 * the "every taggable resource is tagged" check cannot drift from the provider.
 */
export function acceptsTags(type: string): boolean {
    const [, module, resource] = type.split(":");
    const file = path.join(ROOT, "node_modules", "@pulumi", "azure-native", module,
        `${resource[0].toLowerCase()}${resource.slice(1)}.d.ts`);
    const text = fs.readFileSync(file, "utf8");
    const args = text.slice(text.indexOf(`export interface ${resource}Args {`));
    return /\n\s+tags\?:/.test(args);
}

export function azureResources(run: ProgramRun): Registered[] {
    return run.resources.filter(r => r.type.startsWith("azure-native:"));
}

/** The NSG whose name ends with `suffix`, and its rules by name. */
export function nsgRules(run: ProgramRun, suffix: string): Record<string, any> {
    const nsg = run.one("azure-native:network:NetworkSecurityGroup", `-nsg-${suffix}`);
    return Object.fromEntries(nsg.inputs.securityRules.map((r: any) => [r.name, r]));
}

/** Role assignments, each with the role's GUID alone. */
export function roleAssignments(run: ProgramRun): { name: string; role: string; principalId: string; scope: string }[] {
    return run.ofType("azure-native:authorization:RoleAssignment").map(r => ({
        name: r.name, role: String(r.inputs.roleDefinitionId).split("/").pop()!, principalId: r.inputs.principalId,
        scope: r.inputs.scope,
    }));
}
