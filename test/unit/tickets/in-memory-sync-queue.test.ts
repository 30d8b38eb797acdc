import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createInMemorySyncQueue } from '../../../functions/tickets';

const tick = () => sleep(5);

describe('the in-memory sync queue', () => {
  it('returns before any message is worked on, then works each off asynchronously', async () => {
    const seen: string[] = [];
    const queue = createInMemorySyncQueue({ worker: async (body) => void seen.push(body) });

    await expect(queue.enqueue([{ company_id: '1', days_back: 28 }])).resolves.toEqual({ enqueued: 1 });
    expect(seen).toEqual([]);

    await queue.idle();
    expect(seen).toEqual(['{"company_id":"1","days_back":28}']);
  });

  it('holds a delayed message back for its delay (SQS DelaySeconds), and idle() waits for it', async () => {
    const deliveries: { at: number; receiveCount: number }[] = [];
    const queue = createInMemorySyncQueue({
      worker: async (_body, { receiveCount }) =>
        void deliveries.push({ at: performance.now(), receiveCount }),
    });
    const sentAt = performance.now();

    await queue.enqueue([{ company_id: '1', days_back: 28, wake: 'chain-1' }], { delayMs: 120 });
    await queue.idle();

    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.receiveCount).toBe(1);
    expect((deliveries[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(115);
  });

  it('counts receives: a redelivered message comes with the next receive count', async () => {
    const counts: number[] = [];
    const queue = createInMemorySyncQueue({
      maxAttempts: 3,
      worker: async (_body, { receiveCount }) => {
        counts.push(receiveCount);
        throw new Error('fails');
      },
    });
    await queue.enqueue([{ company_id: '1', days_back: 28 }]);
    await queue.idle();
    expect(counts).toEqual([1, 2, 3]);
    expect(queue.deadLetters).toHaveLength(1);
  });

  it('never runs more than `concurrency` messages at once', async () => {
    let running = 0;
    let peak = 0;
    const queue = createInMemorySyncQueue({
      concurrency: 3,
      worker: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
      },
    });

    for (let index = 0; index < 10; index += 1) queue.sendRaw(String(index));
    await queue.idle();

    expect(peak).toBe(3);
  });

  it('redelivers a failed message, then dead-letters it after maxAttempts while the others go through', async () => {
    const attempts = new Map<string, number>();
    const letters: string[] = [];
    const queue = createInMemorySyncQueue({
      concurrency: 1,
      maxAttempts: 3,
      retryDelayMs: 1,
      onDeadLetter: (letter) => letters.push(letter.body),
      worker: async (body) => {
        attempts.set(body, (attempts.get(body) ?? 0) + 1);
        if (body === 'poison') throw new Error('cannot parse');
      },
    });

    queue.sendRaw('poison');
    queue.sendRaw('good-1');
    queue.sendRaw('good-2');
    await queue.idle();

    expect(Object.fromEntries(attempts)).toEqual({ poison: 3, 'good-1': 1, 'good-2': 1 });
    expect(queue.deadLetters).toEqual([{ body: 'poison', attempts: 3, reason: 'cannot parse' }]);
    expect(letters).toEqual(['poison']);
  });

  it('succeeds on a redelivery after a passing failure', async () => {
    let calls = 0;
    const queue = createInMemorySyncQueue({
      worker: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database resuming');
      },
    });

    queue.sendRaw('x');
    await queue.idle();

    expect(calls).toBe(2);
    expect(queue.deadLetters).toEqual([]);
  });

  it('drops what is queued on close, waits for the message in flight, and refuses new ones', async () => {
    const done: string[] = [];
    const queue = createInMemorySyncQueue({
      concurrency: 1,
      worker: async (body) => {
        await tick();
        done.push(body);
      },
    });
    queue.sendRaw('first');
    queue.sendRaw('second');
    await new Promise<void>((resolve) => setImmediate(resolve));

    await queue.close();

    expect(done).toEqual(['first']);
    expect(() => queue.sendRaw('third')).toThrow('closed');
    await expect(queue.idle()).resolves.toBeUndefined();
  });
});

describe('closing the in-memory sync queue with a wait limit', () => {
  it('returns after waitMs even when a delivery is still in flight', async () => {
    let release: () => void = () => undefined;
    const queue = createInMemorySyncQueue({
      worker: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    queue.sendRaw('slow');
    await new Promise<void>((resolve) => setImmediate(resolve));

    await queue.close({ waitMs: 10 });

    release();
    expect(queue.deadLetters).toEqual([]);
  });
});
