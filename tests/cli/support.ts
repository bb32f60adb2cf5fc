// Runs the CLI in-process (the programs and the pack still run in their own processes, as in production) and
// keeps what it printed.

import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../cli/main";

export const ROOT = path.resolve(__dirname, "../..");
export const FIXTURES = path.join(ROOT, "tests", "fixtures");
export const PROGRAMS = path.join(FIXTURES, "programs");
export const MINIMAL_PACK = path.join(FIXTURES, "packs", "minimal");

export interface CliRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export async function cli(args: readonly string[],
                          options: { cwd?: string; env?: NodeJS.ProcessEnv; now?: Date; interactive?: boolean } = {}): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, ...options.env },
        out: t => { stdout += t; },
        err: t => { stderr += t; },
        ...(options.now ? { now: () => options.now! } : {}),
        interactive: options.interactive ?? false,
    });
    return { code, stdout, stderr };
}

export function program(name: string): string {
    return path.join(PROGRAMS, name);
}

export const REPORT_SCHEMA = JSON.parse(fs.readFileSync(path.join(ROOT, "cli", "schema", "check-report.schema.json"), "utf8"));

/** The official SARIF 2.1.0 schema, as shipped in an npm package; it is draft-04, which ajv 8 reads once `id` is `$id`. */
export function sarifValidator() {
    const file = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
    const schema = JSON.parse(fs.readFileSync(file, "utf8"));
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    // Its patterns are written for JavaScript regular expressions without the `u` flag; the formats it uses are
    // checked by shape (ajv ships no format implementations of its own).
    const formats = { uri: /^[a-z][a-z0-9+.-]*:\S*$/i, "uri-reference": /^\S*$/, "date-time": /^\d{4}-\d\d-\d\dT\d\d:\d\d/ };
    return new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, formats }).compile(schema);
}
