// A program that cannot compile or that throws is reported in one short line a person can act on: file:line and
// the compiler's message, never a native backtrace or a stack trace.

import { programErrorSummary } from "../../engine/errors";

const SWC = `x Unexpected token \`<eof>\`. Expected identifier, string literal, numeric literal or [ for the computed key
    ,-[/work/repo/stacks/azure/naming.ts:39:18]
 37 | export const projectKeyName = (projectId: string) => \`project-\${projectId}\`;
 38 | export const PLATFORM_KEY_NAME = "platform";
 39 | const broken = {
    \`----

Caused by:
    Syntax Error

Stack backtrace:
   0: <unknown>
   7: _ZN6v8impl12_GLOBAL__N_123FunctionCallbackWrapper6InvokeERKN2v820FunctionCallbackInfoINS2_5ValueEEE
   8: _ZN2v88internal25FunctionCallbackArguments4CallENS0_15CallHandlerInfoE
`;

test("an swc syntax error becomes file:line:col and its message", () => {
    expect(programErrorSummary(SWC)).toBe("/work/repo/stacks/azure/naming.ts:39:18: Unexpected token `<eof>`. Expected " +
        "identifier, string literal, numeric literal or [ for the computed key");
});

test("TypeScript diagnostics keep the file, line and message, without the header", () => {
    expect(programErrorSummary("⨯ Unable to compile TypeScript:\nindex.ts(3,14): error TS1005: ':' expected.\nindex.ts(4,1): error TS1005: '}' expected.\n"))
        .toBe("index.ts(3,14): error TS1005: ':' expected.; index.ts(4,1): error TS1005: '}' expected.");
});

test("stack frames and backtraces are dropped from any other message", () => {
    expect(programErrorSummary("Error: boom\n    at f (/a.js:1:2)\n    at g (/b.js:3:4)\nStack backtrace:\n  0: x"))
        .toBe("Error: boom");
});

test("a long message is cut to a readable length", () => {
    expect(programErrorSummary("x".repeat(2000)).length).toBeLessThanOrEqual(400);
});

test("a stack file that is not YAML names its line", () => {
    const fs = require("fs") as typeof import("fs");
    const os = require("os") as typeof import("os");
    const path = require("path") as typeof import("path");
    const { loadProject, loadStackConfig } = require("../../engine/program/project") as typeof import("../../engine/program/project");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yaml-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  p:a: 1\n   p:b: [2\n");
    expect(() => loadStackConfig(loadProject(dir), "dev")).toThrow(/Pulumi\.dev\.yaml:3: not valid YAML/);
});
