import {
  CredentialsNotFoundError,
  RateLimitExceededError,
  TokenRejectedError,
  UpstreamNotFoundError,
  UpstreamUnavailableError,
} from '@bluestakes/token-manager';
import { describe, expect, it } from 'vitest';
import { createTicketService, type TicketServiceDependencies } from '../../../functions/tickets';
import { fakeBluestakes, fakeRepository, ticket } from './support/fakes';

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
  const deps: TicketServiceDependencies = {
    tokens: upstream.tokens,
    repository,
    clock: () => clock,
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
    sleeps,
    advance: (ms: number) => {
      clock += ms;
    },
    service: (overrides: Partial<TicketServiceDependencies> = {}) =>
      createTicketService({ ...deps, ...overrides }),
  };
}

describe('syncCompanyTickets', () => {
  it('searches page by page until a short page, keeping the highest revision across pages', async () => {
    const rows = [
      ticket('A1', '0'),
      ticket('B2', '0'),
      ticket('C3', '0'),
      ticket('A1', '2'),
      ticket('B2', '1'),
    ];
    const { upstream, repository, service } = setup(rows);

    const result = await service().syncCompanyTickets('1', { now: NOW, pageSize: 2 });

    expect(upstream.log.filter((line) => line.startsWith('search'))).toEqual([
      'search 0',
      'search 2',
      'search 4',
    ]);
    expect(result).toMatchObject({ searched: 3, pages: 3, fetched: 3, inserted: 3, complete: true });
    expect(repository.rows.get('A1')?.record.revision).toBe(2);
    expect(repository.rows.get('B2')?.record.revision).toBe(1);
  });

  it('stops after the page that reaches the total, even when it is full', async () => {
    const { upstream, service } = setup([ticket('A1', '0'), ticket('B2', '0')]);
    await service().syncCompanyTickets('1', { now: NOW, pageSize: 2 });
    expect(upstream.log.filter((line) => line.startsWith('search'))).toEqual(['search 0']);
  });

  it('pages on when count reads like a total, and stops at the first empty page', async () => {
    const rows = [ticket('A1', '0'), ticket('B2', '0'), ticket('C3', '0')];
    const { upstream, service } = setup(rows);
    const tokens: TicketServiceDependencies['tokens'] = {
      makeAuthenticatedRequest: (companyId, request) =>
        upstream.tokens.makeAuthenticatedRequest(companyId, (api) =>
          request({
            ...api,
            searchTicketsPage: async (query) => {
              const page = await api.searchTicketsPage(query);
              return { tickets: page.tickets, count: 3 };
            },
          }),
        ),
    };

    const result = await service({ tokens }).syncCompanyTickets('1', { now: NOW, pageSize: 1 });

    expect(upstream.log.filter((line) => line.startsWith('search'))).toEqual([
      'search 0',
      'search 1',
      'search 2',
      'search 3',
    ]);
    expect(result).toMatchObject({ searched: 3, pages: 4, complete: true });
  });

  it('searches the last daysBack days up to now', async () => {
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
    // One search page, then detail + responses for each of the two tickets.
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
    expect(result).toMatchObject({ searched: 2, fetched: 1, skipped: 1, inserted: 1, complete: true });
    expect([...repository.rows.keys()]).toEqual(['B2']);
  });

  it('reports a second run over the same data as unchanged', async () => {
    const { service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    const second = await service().syncCompanyTickets('1', { now: NOW });
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, retired: 0, updatable: 0 });
  });

  it('counts a newer revision as updated', async () => {
    const { upstream, service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    upstream.rows.push(ticket('B2', '1'));
    upstream.details.set('B2', ticket('B2', '1', { street: 'N MAIN ST' }));
    const second = await service().syncCompanyTickets('1', { now: NOW });
    expect(second).toMatchObject({ updated: 1, unchanged: 1 });
  });

  it('waits out a rate limit and tries the call again', async () => {
    const { upstream, sleeps, service } = setup();
    upstream.failNext.push(new RateLimitExceededError('no slot', { retryAfterMs: 1500 }));
    const result = await service().syncCompanyTickets('1', { now: NOW });
    expect(sleeps).toEqual([1500]);
    expect(result).toMatchObject({ fetched: 2, complete: true });
  });

  it('retries an outage with backoff, then gives up after the attempt budget', async () => {
    const { upstream, sleeps, service } = setup();
    const outage = new UpstreamUnavailableError('status', 'Bluestakes answered 503', { status: 503 });
    upstream.failNext.push(outage, outage, outage, outage);
    await expect(service().syncCompanyTickets('1', { now: NOW })).rejects.toBe(outage);
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('does not retry what a retry cannot fix', async () => {
    const { upstream, sleeps, service } = setup();
    upstream.failNext.push(new CredentialsNotFoundError('1'));
    await expect(service().syncCompanyTickets('1', { now: NOW })).rejects.toBeInstanceOf(
      CredentialsNotFoundError,
    );
    upstream.failNext.push(new TokenRejectedError(403));
    await expect(service().syncCompanyTickets('1', { now: NOW })).rejects.toBeInstanceOf(TokenRejectedError);
    expect(sleeps).toEqual([]);
  });

  it('starts no new ticket after the deadline, says it is incomplete, and fetches missing tickets first next time', async () => {
    const rows = [ticket('A1', '0'), ticket('B2', '0'), ticket('C3', '0')];
    const { upstream, repository, service, advance } = setup(rows);
    const tokens: TicketServiceDependencies['tokens'] = {
      makeAuthenticatedRequest: async (companyId, request) => {
        advance(400);
        return upstream.tokens.makeAuthenticatedRequest(companyId, request);
      },
    };

    const first = await service({ tokens }).syncCompanyTickets('1', {
      now: NOW,
      deadline: NOW.getTime() + 1000,
    });
    expect(first).toMatchObject({ searched: 3, fetched: 1, complete: false });
    expect([...repository.rows.keys()]).toEqual(['A1']);

    upstream.log.length = 0;
    const second = await service().syncCompanyTickets('1', { now: NOW });
    expect(second).toMatchObject({ inserted: 2, unchanged: 1, complete: true });
    expect(upstream.log.filter((line) => line.startsWith('detail'))).toEqual([
      'detail B2',
      'detail C3',
      'detail A1',
    ]);
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
      location: 'S STATE ST, SANDY, SALT LAKE COUNTY',
    });
    expect(upstream.requests).toBe(0);
  });

  it('fetches and stores the detail when stale or unknown, keeping the stored responses', async () => {
    const { upstream, repository, service } = setup();
    await service().syncCompanyTickets('1', { now: NOW });
    upstream.log.length = 0;

    const location = await service().getTicketLocation('1', 'A1', { maxAgeSeconds: 0 });

    expect(location).toMatchObject({ ticket: 'A1', source: 'bluestakes', synced_at: NOW.toISOString() });
    expect(upstream.log).toEqual(['detail A1']);
    expect(repository.rows.get('A1')?.record.responses).toHaveLength(1);
  });

  it('lets a 404 from Bluestakes through', async () => {
    const { service } = setup();
    await expect(service().getTicketLocation('1', 'NOPE', { maxAgeSeconds: 60 })).rejects.toBeInstanceOf(
      UpstreamNotFoundError,
    );
  });
});

