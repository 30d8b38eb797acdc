import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidInputError,
  UpstreamBadResponseError,
} from '../../../functions/layers/token-manager/src/errors';
import { type MockUpstream, mockUpstream } from './mock-upstream';

const TOKEN = 'tok-search';
const WINDOW = { start: '2025-05-05', end: '2025-06-02' };
const SEARCH = { path: (path: string) => path.startsWith('/api/tickets/search?'), method: 'GET' } as const;

let upstream: MockUpstream;

afterEach(async () => {
  await upstream.close();
});

function rows(...specs: [string, string][]) {
  return specs.map(([ticket, revision]) => ({ ticket, revision }));
}

describe('searchTickets', () => {
  it('sends one bearer GET with the window as MM/DD/YYYY and no offset when the first page is short', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(SEARCH).reply(200, { count: 1, total: 1, data: rows(['A1', '0']) });

    const tickets = await upstream.client.searchTickets(TOKEN, WINDOW);

    expect(tickets).toEqual(rows(['A1', '0']));
    const calls = upstream.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe('/api/tickets/search');
    expect(calls[0]?.searchParams).toEqual({ limit: '100', start: '05/05/2025', end: '06/02/2025' });
    expect(calls[0]?.headers).toEqual({ authorization: `Bearer ${TOKEN}`, accept: 'application/json' });
  });

  it('sends state, county and sort only when given, and YYYY-MM-DD when configured', async () => {
    upstream = mockUpstream({ searchDateFormat: 'YYYY-MM-DD' });
    upstream.pool.intercept(SEARCH).reply(200, { data: [] });

    await upstream.client.searchTickets(TOKEN, { ...WINDOW, state: 'UT', county: 'Utah', sort: '' });

    expect(upstream.calls()[0]?.searchParams).toEqual({
      limit: '100',
      start: '2025-05-05',
      end: '2025-06-02',
      state: 'UT',
      county: 'Utah',
    });
  });

  it('pages by offset until a short page and keeps the highest revision of each ticket', async () => {
    upstream = mockUpstream({ searchPageSize: 2 });
    upstream.pool.intercept(SEARCH).reply(200, { data: rows(['A1', '0'], ['B1', '0']) });
    upstream.pool.intercept(SEARCH).reply(200, [{ data: rows(['A1', '1'], ['C1', '3']) }]);
    upstream.pool.intercept(SEARCH).reply(200, rows([' B1 ', '2']));

    const tickets = await upstream.client.searchTickets(TOKEN, WINDOW);

    expect(tickets).toEqual(rows(['A1', '1'], ['B1', '2'], ['C1', '3']));
    expect(upstream.calls().map((call) => [call.searchParams.offset, call.searchParams.limit])).toEqual([
      [undefined, '2'],
      ['2', '2'],
      ['4', '2'],
    ]);
  });

  it('asks for one more page after a full one, and stops at an empty page', async () => {
    upstream = mockUpstream({ searchPageSize: 2 });
    upstream.pool.intercept(SEARCH).reply(200, { data: rows(['A1', '0'], ['B1', '0']) });
    upstream.pool.intercept(SEARCH).reply(200, { data: [] });

    await expect(upstream.client.searchTickets(TOKEN, WINDOW)).resolves.toHaveLength(2);
    expect(upstream.calls()).toHaveLength(2);
  });

  it('counts dropped rows toward a full page, so an unusable row does not end the search early', async () => {
    upstream = mockUpstream({ searchPageSize: 2 });
    upstream.pool.intercept(SEARCH).reply(200, { data: [{ ticket: '' }, { ticket: 'A1', revision: '0' }] });
    upstream.pool.intercept(SEARCH).reply(200, { data: rows(['B1', '0']) });

    await expect(upstream.client.searchTickets(TOKEN, WINDOW)).resolves.toEqual(
      rows(['A1', '0'], ['B1', '0']),
    );
    expect(upstream.calls()).toHaveLength(2);
  });

  it('stops after maxSearchPages when the upstream never sends a short page', async () => {
    upstream = mockUpstream({ searchPageSize: 1, maxSearchPages: 3 });
    upstream.pool
      .intercept(SEARCH)
      .reply(200, { data: rows(['A1', '0']) })
      .times(3);

    await expect(upstream.client.searchTickets(TOKEN, WINDOW)).resolves.toEqual(rows(['A1', '0']));
    expect(upstream.calls()).toHaveLength(3);
  });

  it('uses the query limit as the page size when given', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(SEARCH).reply(200, { data: [] });

    await upstream.client.searchTickets(TOKEN, { ...WINDOW, limit: 25 });

    expect(upstream.calls()[0]?.searchParams.limit).toBe('25');
  });

  it('asks beforeRequest once per page', async () => {
    const beforeRequest = vi.fn(async () => {});
    upstream = mockUpstream({ searchPageSize: 1, beforeRequest });
    upstream.pool.intercept(SEARCH).reply(200, { data: rows(['A1', '0']) });
    upstream.pool.intercept(SEARCH).reply(200, { data: [] });
    const context = { rateLimitKey: 'account:bob' };

    await upstream.client.searchTickets(TOKEN, WINDOW, context);

    expect(beforeRequest).toHaveBeenCalledTimes(2);
    expect(beforeRequest).toHaveBeenNthCalledWith(2, { operation: 'searchTickets', context });
  });

  it('refuses a bad window or page size before any request', async () => {
    upstream = mockUpstream();

    await expect(
      upstream.client.searchTickets(TOKEN, { start: '2025-06-03', end: '2025-06-02' }),
    ).rejects.toThrow(InvalidInputError);
    await expect(upstream.client.searchTickets(TOKEN, { ...WINDOW, limit: 0 })).rejects.toThrow(
      InvalidInputError,
    );
    expect(upstream.calls()).toHaveLength(0);
  });

  it('treats a 404 or an unknown body shape as a bad response', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(SEARCH).reply(404, 'no such route');
    upstream.pool.intercept(SEARCH).reply(200, { results: [] });

    await expect(upstream.client.searchTickets(TOKEN, WINDOW)).rejects.toMatchObject({
      name: 'UpstreamBadResponseError',
      status: 404,
    });
    await expect(upstream.client.searchTickets(TOKEN, WINDOW)).rejects.toBeInstanceOf(
      UpstreamBadResponseError,
    );
  });
});

