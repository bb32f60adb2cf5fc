// The engine's one error kind: the input is wrong or something outside the engine failed (an unknown stack, a
// program that throws, missing config, a broken policy pack). Its message is one line a person can act on; the
// command that called the engine decides how it is shown and with which exit code.

export class ExternalError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ExternalError";
    }
}

/** A multi-line message (a program's error, a pack's stderr) as one line: trimmed lines joined by "; ". */
export function oneLine(text: string): string {
    return text.split("\n").map(l => l.trim()).filter(Boolean).join("; ");
}

const MAX_SUMMARY = 400;

/**
 * What a failing program said, as a person needs it: a compiler's error as `file:line:col: message` (swc's framed
 * report, or TypeScript's `file(line,col): error TS...`), any other message without its stack frames or native
 * backtrace, on one line, cut to a readable length. A configuration error keeps one problem per line.
 */
export function programErrorSummary(message: string): string {
    const text = message.replace(/\u001b\[[0-9;]*m/g, "");
    if (/^invalid configuration \(/.test(text.trim())) return text.trim();
    const swc = /(?:^|\n)\s*[x×]\s+(.+)\n\s*,-\[(.+?:\d+:\d+)\]/.exec(text);
    if (swc) return cut(`${swc[2]}: ${swc[1].trim()}`);
    // TypeScript's own `file(line,col): error TSnnnn: ...` already says where: kept as the compiler writes it.
    const diagnostics = [...text.matchAll(/^\s*(\S.*?\(\d+,\d+\): error TS\d+: .+)$/gm)].map(m => m[1].trim());
    if (diagnostics.length > 0) return cut(diagnostics.slice(0, 3).join("; "));
    const lines = text.split(/\r?\n/);
    const end = lines.findIndex(l => /^\s*(Stack backtrace:|Caused by:)/.test(l));
    const kept = (end >= 0 ? lines.slice(0, end) : lines).filter(l => !/^\s+at\s/.test(l));
    return cut(oneLine(kept.join("\n")));
}

function cut(text: string): string {
    return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 3)}...` : text;
}
