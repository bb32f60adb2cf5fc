// The check report as JSON (schema: cli/schema/check-report.schema.json).

import type { CheckReport } from "../report/model";

export function checkJson(report: CheckReport): string {
    return `${JSON.stringify(report, null, 2)}\n`;
}
