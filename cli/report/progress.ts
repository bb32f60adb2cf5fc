// The progress of a long check on a terminal: one line, rewritten in place at most a few times a second, with each
// stack's resources judged out of those registered. Only on a terminal: piped or CI output gets nothing from it.

import type { StackProgress } from "../../engine/run";

/** Redraws at most this often: a program registers thousands of resources a second. */
const REDRAW_MS = 250;

export interface ProgressLine {
    readonly update: (progress: StackProgress) => void;
    /** Erases the line (before the report is written). */
    readonly stop: () => void;
}

export function progressLine(write: (text: string) => void, now: () => number = Date.now): ProgressLine {
    const stacks = new Map<string, StackProgress>();
    const started = now();
    let last = 0;
    let shown = false;
    let stopped = false;
    const draw = () => {
        const parts = [...stacks.values()].map(p =>
            `${p.stack} ${p.finished ? `${p.registered} judged` : `${p.judged}/${p.registered}`}`);
        write(`\r\x1b[2Kchecking (${Math.round((now() - started) / 1000)} s): ${parts.join(", ")}`);
        shown = true;
    };
    return {
        update(progress) {
            if (stopped) return;
            stacks.set(progress.stack, progress);
            const t = now();
            if (progress.finished || t - last >= REDRAW_MS) {
                last = t;
                draw();
            }
        },
        stop() {
            stopped = true;
            if (shown) write("\r\x1b[2K");
            shown = false;
            stacks.clear();
        },
    };
}
