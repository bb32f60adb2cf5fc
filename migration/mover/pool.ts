// Bounded concurrency: at most `limit` tasks in flight, so memory and connections stay flat whatever the count.

export async function forEachLimited<T>(items: Iterable<T>, limit: number, task: (item: T) => Promise<void>): Promise<void> {
    const iterator = items[Symbol.iterator]();
    let failure: unknown;
    const worker = async () => {
        for (let next = iterator.next(); !next.done && failure === undefined; next = iterator.next()) {
            try {
                await task(next.value);
            } catch (e) {
                failure ??= e;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
    if (failure !== undefined) throw failure;
}
