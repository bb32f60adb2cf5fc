// The plan for a terminal: per stack, the resource tree (component -> resources) with the inputs a reviewer
// looks at first, then the stack outputs and what the offline run could not know.

import type { StackPlan, PlannedResource } from "../../engine/plan";
import { plain } from "../../engine/wire";

/** Inputs shown inline (when present); the JSON format has all of them. */
const KEY_INPUTS = [
    "location", "region", "regionName", "sku", "kind", "plan", "flavor", "keySize", "keyType", "kty", "enabled",
    "publicNetworkAccess", "allowBlobPublicAccess", "minimumTlsVersion", "networkAcls", "encryption",
    "enablePurgeProtection", "enableSoftDelete", "retentionInDays", "replication", "namespace", "metadata",
];
const MAX_VALUE = 90;

export function planText(plans: readonly StackPlan[]): string {
    const out: string[] = [];
    for (const plan of plans) {
        out.push(`stack ${plan.stack} (${plan.project}): ${plan.resources.length} resources, ` +
            `@pulumi/pulumi ${plan.runtime.version}, ${plan.timings.totalMs} ms`);
        const children = new Map<string, PlannedResource[]>();
        for (const r of plan.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
        const walk = (r: PlannedResource, depth: number) => {
            const pad = "  ".repeat(depth + 1);
            const flags = [r.options.protect ? "protected" : "", r.origin === "default-provider" ? "default provider" : "",
                r.origin === "read" ? "read" : ""].filter(Boolean);
            out.push(`${pad}${r.custom ? "+" : "□"} ${r.type} ${r.name}${flags.length ? `  (${flags.join(", ")})` : ""}`);
            for (const key of KEY_INPUTS) {
                if (r.inputs[key] === undefined) continue;
                out.push(`${pad}    ${key}: ${clip(JSON.stringify(plain(r.inputs[key])))}`);
            }
            for (const child of children.get(r.urn) ?? []) walk(child, depth + 1);
        };
        for (const top of children.get("") ?? []) walk(top, 0);
        const outputs = plain(plan.outputs) as Record<string, unknown>;
        if (Object.keys(outputs).length) {
            out.push("  outputs:");
            for (const [k, v] of Object.entries(outputs)) out.push(`    ${k}: ${clip(JSON.stringify(v))}`);
        }
        for (const n of plan.notes) out.push(`  note: ${n}`);
        out.push("");
    }
    return `${out.join("\n")}`;
}

function clip(text: string): string {
    return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}