describe('searchTicketsPage', () => {
  it('fetches one page at the given offset and returns rows as sent with count and total', async () => {
    upstream = mockUpstream();
    upstream.pool
      .intercept(SEARCH)
      .reply(200, [{ count: 2, total: 12, data: rows(['A1', '0'], ['A1', '1']) }]);

    const page = await upstream.client.searchTicketsPage(TOKEN, { ...WINDOW, offset: 10, limit: 10 });

    expect(page).toEqual({ tickets: rows(['A1', '0'], ['A1', '1']), count: 2, total: 12 });
    expect(upstream.calls()[0]?.searchParams).toMatchObject({ offset: '10', limit: '10' });
  });

  it('leaves count and total out when the upstream sends a plain array', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(SEARCH).reply(200, rows(['A1', '0']));

    await expect(
      upstream.client.searchTicketsPage(TOKEN, { ...WINDOW, offset: 0, limit: 10 }),
    ).resolves.toEqual({
      tickets: rows(['A1', '0']),
    });
    expect(upstream.calls()[0]?.searchParams).not.toHaveProperty('offset');
  });

  it('refuses a negative offset', async () => {
    upstream = mockUpstream();

    await expect(
      upstream.client.searchTicketsPage(TOKEN, { ...WINDOW, offset: -1, limit: 10 }),
    ).rejects.toMatchObject({ field: 'offset' });
  });
});
