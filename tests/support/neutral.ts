// The warehouse on the fake target (no cloud behind it): the reference every real target's outputs are held to.

import * as path from "path";

export const FAKE_PROGRAM = path.join(__dirname, "fake-program.ts");

export const FAKE_CONFIG: Readonly<Record<string, string>> = {
    "warehouse:name": "hdh",
    "warehouse:environment": "dev",
    "warehouse:owner": "plateforme-donnees",
    "warehouse:costCentre": "cc-4200",
    "warehouse:network": JSON.stringify({ adminCidrs: ["192.0.2.0/28"] }),
    "warehouse:projects": JSON.stringify([
        { id: "alpha", dataOwner: "dpo@example.fr", retentionDays: 365, allowedGroups: ["alpha-team"] },
        { id: "beta", dataOwner: "dpo@example.fr", retentionDays: 365, allowedGroups: ["beta-a", "beta-b"] },
    ]),
};

/** Keys all the way down with leaves reduced to their type; a record of projects reduced to one entry's shape. */
export function outputShape(value: unknown, under = ""): unknown {
    if (Array.isArray(value)) return value.length ? [outputShape(value[0], under)] : [];
    if (value && typeof value === "object") {
        if (under === "projects") return { "<id>": outputShape(Object.values(value)[0]) };
        return Object.fromEntries(Object.keys(value).sort().map(k => [k, outputShape((value as any)[k], k)]));
    }
    return typeof value;
}
