import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInMemorySyncQueue,
  type TicketService,
  type TicketSyncStatus,
} from '../../../functions/tickets';
import { latestSimulatorRows, startTicketsHarness, type TicketsHarness } from '../../support/tickets-harness';

let h: TicketsHarness;

beforeAll(async () => {
  h = await startTicketsHarness({
    accounts: [
      { username: 'budget-co', tickets: 8 },
      { username: 'wrong-password-co', tickets: 3 },
      { username: 'join-co', tickets: 3 },
    ],
  });
});

afterAll(async () => {
  await h?.close();
});

describe('a sync job under a busy upstream budget', () => {
  it('finishes through its own delayed continuations, every delivery a first receive, no 429, no dead letter', async () => {
    const company = h.companyByUsername('budget-co');
    const limit = { limit: 6, windowMs: 1500 };
    h.base.simulator.configure({ rateLimit: { ...limit, scope: 'account', countLogins: true } });
    const rejectedBefore = h.base.simulator.stats().rateLimited;
    const manager = h.createManager({
      env: {
        RATE_LIMIT_MAX_REQUESTS: String(limit.limit),
        RATE_LIMIT_WINDOW_MS: String(limit.windowMs),
        RATE_LIMIT_SAFETY_MARGIN_MS: '500',
        // The limiter gives up at once when the next slot is away: the job decides what to do.
        RATE_LIMIT_MAX_WAIT_MS: '0',
      },
    });
    const receives: number[] = [];
    const results: TicketSyncStatus[] = [];
    let service: TicketService;
    const queue = createInMemorySyncQueue({
      concurrency: 1,
      maxAttempts: 3,
      worker: async (body, { receiveCount }) => {
        receives.push(receiveCount);
        // A short-lived worker: 300 ms per delivery, far less than the job needs.
        const outcome = await service.processSyncRecords([{ messageId: `m${receives.length}`, body }], {
          deadline: Date.now() + 300,
        });
        results.push(...outcome.results);
        if (outcome.failedMessageIds.length > 0) throw new Error('reported as failed');
      },
    });
    service = h.createService({ tokens: manager, queue });
    try {
      await expect(service.enqueueTicketSyncs({ companyId: company.id, daysBack: 90 })).resolves.toEqual({
        enqueued: 1,
        joined: 0,
      });
      await queue.idle();
    } finally {
      await queue.close();
      h.base.simulator.configure({ rateLimit: null });
    }

    const expected = latestSimulatorRows(h.simulatorTickets(company)).size;
    expect(results.at(-1)).toMatchObject({ state: 'done', complete: true, tickets_stored: expected });
    expect(results.filter((result) => result.state === 'waiting').length).toBeGreaterThan(0);
    expect(receives.length).toBeGreaterThan(2);
    expect(receives.every((count) => count === 1)).toBe(true);
    expect(queue.deadLetters).toEqual([]);
    expect(h.base.simulator.stats().rateLimited).toBe(rejectedBefore);
    expect((await h.storedTickets(company.id)).map((row) => row.ticket_number)).toEqual(
      [...latestSimulatorRows(h.simulatorTickets(company)).keys()].sort(),
    );
  }, 120_000);
});

describe('a sync job whose credentials are rejected', () => {
  it('is parked after one login, makes no login while parked, and restarts once the credentials change', async () => {
    const company = h.companyByUsername('wrong-password-co');
    const manager = h.createManager();
    await manager.storeCredentials(
      company.id,
      { username: company.username, password: 'not-the-password' },
      { verify: false },
    );
    const logins = () => h.base.simulator.stats().logins[company.username] ?? { ok: 0, failed: 0 };

    const parked = await h
      .createService({ tokens: manager })
      .syncCompanyTickets(company.id, { daysBack: 90 });
    expect(parked).toMatchObject({ state: 'parked', complete: false });
    expect(parked.last_error).toMatch(/^CREDENTIALS_REJECTED: /);
    expect(logins()).toEqual({ ok: 0, failed: 1 });

    const again = await h.createService().syncCompanyTickets(company.id, { daysBack: 90 });
    await h.createService().enqueueTicketSyncs({ companyId: company.id });
    expect(again.state).toBe('parked');
    expect(logins()).toEqual({ ok: 0, failed: 1 });

    await manager.storeCredentials(
      company.id,
      { username: company.username, password: company.password },
      { verify: false },
    );
    const resumed = await h.createService().syncCompanyTickets(company.id, { daysBack: 90 });
    expect(resumed).toMatchObject({ state: 'done', complete: true, last_error: null });
    expect(logins()).toEqual({ ok: 1, failed: 1 });
  });
});

describe('a second request while a job is live', () => {
  it('joins the live job: no second job, no second message', async () => {
    const company = h.companyByUsername('join-co');
    const first = await h.createService().enqueueTicketSyncs({ companyId: company.id });
    const [job] = await h.base.sql(
      'SELECT generation, state FROM ticket_sync_jobs WHERE company_id = CAST(:id AS bigint)',
      { id: company.id },
    );
    const second = await h.createService().enqueueTicketSyncs({ companyId: company.id });
    const [after] = await h.base.sql(
      'SELECT generation, state FROM ticket_sync_jobs WHERE company_id = CAST(:id AS bigint)',
      { id: company.id },
    );

    expect(first).toEqual({ enqueued: 1, joined: 0 });
    expect(second).toEqual({ enqueued: 0, joined: 1 });
    expect(after).toEqual(job);
    expect(after?.state).toBe('queued');
    const sent = h.queue.sent.filter((message) => message.body.company_id === company.id);
    expect(sent).toHaveLength(1);
  });
});
