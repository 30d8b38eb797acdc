/** Times every caller request of a measured phase and keeps its outcome. */
import { performance } from 'node:perf_hooks';

export interface CallerOutcome {
  readonly latencyMs: number;
  /** Undefined when the request succeeded; otherwise the library's error code or the error's name. */
  readonly failure: string | undefined;
}

function failureCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    if ('code' in error && typeof error.code === 'string') return error.code;
    if (error instanceof Error) return error.name;
  }
  return 'UNKNOWN';
}

export class CallerTracker {
  #outcomes: CallerOutcome[] = [];
  readonly #pending = new Set<Promise<void>>();

  /** Runs one caller request; never rejects (a failure is recorded instead). */
  track(request: () => Promise<unknown>): Promise<void> {
    const startedAt = performance.now();
    const outcomes = this.#outcomes;
    const done = request().then(
      () => {
        outcomes.push({ latencyMs: performance.now() - startedAt, failure: undefined });
      },
      (error: unknown) => {
        outcomes.push({ latencyMs: performance.now() - startedAt, failure: failureCode(error) });
      },
    );
    this.#pending.add(done);
    void done.finally(() => this.#pending.delete(done));
    return done;
  }

  /** Waits for every request still running. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Starts a new measured phase; requests still running keep reporting to the old one. */
  reset(): void {
    this.#outcomes = [];
  }

  get outcomes(): readonly CallerOutcome[] {
    return this.#outcomes;
  }
}
