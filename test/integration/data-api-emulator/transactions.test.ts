import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseErrorException, TransactionNotFoundException } from '@aws-sdk/client-rds-data';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../local/data-api-emulator';
import { availableBackends } from '../../support/data-api';
import { long, rejectionOf, useDataApi } from './harness';

describe.each(availableBackends)('Data API emulator transactions (%s)', (backend) => {
  const db = useDataApi(backend);

  beforeAll(async () => {
    await db().execute('CREATE TABLE ledger (id int PRIMARY KEY, note text)');
  });

  beforeEach(async () => {
    db().api.emulator.configure(DEFAULT_LIMITS);
    await db().execute('DELETE FROM ledger');
  });

  const count = async (): Promise<number | undefined> =>
    (await db().execute('SELECT count(*) FROM ledger')).records?.[0]?.[0]?.longValue;

  it('hands out opaque base64 transaction ids', async () => {
    const transactionId = await db().begin();
    expect(transactionId).toMatch(/^[A-Za-z0-9+/]{40,}={0,2}$/);
    await db().rollback(transactionId);
  });

  it('commits: the writes become visible and the id is gone afterwards', async () => {
    const transactionId = await db().begin();
    await db().execute(
      'INSERT INTO ledger VALUES (:id, :note)',
      [long('id', 1), { name: 'note', value: { stringValue: 'a' } }],
      {
        transactionId,
      },
    );
    expect(await db().commit(transactionId)).toBe('Transaction Committed');
    expect(await count()).toBe(1);
    const error = await rejectionOf(db().execute('SELECT 1', [], { transactionId }));
    expect(error).toBeInstanceOf(TransactionNotFoundException);
    expect(error.message).toContain(`Transaction ${transactionId} is not found`);
  });

  it('rolls back: the writes are discarded and commit afterwards is refused', async () => {
    const transactionId = await db().begin();
    await db().execute('INSERT INTO ledger VALUES (2)', [], { transactionId });
    expect(await db().rollback(transactionId)).toBe('Rollback Complete');
    expect(await count()).toBe(0);
    expect(await rejectionOf(db().commit(transactionId))).toBeInstanceOf(TransactionNotFoundException);
  });

  it('refuses an unknown transaction id with TransactionNotFoundException (404)', async () => {
    const error = await rejectionOf(
      db().execute('SELECT 1', [], { transactionId: 'bm90LWEtdHJhbnNhY3Rpb24=' }),
    );
    expect(error).toBeInstanceOf(TransactionNotFoundException);
    expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode).toBe(404);
  });

  it('keeps the transaction on one session, so SET LOCAL holds between its calls', async () => {
    const transactionId = await db().begin();
    await db().execute("SET LOCAL TimeZone = 'America/Denver'", [], { transactionId });
    const output = await db().execute(
      "SELECT current_setting('TimeZone'), '2024-01-01 12:00:00+00'::timestamptz",
      [],
      { transactionId },
    );
    expect(output.records).toEqual([
      [{ stringValue: 'America/Denver' }, { stringValue: '2024-01-01 12:00:00' }],
    ]);
    await db().rollback(transactionId);
  });

  it('runs BatchExecuteStatement inside a transaction', async () => {
    const transactionId = await db().begin();
    await db().batch('INSERT INTO ledger (id) VALUES (:id)', [[long('id', 1)], [long('id', 2)]], {
      transactionId,
    });
    await db().rollback(transactionId);
    expect(await count()).toBe(0);
  });

  it('refuses a concurrent call on a busy transaction immediately', async () => {
    const transactionId = await db().begin();
    db().api.emulator.configure({ latencyMs: 300 });
    const results = await Promise.allSettled([
      db().execute('INSERT INTO ledger VALUES (10)', [], { transactionId }),
      db().execute('INSERT INTO ledger VALUES (11)', [], { transactionId }),
    ]);
    db().api.emulator.configure({ latencyMs: 0 });
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const reason = (rejected[0] as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(DatabaseErrorException);
    expect(reason.message).toBe('Transaction is still running a query');
    expect(await db().commit(transactionId)).toBe('Transaction Committed');
    expect(await count()).toBe(1);
  });

  it('refuses a second call at once while the transaction runs a long statement', async () => {
    const transactionId = await db().begin();
    const settledAt: Record<string, number> = {};
    const timed = (name: string, call: Promise<unknown>) =>
      call.finally(() => {
        settledAt[name] = performance.now();
      });
    const callsBefore = db().api.emulator.stats.calls;
    const long = timed(
      'long',
      db().execute('INSERT INTO ledger SELECT 20 FROM pg_sleep(2.5)', [], { transactionId }),
    );
    // Once the emulator has the long call, give it a moment to claim the transaction.
    while (db().api.emulator.stats.calls === callsBefore) await sleep(10);
    await sleep(100);
    const second = timed('second', db().execute('SELECT 1', [], { transactionId }));
    const [longResult, secondResult] = await Promise.allSettled([long, second]);

    // Whichever reached the transaction first ran; the other was refused, and not only once the
    // 2.5 s statement had ended: the refusal came at least a second before the statement's answer.
    const outcomes = [longResult, secondResult];
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(DatabaseErrorException);
    expect((refused.reason as Error).message).toBe('Transaction is still running a query');
    const [ranAt, refusedAt] =
      longResult.status === 'fulfilled'
        ? [settledAt.long ?? 0, settledAt.second ?? 0]
        : [settledAt.second ?? 0, settledAt.long ?? 0];
    expect(ranAt - refusedAt).toBeGreaterThan(1_000);
    await db().rollback(transactionId);
  });

  it('keeps an aborted transaction aborted (25P02) until rollback, and refuses to commit it', async () => {
    const transactionId = await db().begin();
    await db().execute('INSERT INTO ledger VALUES (1)', [], { transactionId });
    await rejectionOf(db().execute('INSERT INTO ledger VALUES (1)', [], { transactionId }));
    const aborted = await rejectionOf(db().execute('SELECT 1', [], { transactionId }));
    expect(aborted).toBeInstanceOf(DatabaseErrorException);
    expect(aborted.message).toMatch(/^ERROR: current transaction is aborted.*; SQLState: 25P02$/);
    const commit = await rejectionOf(db().commit(transactionId));
    expect(commit.message).toMatch(/SQLState: 25P02$/);
    expect(await db().rollback(transactionId)).toBe('Rollback Complete');
    expect(await count()).toBe(0);
  });

  it('expires an idle transaction, rolling it back', async () => {
    db().api.emulator.configure({ transactionIdleTimeoutMs: 200 });
    const transactionId = await db().begin();
    await db().execute('INSERT INTO ledger VALUES (5)', [], { transactionId });
    await sleep(500);
    const error = await rejectionOf(db().execute('SELECT 1', [], { transactionId }));
    expect(error).toBeInstanceOf(TransactionNotFoundException);
    expect(error.message).toBe(`Transaction ${transactionId} is not found. Transaction may be expired.`);
    expect(await rejectionOf(db().rollback(transactionId))).toBeInstanceOf(TransactionNotFoundException);
    expect(await count()).toBe(0);
  });

  it('expires a transaction at its maximum lifetime even while in use', async () => {
    const lifetimeMs = 400;
    db().api.emulator.configure({ transactionMaxLifetimeMs: lifetimeMs });
    const begunAt = performance.now();
    const transactionId = await db().begin();
    // Used every 50 ms, so it never idles: only the lifetime can end it. A lifetime that activity
    // renewed would keep it alive for all 20 lifetimes.
    let error: unknown;
    while (error === undefined && performance.now() - begunAt < 20 * lifetimeMs) {
      try {
        await db().execute('SELECT 1', [], { transactionId });
        await sleep(50);
      } catch (caught) {
        error = caught;
      }
    }
    expect(error).toBeInstanceOf(TransactionNotFoundException);
    expect(performance.now() - begunAt).toBeGreaterThanOrEqual(lifetimeMs);
  });

  it('ends a transaction whose response overran the size limit', async () => {
    const transactionId = await db().begin();
    db().api.emulator.configure({ responseSizeLimitBytes: 1000 });
    const error = await rejectionOf(db().execute("SELECT repeat('x', 2000)", [], { transactionId }));
    expect(error.message).toBe('Database response exceeded size limit');
    const gone = await rejectionOf(db().execute('SELECT 1', [], { transactionId }));
    expect(gone).toBeInstanceOf(TransactionNotFoundException);
    expect(gone.message).toContain('One previous call resulted in a termination of your transaction.');
  });

  if (backend === 'postgres') {
    it('isolates uncommitted writes from autocommit calls', async () => {
      const transactionId = await db().begin();
      await db().execute('INSERT INTO ledger VALUES (7)', [], { transactionId });
      expect(await count()).toBe(0);
      await db().commit(transactionId);
      expect(await count()).toBe(1);
    });

    it('lets two transactions run side by side on their own connections', async () => {
      const first = await db().begin();
      const second = await db().begin();
      await Promise.all([
        db().execute('INSERT INTO ledger VALUES (1)', [], { transactionId: first }),
        db().execute('INSERT INTO ledger VALUES (2)', [], { transactionId: second }),
      ]);
      await Promise.all([db().commit(first), db().commit(second)]);
      expect(await count()).toBe(2);
    });
  }
});
