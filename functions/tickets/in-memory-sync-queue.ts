import { MAX_DELAY_MS, type SyncQueue, type TicketSyncMessage } from './sync-queue';

/** A message given up on after `maxAttempts` failed deliveries (what an SQS dead-letter queue holds). */
export interface DeadLetter {
  readonly body: string;
  readonly attempts: number;
  /** The last failure's message. */
  readonly reason: string;
}

/** How the in-memory queue delivers: the worker, concurrency, attempts and redelivery delay. */
export interface InMemorySyncQueueOptions {
  /**
   * Handles one message body; a throw (or rejection) is a failed delivery. `receiveCount` is SQS's
   * `ApproximateReceiveCount`: 1 on the first delivery of a message, one more on each redelivery.
   */
  readonly worker: (body: string, delivery: { readonly receiveCount: number }) => Promise<void>;
  /** Deliveries in flight at once. @default 2 */
  readonly concurrency?: number;
  /** Deliveries before a message goes to the dead-letter list (SQS `maxReceiveCount`). @default 3 */
  readonly maxAttempts?: number;
  /** Wait before a failed message is delivered again (SQS visibility timeout). @default 0 */
  readonly retryDelayMs?: number;
  /** Told about each dead letter, e.g. to log it. */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
}

/**
 * The local stack's stand-in for the SQS queue (message delays included), its Lambda event source and
 * its dead-letter queue.
 */
export interface InMemorySyncQueue extends SyncQueue {
  /** Puts any body on the queue, as anyone with `sqs:SendMessage` could (how tests plant a poison message). */
  sendRaw(body: string): void;
  readonly deadLetters: readonly DeadLetter[];
  /** Resolves once nothing is queued, waiting for a retry or in flight. */
  idle(): Promise<void>;
  /**
   * Stops delivering and drops what is still queued, then waits for the deliveries in flight, at most
   * `waitMs` (a sync held back by the upstream rate limit can run for minutes).
   */
  close(options?: { readonly waitMs?: number }): Promise<void>;
}

interface Pending {
  readonly body: string;
  attempts: number;
}

/**
 * Runs `worker` for each message asynchronously, at most `concurrency` at a time, re-delivering a
 * failed message until `maxAttempts`, then moving it to `deadLetters`. Other messages keep flowing
 * meanwhile, so one poison message never blocks the rest.
 *
 * @param options - the worker and the delivery settings
 */
export function createInMemorySyncQueue(options: InMemorySyncQueueOptions): InMemorySyncQueue {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const retryDelayMs = Math.max(0, options.retryDelayMs ?? 0);
  const ready: Pending[] = [];
  const deadLetters: DeadLetter[] = [];
  let inFlight = 0;
  /** Redeliveries and delayed messages not yet visible. */
  const retryTimers = new Set<NodeJS.Timeout>();
  let closed = false;
  const idleWaiters: (() => void)[] = [];
  const inFlightDone = new Set<Promise<void>>();

  function settleIfIdle(): void {
    if (ready.length > 0 || inFlight > 0 || retryTimers.size > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  async function deliver(item: Pending): Promise<void> {
    item.attempts += 1;
    try {
      await options.worker(item.body, { receiveCount: item.attempts });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (item.attempts >= maxAttempts) {
        const letter = { body: item.body, attempts: item.attempts, reason };
        deadLetters.push(letter);
        options.onDeadLetter?.(letter);
      } else if (!closed) {
        later(item, retryDelayMs);
      }
    }
  }

  function later(item: Pending, delayMs: number): void {
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      ready.push(item);
      pump();
    }, delayMs);
    retryTimers.add(timer);
  }

  function pump(): void {
    while (!closed && inFlight < concurrency && ready.length > 0) {
      const item = ready.shift() as Pending;
      inFlight += 1;
      const run = deliver(item).finally(() => {
        inFlight -= 1;
        inFlightDone.delete(run);
        pump();
      });
      inFlightDone.add(run);
    }
    settleIfIdle();
  }

  function sendRaw(body: string): void {
    if (closed) throw new Error('The in-memory sync queue is closed');
    ready.push({ body, attempts: 0 });
    // On a later turn, like a real queue: the sender carries on before any worker starts.
    setImmediate(pump);
  }

  return {
    async enqueue(messages: readonly TicketSyncMessage[], enqueueOptions = {}) {
      const delayMs = Math.min(MAX_DELAY_MS, Math.max(0, enqueueOptions.delayMs ?? 0));
      for (const message of messages) {
        if (delayMs === 0) {
          sendRaw(JSON.stringify(message));
        } else {
          if (closed) throw new Error('The in-memory sync queue is closed');
          // Like SQS DelaySeconds: invisible until the delay passes; counted as waiting by idle().
          later({ body: JSON.stringify(message), attempts: 0 }, delayMs);
        }
      }
      return { enqueued: messages.length };
    },
    sendRaw,
    get deadLetters() {
      return deadLetters;
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        queueMicrotask(settleIfIdle);
      });
    },
    async close(closeOptions = {}) {
      closed = true;
      ready.length = 0;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      const drained = Promise.allSettled([...inFlightDone]);
      const { waitMs } = closeOptions;
      if (waitMs === undefined) {
        await drained;
      } else {
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, waitMs);
        });
        await Promise.race([drained, gaveUp]);
        clearTimeout(timer);
      }
      settleIfIdle();
    },
  };
}