describe('enqueueTicketSyncs', () => {
  it('enqueues every company with credentials, or just the one asked for', async () => {
    const { repository, service } = setup();
    repository.companiesWithCredentials.push('5', '9');
    const sent: unknown[] = [];
    const queue = {
      enqueue: async (messages: readonly unknown[]) => {
        sent.push(...messages);
        return { enqueued: messages.length };
      },
    };

    await expect(service({ queue }).enqueueTicketSyncs({ daysBack: 14 })).resolves.toEqual({ enqueued: 3 });
    await expect(service({ queue }).enqueueTicketSyncs({ companyId: 7 })).resolves.toEqual({ enqueued: 1 });

    expect(sent).toEqual([
      { company_id: '1', days_back: 14 },
      { company_id: '5', days_back: 14 },
      { company_id: '9', days_back: 14 },
      { company_id: '7', days_back: 28 },
    ]);
  });

  it('sends nothing when no company has credentials', async () => {
    const { repository, service } = setup();
    repository.companiesWithCredentials.length = 0;
    let calls = 0;
    const queue = {
      enqueue: async () => {
        calls += 1;
        return { enqueued: 0 };
      },
    };
    await expect(service({ queue }).enqueueTicketSyncs({})).resolves.toEqual({ enqueued: 0 });
    expect(calls).toBe(0);
  });
});
