/** Bounded concurrency for the readers: per call (mapLimit) and shared by many calls (limiter). */

/** Runs `work` over items with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * At most `limit` tasks at once across every caller, first come first served: several lookups
 * (owners, federated credentials, app role grants) share one budget, so when one kind runs out
 * of work the others take up its share instead of leaving it idle.
 */
export function limiter(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: Array<() => void> = [];
  let head = 0;
  const release = (): void => {
    // A finished task hands its slot straight to the next in line, so a newcomer cannot slip in between.
    if (head < waiting.length) {
      const next = waiting[head]!;
      waiting[head++] = undefined as unknown as () => void;
      if (head > 1024 && head * 2 > waiting.length) {
        // Drop the served entries now and then: shift() per release would copy a long queue each time.
        waiting.splice(0, head);
        head = 0;
      }
      next();
    } else running -= 1;
  };
  return async (task) => {
    if (running < limit) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
