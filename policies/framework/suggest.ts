// "Did you mean": the closest of the valid names to a misspelt one, so that a refusal also says what to write.

/** Levenshtein distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const current = [i];
        for (let j = 1; j <= y.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[y.length];
}

/** The valid name nearest to `name`, when it is near enough to be a slip (a third of its length, at least 2 edits). */
export function closest(name: string, valid: Iterable<string>): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of valid) {
        const d = editDistance(name, candidate);
        if (d < bestDistance) { best = candidate; bestDistance = d; }
    }
    return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(name: string, valid: Iterable<string>): string {
    const suggestion = closest(name, valid);
    return suggestion ? ` (did you mean "${suggestion}"?)` : "";
}
