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
