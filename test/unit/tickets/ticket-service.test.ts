import {
  CredentialsRejectedError,
  LoginHeldError,
  RateLimitExceededError,
  TokenRejectedError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '@bluestakes/token-manager';
import { describe, expect, it } from 'vitest';
import { createTicketService, type TicketServiceDependencies } from '../../../functions/tickets';
import { fakeSyncJobs } from './support/fake-sync-jobs';
import { fakeBluestakes, fakeRepository, recordingQueue, ticket } from './support/fakes';

const NOW = new Date('2025-06-20T12:00:00Z');
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function setup(rows = [ticket('A1', '0'), ticket('A1', '1'), ticket('B2', '0')]) {
  const upstream = fakeBluestakes(rows);
  for (const row of rows) {
    const number = row.ticket.trim();
    const current = upstream.details.get(number);
    if (current === undefined || Number(row.revision) > Number(current.revision)) {
      upstream.details.set(number, { ...row, ticket: number });
    }
  }
  const repository = fakeRepository(['1']);
  const sleeps: number[] = [];
  let clock = NOW.getTime();
  const now = () => clock;
  const jobs = fakeSyncJobs(repository, now);
  const queue = recordingQueue();
  const deps: TicketServiceDependencies = {
    tokens: upstream.tokens,
    repository,
    jobs,
    queue,
    clock: now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    log: silent,
    concurrency: 1,
  };
  return {
    upstream,
    repository,
    jobs,
    queue,
    sleeps,
    now,
    advance: (ms: number) => {
      clock += ms;
    },
    service: (overrides: Partial<TicketServiceDependencies> = {}) =>
      createTicketService({ ...deps, ...overrides }),
  };
}

const details = (log: readonly string[]) => log.filter((line) => line.startsWith('detail'));

describe('a sync job run to the end', () => {
  it('searches page by page until a short page, keeping the highest revision across pages', async () => {
    const rows = [
      ticket('A1', '0'),
      ticket('B2', '0'),
      ticket('C3', '0'),
      ticket('A1', '2'),
      ticket('B2', '1'),
    ];
    const { upstream, repository, service } = setup(rows);

    const result = await service({ pageSize: 2 }).syncCompanyTickets('1', { now: NOW });

    expect(upstream.log.filter((line) => line.startsWith('search'))).toEqual([
      'search 0',
      'search 2',
      'search 4',
    ]);
    expect(result).toMatchObject({
      state: 'done',
      complete: true,
      tickets_found: 3,
      tickets_stored: 3,
      tickets_remaining: 0,
      pages: 3,
      fetched: 3,
      inserted: 3,
      upstream_calls: 3 + 3 * 2,
    });
    expect(repository.rows.get('A1')?.record.revision).toBe(2);
    expect(repository.rows.get('B2')?.record.revision).toBe(1);
  });

  it('stops after the page that reaches the total, even when it is full', async () => {
    const { upstream, service } = setup([ticket('A1', '0'), ticket('B2', '0')]);
    await service({ pageSize: 2 }).syncCompanyTickets('1', { now: NOW });
    expect(upstream.log.filter((line) => line.startsWith('search'))).toEqual(['search 0']);
  });

  it('searches the last daysBack days up to the moment the job started', async () => {
    const { upstream, service } = setup();
    const queries: unknown[] = [];
    const tokens: TicketServiceDependencies['tokens'] = {
      makeAuthenticatedRequest: (companyId, request) =>
        upstream.tokens.makeAuthenticatedRequest(companyId, (api) =>
          request({
            ...api,
            searchTicketsPage: (query) => {
              queries.push(query);
              return api.searchTicketsPage(query);
            },
          }),
        ),
    };

    await service({ tokens }).syncCompanyTickets('1', { now: NOW, daysBack: 7 });

    expect(queries[0]).toEqual({
      start: new Date('2025-06-13T12:00:00Z'),
      end: NOW,
      offset: 0,
      limit: 100,
    });
  });

  it('makes each upstream call through its own makeAuthenticatedRequest', async () => {
    const { upstream, service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    expect(upstream.requests).toBe(5);
    expect(upstream.log).toEqual(['search 0', 'detail A1', 'responses A1', 'detail B2', 'responses B2']);
  });

  it('stores a ticket without responses yet (404) with an empty list', async () => {
    const { upstream, repository, service } = setup();
    upstream.noResponses.add('B2');
    await service().syncCompanyTickets('1', { now: NOW });
    expect(repository.rows.get('B2')?.record.responses).toEqual([]);
    expect(repository.rows.get('A1')?.record.responses).toHaveLength(1);
  });

  it('skips a ticket that is gone by the time it is fetched, and syncs the rest', async () => {
    const { upstream, repository, service } = setup();
    upstream.details.delete('A1');
    const result = await service().syncCompanyTickets('1', { now: NOW });
    expect(result).toMatchObject({ tickets_found: 2, fetched: 1, skipped: 1, inserted: 1, complete: true });
    expect([...repository.rows.keys()]).toEqual(['B2']);
  });

  it('fetches no ticket detail on a second sync over unchanged data: only the search', async () => {
    const { upstream, service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    upstream.log.length = 0;

    const second = await service().syncCompanyTickets('1', { now: NOW });

    expect(upstream.log).toEqual(['search 0']);
    expect(second).toMatchObject({ fetched: 0, inserted: 0, updated: 0, unchanged: 2, upstream_calls: 1 });
  });

  it('asks again only for the responses of a live ticket some member has not answered', async () => {
    const rows = [
      ticket('A1', '0', { members: [{ member_id: 1 }, { member_id: 2 }] as never }),
      ticket('B2', '0'),
    ];
    const { upstream, service } = setup(rows);
    await service().syncCompanyTickets('1', { now: NOW });
    upstream.log.length = 0;

    const second = await service().syncCompanyTickets('1', { now: NOW });

    expect(upstream.log).toEqual(['search 0', 'responses A1']);
    expect(second).toMatchObject({ fetched: 0, unchanged: 2, upstream_calls: 2 });
  });

  it('fetches only the ticket with a newer revision', async () => {
    const { upstream, service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    upstream.rows.push(ticket('B2', '1'));
    upstream.details.set('B2', ticket('B2', '1', { street: 'N MAIN ST' }));
    upstream.log.length = 0;

    const second = await service().syncCompanyTickets('1', { now: NOW });

    expect(details(upstream.log)).toEqual(['detail B2']);
    expect(second).toMatchObject({ updated: 1, unchanged: 1 });
  });

  it('links a replacement to the stored ticket it replaces and retires that one', async () => {
    const rows = [ticket('OLD1', '0'), ticket('NEW1', '0', { original_ticket: ' OLD1 ' })];
    const { repository, service } = setup(rows);
    const result = await service().syncCompanyTickets('1', { now: NOW });
    expect(result.retired).toBe(1);
    expect(repository.rows.get('NEW1')?.record.oldTicket).toBe('OLD1');
    expect(repository.rows.get('OLD1')).toMatchObject({ isContinueUpdate: false, replacedBy: 'NEW1' });
  });

  it('asks secondary-functions about live tickets due within 7 days and records those Bluestakes lets update', async () => {
    const rows = [
      ticket('DUE', '0', { replace_by_date: '2025-06-23T00:00:00Z' }),
      ticket('NOUPDATE', '0', { replace_by_date: '2025-06-24T00:00:00Z' }),
      ticket('GONE', '0', { replace_by_date: '2025-06-25T00:00:00Z' }),
      ticket('LATER', '0', { replace_by_date: '2025-07-20T00:00:00Z' }),
      ticket('PAST', '0', { replace_by_date: '2025-06-19T00:00:00Z' }),
    ];
    const { upstream, repository, service } = setup(rows);
    upstream.updatable.add('DUE');
    upstream.updatable.add('LATER');
    upstream.updatable.add('PAST');
    const tokens: TicketServiceDependencies['tokens'] = {
      makeAuthenticatedRequest: (companyId, request) =>
        upstream.tokens.makeAuthenticatedRequest(companyId, (api) =>
          request({
            ...api,
            getSecondaryFunctions: (number) =>
              number === 'GONE'
                ? Promise.reject(new UpstreamNotFoundError('gone'))
                : api.getSecondaryFunctions(number),
          }),
        ),
    };

    const result = await service({ tokens }).syncCompanyTickets('1', { now: NOW });

    expect(upstream.log.filter((line) => line.startsWith('secondary'))).toEqual([
      'secondary DUE',
      'secondary NOUPDATE',
    ]);
    expect(result).toMatchObject({ checked: 3, updatable: 1 });
    expect([...repository.updatable.keys()]).toEqual(['DUE']);
  });

  it('refuses a days_back outside 1..365 and a bad company id before any call', async () => {
    const { upstream, service } = setup();
    await expect(service().syncCompanyTickets('1', { daysBack: 0 })).rejects.toMatchObject({
      field: 'days_back',
    });
    await expect(service().syncCompanyTickets('1', { daysBack: 366 })).rejects.toMatchObject({
      field: 'days_back',
    });
    await expect(service().syncCompanyTickets('x')).rejects.toMatchObject({ field: 'company_id' });
    expect(upstream.requests).toBe(0);
  });
});

describe('a sync job under the upstream budget', () => {
  it('waits for the next slot when it comes before the deadline', async () => {
    const { upstream, sleeps, queue, service } = setup();
    upstream.failNext.push(new RateLimitExceededError('no slot', { retryAfterMs: 1500 }));
    const result = await service().syncCompanyTickets('1', { now: NOW, deadline: NOW.getTime() + 5000 });
    expect(sleeps).toEqual([1500]);
    expect(result).toMatchObject({ fetched: 2, complete: true });
    expect(queue.sent).toEqual([]);
  });

  it('saves its progress and schedules its own continuation when the next slot is beyond the deadline', async () => {
    const { upstream, queue, jobs, sleeps, service } = setup();
    const tokens: TicketServiceDependencies['tokens'] = {
      async makeAuthenticatedRequest(companyId, request) {
        // The search and the first ticket fit the budget; the next slot is 40 s away.
        if (upstream.requests === 3) {
          upstream.requests += 1;
          throw new UpstreamRateLimitedError('429', { retryAfterMs: 40_000 });
        }
        return upstream.tokens.makeAuthenticatedRequest(companyId, request);
      },
    };

    const first = await service({ tokens }).syncCompanyTickets('1', {
      now: NOW,
      deadline: NOW.getTime() + 10_000,
    });

    expect(sleeps).toEqual([]);
    expect(first).toMatchObject({
      state: 'waiting',
      complete: false,
      tickets_found: 2,
      tickets_stored: 1,
      tickets_remaining: 1,
      next_run_at: new Date(NOW.getTime() + 40_000).toISOString(),
      last_error: null,
    });
    const wake = jobs.rows.get('1')?.wakeId;
    expect(queue.sent).toEqual([{ body: { company_id: '1', days_back: 28, wake }, delayMs: 40_000 }]);
  });

  it('continues where it stopped when its continuation arrives, fetching nothing twice', async () => {
    const { upstream, queue, advance, service } = setup();
    let limited = true;
    const tokens: TicketServiceDependencies['tokens'] = {
      async makeAuthenticatedRequest(companyId, request) {
        if (limited && upstream.requests === 3) {
          limited = false;
          throw new RateLimitExceededError('no slot', { retryAfterMs: 40_000 });
        }
        return upstream.tokens.makeAuthenticatedRequest(companyId, request);
      },
    };
    await service({ tokens }).syncCompanyTickets('1', { now: NOW, deadline: NOW.getTime() + 10_000 });
    const [continuation] = queue.sent;
    advance(40_000);

    const { failedMessageIds, results } = await service({ tokens }).processSyncRecords(
      [{ messageId: 'm1', body: JSON.stringify(continuation?.body) }],
      { deadline: NOW.getTime() + 100_000 },
    );

    expect(failedMessageIds).toEqual([]);
    expect(results).toMatchObject([{ state: 'done', complete: true, tickets_stored: 2, inserted: 2 }]);
    expect(details(upstream.log)).toEqual(['detail A1', 'detail B2']);
    expect(upstream.log.filter((line) => line.startsWith('search'))).toEqual(['search 0']);
  });

  it('stores a detail fetched just before the budget ran out, and asks only for its responses next run', async () => {
    const { upstream, queue, advance, repository, service } = setup();
    let limited = false;
    const tokens: TicketServiceDependencies['tokens'] = {
      async makeAuthenticatedRequest(companyId, request) {
        // Search and A1's detail fit; A1's responses meet a slot 40 s away.
        if (upstream.requests === 2 && !limited) {
          limited = true;
          throw new RateLimitExceededError('no slot', { retryAfterMs: 40_000 });
        }
        return upstream.tokens.makeAuthenticatedRequest(companyId, request);
      },
    };
    const first = await service({ tokens }).syncCompanyTickets('1', {
      now: NOW,
      deadline: NOW.getTime() + 10_000,
    });
    expect(first).toMatchObject({ state: 'waiting', tickets_remaining: 2 });
    expect(repository.rows.get('A1')?.record.revision).toBe(1);
    advance(40_000);

    await service({ tokens }).processSyncRecords([
      { messageId: 'm', body: JSON.stringify(queue.sent[0]?.body) },
    ]);

    expect(details(upstream.log)).toEqual(['detail A1', 'detail B2']);
    expect(upstream.log.filter((line) => line === 'responses A1')).toHaveLength(1);
    expect(repository.rows.get('A1')?.record.responses).toHaveLength(1);
  });

  it('chains continuations for a wait longer than one message delay (900 s)', async () => {
    const { upstream, queue, advance, service } = setup();
    upstream.failNext.push(new UpstreamRateLimitedError('429', { retryAfterMs: 2_000_000 }));
    await service().syncCompanyTickets('1', { now: NOW, deadline: NOW.getTime() + 10_000 });
    expect(queue.sent.map((message) => message.delayMs)).toEqual([900_000]);

    for (const expected of [900_000, 200_000]) {
      advance(900_000);
      const body = JSON.stringify(queue.sent.at(-1)?.body);
      const { failedMessageIds, results } = await service().processSyncRecords([{ messageId: 'm', body }], {
        deadline: NOW.getTime() + 10 ** 9,
      });
      expect(failedMessageIds).toEqual([]);
      expect(results).toMatchObject([{ state: 'waiting' }]);
      expect(queue.sent.at(-1)?.delayMs).toBe(expected);
    }
    expect(upstream.requests).toBe(1);

    advance(200_000);
    const body = JSON.stringify(queue.sent.at(-1)?.body);
    const { results } = await service().processSyncRecords([{ messageId: 'm', body }], {
      deadline: NOW.getTime() + 10 ** 9,
    });
    expect(results).toMatchObject([{ state: 'done' }]);
  });

  it('drops a message of no chain while its job waits: it neither runs early nor doubles the chain', async () => {
    const { upstream, queue, service } = setup();
    upstream.failNext.push(new RateLimitExceededError('no slot', { retryAfterMs: 60_000 }));
    await service().syncCompanyTickets('1', { now: NOW, deadline: NOW.getTime() + 10_000 });
    const sent = queue.sent.length;

    const { failedMessageIds, results } = await service().processSyncRecords(
      [{ messageId: 'dup', body: JSON.stringify({ company_id: '1', days_back: 28 }) }],
      { deadline: NOW.getTime() + 10 ** 6 },
    );

    expect(failedMessageIds).toEqual([]);
    expect(results).toMatchObject([{ state: 'waiting' }]);
    expect(queue.sent).toHaveLength(sent);
    expect(upstream.requests).toBe(1);
  });

  it('joins the live job when asked again, sending no second message', async () => {
    const { upstream, queue, service } = setup();
    upstream.failNext.push(new RateLimitExceededError('no slot', { retryAfterMs: 60_000 }));
    await service().syncCompanyTickets('1', { now: NOW, deadline: NOW.getTime() + 10_000 });
    const sent = queue.sent.length;

    await expect(service().enqueueTicketSyncs({ companyId: 1 })).resolves.toEqual({ enqueued: 0, joined: 1 });
    const again = await service().syncCompanyTickets('1', { now: NOW, deadline: NOW.getTime() + 10_000 });

    expect(again.state).toBe('waiting');
    expect(queue.sent).toHaveLength(sent);
  });
});

describe('a sync job that meets a fault', () => {
  it('retries an outage with backoff, then fails the job with a clear last_error and throws', async () => {
    const { upstream, sleeps, jobs, service } = setup();
    const outage = new UpstreamUnavailableError('status', 'Bluestakes answered 503', { status: 503 });
    upstream.failNext.push(outage, outage, outage, outage);

    await expect(service().syncCompanyTickets('1', { now: NOW })).rejects.toBe(outage);

    expect(sleeps).toEqual([250, 500, 1000]);
    expect(await jobs.find('1')).toMatchObject({
      state: 'failed',
      lastError: 'UPSTREAM_UNAVAILABLE: Bluestakes answered 503',
    });
  });

  it('continues later instead of failing when an outage backoff does not fit the deadline', async () => {
    const { upstream, queue, service } = setup();
    upstream.failNext.push(
      new UpstreamUnavailableError('status', 'Bluestakes answered 503', { status: 503 }),
    );
    const result = await service().syncCompanyTickets('1', { now: NOW, deadline: NOW.getTime() + 100 });
    expect(result).toMatchObject({
      state: 'waiting',
      last_error: 'UPSTREAM_UNAVAILABLE: Bluestakes answered 503',
    });
    expect(queue.sent).toHaveLength(1);
  });

  it('does not retry what a retry cannot fix', async () => {
    const { upstream, sleeps, jobs, service } = setup();
    upstream.failNext.push(new TokenRejectedError(403));
    await expect(service().syncCompanyTickets('1', { now: NOW })).rejects.toBeInstanceOf(TokenRejectedError);
    expect(sleeps).toEqual([]);
    expect((await jobs.find('1'))?.state).toBe('failed');
  });

  it.each([
    ['rejected credentials', new CredentialsRejectedError()],
    ['a login hold after rejected credentials', new LoginHeldError('1', 'credentials_rejected')],
  ])('parks the job on %s and makes no call until the credentials change', async (_name, error) => {
    const { upstream, jobs, queue, service } = setup();
    upstream.failNext.push(error);

    const parked = await service().syncCompanyTickets('1', { now: NOW });
    expect(parked).toMatchObject({ state: 'parked', complete: false });
    expect(parked.last_error).toMatch(/^(CREDENTIALS_REJECTED|LOGIN_HELD): /);

    const again = await service().syncCompanyTickets('1', { now: NOW });
    await service().enqueueTicketSyncs({});
    expect(again.state).toBe('parked');
    expect(upstream.requests).toBe(1);
    expect(queue.sent).toEqual([]);

    jobs.credentials.set('1', 2);
    const resumed = await service().syncCompanyTickets('1', { now: NOW });
    expect(resumed).toMatchObject({ state: 'done', complete: true, tickets_stored: 2 });
  });

  it('still reports poison messages as failed (dead-lettered in the end), and the faults', async () => {
    const { upstream, service } = setup();
    upstream.failNext.push(new TokenRejectedError(401));
    const { failedMessageIds } = await service().processSyncRecords([
      { messageId: 'not-json', body: '{"company_id": 1' },
      { messageId: 'bad-shape', body: JSON.stringify({ company_id: -1 }) },
      { messageId: 'unknown-field', body: JSON.stringify({ company_id: 1, token: 'x' }) },
      { messageId: 'fault', body: JSON.stringify({ company_id: 1 }) },
    ]);
    expect(failedMessageIds).toEqual(['not-json', 'bad-shape', 'unknown-field', 'fault']);
  });
});

describe('getTicketSyncStatus', () => {
  it('answers 404 (SYNC_NOT_FOUND) for a company that never had a sync', async () => {
    const { service } = setup();
    await expect(service().getTicketSyncStatus('1')).rejects.toMatchObject({ code: 'SYNC_NOT_FOUND' });
  });
});

describe('getTicketLocation', () => {
  it('answers from the store while fresh, without calling Bluestakes', async () => {
    const { upstream, service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    upstream.requests = 0;

    const location = await service().getTicketLocation('1', ' A1 ', { maxAgeSeconds: 3600 });

    expect(location).toMatchObject({
      ticket: 'A1',
      revision: 1,
      source: 'stored',
      stale: false,
      location: 'S STATE ST, SANDY, SALT LAKE COUNTY',
    });
    expect(upstream.requests).toBe(0);
  });

  it('fetches and stores the detail when stale or unknown, keeping the stored responses', async () => {
    const { upstream, repository, service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    upstream.log.length = 0;

    const location = await service().getTicketLocation('1', 'A1', { maxAgeSeconds: 0 });

    expect(location).toMatchObject({
      ticket: 'A1',
      source: 'bluestakes',
      stale: false,
      synced_at: NOW.toISOString(),
    });
    expect(upstream.log).toEqual(['detail A1']);
    expect(repository.rows.get('A1')?.record.responses).toHaveLength(1);
  });

  it('answers the stored data marked stale when the budget is busy, rather than failing', async () => {
    const { upstream, service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    upstream.failNext.push(new RateLimitExceededError('no slot', { retryAfterMs: 30_000 }));

    const location = await service().getTicketLocation('1', 'A1', { maxAgeSeconds: 0 });

    expect(location).toMatchObject({ ticket: 'A1', source: 'stored', stale: true, revision: 1 });
  });

  it('lets the busy budget through when nothing is stored, and a 404 from Bluestakes', async () => {
    const { upstream, service } = setup();
    upstream.failNext.push(new RateLimitExceededError('no slot', { retryAfterMs: 30_000 }));
    await expect(service().getTicketLocation('1', 'A1', { maxAgeSeconds: 60 })).rejects.toBeInstanceOf(
      RateLimitExceededError,
    );
    await expect(service().getTicketLocation('1', 'NOPE', { maxAgeSeconds: 60 })).rejects.toBeInstanceOf(
      UpstreamNotFoundError,
    );
  });
});

describe('enqueueTicketSyncs', () => {
  it('starts a job and sends a message for every company with credentials, or just the one asked for', async () => {
    const { repository, jobs, queue, service } = setup();
    for (const id of ['5', '9', '7']) {
      repository.companies.add(id);
      jobs.credentials.set(id, 1);
    }
    repository.companiesWithCredentials.push('5', '9');

    await expect(service().enqueueTicketSyncs({ daysBack: 14 })).resolves.toEqual({ enqueued: 3, joined: 0 });
    await expect(service().enqueueTicketSyncs({ companyId: 7 })).resolves.toEqual({ enqueued: 1, joined: 0 });

    expect(queue.sent.map((message) => message.body)).toEqual([
      { company_id: '1', days_back: 14 },
      { company_id: '5', days_back: 14 },
      { company_id: '9', days_back: 14 },
      { company_id: '7', days_back: 28 },
    ]);
    expect((await jobs.find('9'))?.state).toBe('queued');
  });

  it('sends nothing when no company has credentials', async () => {
    const { repository, queue, service } = setup();
    repository.companiesWithCredentials.length = 0;
    await expect(service().enqueueTicketSyncs({})).resolves.toEqual({ enqueued: 0, joined: 0 });
    expect(queue.sent).toEqual([]);
  });
});
