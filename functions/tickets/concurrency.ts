/**
 * Runs `work` over `items`, at most `concurrency` at once, starting each only while `mayStart()`
 * holds. After a failure nothing new starts; the calls in flight finish, then the first error is
 * thrown.
 *
 * @returns true when every item was started (and finished), false when `mayStart` stopped it early
 */
export async function forEachWithConcurrency<T>(
  items: readonly T[],
  concurrency: number,
  mayStart: () => boolean,
  work: (item: T) => Promise<void>,
): Promise<boolean> {
  let next = 0;
  let stopped = false;
  let failure: { error: unknown } | undefined;

  async function lane(): Promise<void> {
    while (failure === undefined && next < items.length) {
      if (!mayStart()) {
        stopped = true;
        return;
      }
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  }

  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane);
  await Promise.all(lanes);
  if (failure !== undefined) throw failure.error;
  return !stopped;
}
