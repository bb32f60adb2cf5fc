// The progress line: rewritten in place, at most a few times a second however fast resources arrive.

import { progressLine } from "../../cli/report/progress";

test("a progress line is redrawn at most every 250 ms, always when a stack finishes, and erased once", () => {
    let t = 0;
    const written: string[] = [];
    const line = progressLine(text => written.push(text), () => t);
    for (let i = 1; i <= 1000; i++) {
        t = i; // a resource a millisecond
        line.update({ stack: "azure-prod", registered: i, judged: i - 3, finished: false });
    }
    expect(written.length).toBeLessThanOrEqual(5);
    line.update({ stack: "azure-prod", registered: 1000, judged: 1000, finished: true });
    expect(written[written.length - 1]).toBe("\r\x1b[2Kchecking (1 s): azure-prod 1000 judged");
    line.stop();
    line.stop();
    line.update({ stack: "azure-prod", registered: 1, judged: 0, finished: false });
    expect(written.filter(w => w === "\r\x1b[2K")).toHaveLength(1);
    expect(written[written.length - 1]).toBe("\r\x1b[2K");
});
