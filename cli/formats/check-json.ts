// The check report as JSON (schema: cli/schema/check-report.schema.json).

import type { CheckFailure, CheckReport } from "../report/model";

export function checkJson(report: CheckReport): string {
    return `${JSON.stringify(report, null, 2)}\n`;
}

/** A run that reached no verdict: `{ "error": ... }` alone (the schema's second form). */
export function checkJsonFailure(failure: CheckFailure): string {
    return `${JSON.stringify({ error: failure }, null, 2)}\n`;
}
