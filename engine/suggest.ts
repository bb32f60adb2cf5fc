// "Did you mean": the valid name nearest to a misspelt one. (The policy pack has its own copy: it is a package of
// its own and imports nothing from here.)

function distance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

/** ` (did you mean "x"?)` when a valid name is within a third of the length (at least 2 edits), else nothing. */
export function didYouMean(name: string, valid: Iterable<string>): string {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of valid) {
        const d = distance(name.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) { best = candidate; bestDistance = d; }
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean "${best}"?)` : "";
}
