// The rehearsal as JSON: the report as it is (schema in docs/rehearsal.md), for scripts and CI artefacts.

import type { RehearsalReport } from "../../migration/plan/model";

export function rehearsalJson(r: RehearsalReport): string {
    return `${JSON.stringify({ ...r, schema: "warehouse-rehearsal/1" }, null, 2)}\n`;
}
