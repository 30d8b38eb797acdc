/** Calls per operation, failed and faulted attempts included: each is one request the service saw. */
export class CallStats {
  private readonly counts = new Map<string, number>();

  count(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  snapshot(): Readonly<Record<string, number>> {
    return Object.freeze(Object.fromEntries(this.counts));
  }
}
