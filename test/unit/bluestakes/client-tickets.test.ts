import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidInputError,
  TokenRejectedError,
  UpstreamBadResponseError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '../../../functions/layers/token-manager/src/errors';
import { type MockUpstream, mockUpstream, rejectionOf } from './mock-upstream';

const TOKEN = 'tok-abc.def-123';
const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);

let upstream: MockUpstream;

afterEach(async () => {
  await upstream.close();
});

describe('getTicket', () => {
  it('sends a bearer GET for the trimmed ticket number and keeps fields nobody documented', async () => {
    upstream = mockUpstream();
    upstream.pool
      .intercept({ path: '/api/tickets/A253140123', method: 'GET' })
      .reply(200, { ticket: ' A253140123 ', revision: '1', cross1: ' ', brand_new_field: { x: 1 } });

    const ticket = await upstream.client.getTicket(TOKEN, '  A253140123 ');

    expect(ticket).toEqual({ ticket: 'A253140123', revision: '1', cross1: ' ', brand_new_field: { x: 1 } });
    const [call] = upstream.calls();
    expect(call?.method).toBe('GET');
    expect(call?.headers).toEqual({ authorization: `Bearer ${TOKEN}`, accept: 'application/json' });
    expect(call?.searchParams).toEqual({});
  });

  it('asks for a given revision and does not double a Bearer prefix the caller already added', async () => {
    upstream = mockUpstream();
    upstream.pool
      .intercept({ path: '/api/tickets/A1?revision=2', method: 'GET' })
      .reply(200, { ticket: 'A1', revision: 2 });

    const ticket = await upstream.client.getTicket(`Bearer ${TOKEN}`, 'A1', { revision: ' 2 ' });

    expect(ticket.revision).toBe('2');
    expect(upstream.calls()[0]?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}` });
  });

  it('refuses unsafe ticket numbers, revisions and tokens without sending anything', async () => {
    const beforeRequest = vi.fn(async () => {});
    upstream = mockUpstream({ beforeRequest });
    for (const ticketNumber of ['', '   ', '../admin', 'A/B', 'A.1', 'A 1', 'A%2F', 'x'.repeat(41)]) {
      const error = await rejectionOf(upstream.client.getTicket(TOKEN, ticketNumber));
      expect(error, ticketNumber).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field: 'ticketNumber' });
    }
    await expect(upstream.client.getTicket(TOKEN, 'A1', { revision: '1&x=2' })).rejects.toMatchObject({
      field: 'revision',
    });
    for (const token of ['', 'Bearer ', 'two words', 'line\nbreak']) {
      const error = await rejectionOf(upstream.client.getTicket(token, 'A1'));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field: 'token' });
    }
    expect(upstream.calls()).toHaveLength(0);
    expect(beforeRequest).not.toHaveBeenCalled();
  });

  it('maps 401 and 403 to a rejected token with that status, never quoting the token', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept({ path: '/api/tickets/A1', method: 'GET' }).reply(401, `token ${TOKEN} expired`);
    upstream.pool.intercept({ path: '/api/tickets/A1', method: 'GET' }).reply(403, 'not your ticket');

    const expired = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));
    const forbidden = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));

    expect(expired).toBeInstanceOf(TokenRejectedError);
    expect(expired).toMatchObject({ status: 401 });
    expect(forbidden).toMatchObject({ status: 403 });
    const cause = (expired as Error).cause as Error;
    expect(cause.message).toContain('expired');
    expect(`${(expired as Error).message} ${cause.message}`).not.toContain(TOKEN);
  });

  it('maps 404 to not found', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept({ path: '/api/tickets/A9', method: 'GET' }).reply(404, { message: 'not found' });

    await expect(upstream.client.getTicket(TOKEN, 'A9')).rejects.toBeInstanceOf(UpstreamNotFoundError);
  });

  it('reads Retry-After from a 429 as seconds or as a date, and leaves it undefined when absent', async () => {
    upstream = mockUpstream({ now: () => NOW });
    const path = { path: '/api/tickets/A1', method: 'GET' } as const;
    upstream.pool.intercept(path).reply(429, '', { headers: { 'retry-after': '3' } });
    upstream.pool
      .intercept(path)
      .reply(429, '', { headers: { 'retry-after': new Date(NOW + 45_000).toUTCString() } });
    upstream.pool.intercept(path).reply(429, 'Too Many Requests');

    const seconds = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));
    const date = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));
    const none = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));

    expect(seconds).toBeInstanceOf(UpstreamRateLimitedError);
    expect(seconds).toMatchObject({ retryAfterMs: 3_000 });
    expect(date).toMatchObject({ retryAfterMs: 45_000 });
    expect(none).toBeInstanceOf(UpstreamRateLimitedError);
    expect((none as UpstreamRateLimitedError).retryAfterMs).toBeUndefined();
  });

  it('maps 5xx to an unavailable upstream with the status, and other statuses to a bad response', async () => {
    upstream = mockUpstream();
    const path = { path: '/api/tickets/A1', method: 'GET' } as const;
    upstream.pool.intercept(path).reply(502, '<html>Bad Gateway</html>');
    upstream.pool.intercept(path).reply(418, 'teapot');
    upstream.pool.intercept(path).reply(302, '', { headers: { location: '/login' } });

    const gateway = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));
    const teapot = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));
    const redirect = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));

    expect(gateway).toBeInstanceOf(UpstreamUnavailableError);
    expect(gateway).toMatchObject({ kind: 'status', status: 502 });
    expect((gateway as Error).message).toContain('Bad Gateway');
    expect(teapot).toBeInstanceOf(UpstreamBadResponseError);
    expect(teapot).toMatchObject({ status: 418 });
    expect(redirect).toMatchObject({ status: 302 });
  });

  it('quotes at most about 200 characters of an upstream body, with the token redacted', async () => {
    upstream = mockUpstream();
    upstream.pool
      .intercept({ path: '/api/tickets/A1', method: 'GET' })
      .reply(500, `oops Bearer ${TOKEN} raw ${TOKEN} ${'z'.repeat(5000)}`);

    const error = (await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'))) as Error;

    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[REDACTED]');
    expect(error.message.length).toBeLessThan(300);
  });

  it('rejects a 200 that is not JSON or not a ticket', async () => {
    upstream = mockUpstream();
    const path = { path: '/api/tickets/A1', method: 'GET' } as const;
    upstream.pool.intercept(path).reply(200, '<html>maintenance</html>');
    upstream.pool.intercept(path).reply(200, [{ ticket: 'A1' }]);
    upstream.pool.intercept(path).reply(200, { revision: '1' });

    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await rejectionOf(upstream.client.getTicket(TOKEN, 'A1'));
      expect(error).toBeInstanceOf(UpstreamBadResponseError);
      expect(error).toMatchObject({ status: 200 });
    }
  });

  it('calls beforeRequest with the operation and the caller context', async () => {
    const beforeRequest = vi.fn(async () => {});
    upstream = mockUpstream({ beforeRequest });
    upstream.pool
      .intercept({ path: '/api/tickets/A1', method: 'GET' })
      .reply(200, { ticket: 'A1', revision: '0' });
    const context = { rateLimitKey: 'account:bob' };

    await upstream.client.getTicket(TOKEN, 'A1', {}, context);

    expect(beforeRequest).toHaveBeenCalledExactlyOnceWith({ operation: 'getTicket', context });
  });
});

describe('getTicketResponses', () => {
  const responses = [
    { member_id: 7, ticket: 'A1', revision: '0', response: '10', name: 'Gas Co' },
    { member_id: 8, ticket: 'A1', revision: '0', response: '20', mbdescription: 'Water' },
  ];

  it('reads {responses: [...]} from the responses path', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept({ path: '/api/tickets/A1/responses', method: 'GET' }).reply(200, { responses });

    await expect(upstream.client.getTicketResponses(TOKEN, ' A1 ')).resolves.toEqual(responses);
    expect(upstream.calls()[0]?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}` });
  });

  it('reads an array whose first element holds the responses, and an empty array', async () => {
    upstream = mockUpstream();
    const path = { path: '/api/tickets/A1/responses', method: 'GET' } as const;
    upstream.pool.intercept(path).reply(200, [{ ticket: 'A1', responses }]);
    upstream.pool.intercept(path).reply(200, []);

    await expect(upstream.client.getTicketResponses(TOKEN, 'A1')).resolves.toEqual(responses);
    await expect(upstream.client.getTicketResponses(TOKEN, 'A1')).resolves.toEqual([]);
  });

  it('rejects other shapes and maps 404 to not found', async () => {
    upstream = mockUpstream();
    const path = { path: '/api/tickets/A1/responses', method: 'GET' } as const;
    upstream.pool.intercept(path).reply(200, { data: responses });
    upstream.pool.intercept(path).reply(200, { responses: ['x'] });
    upstream.pool.intercept(path).reply(404, { message: 'ticket not found or no responses' });

    await expect(upstream.client.getTicketResponses(TOKEN, 'A1')).rejects.toBeInstanceOf(
      UpstreamBadResponseError,
    );
    await expect(upstream.client.getTicketResponses(TOKEN, 'A1')).rejects.toBeInstanceOf(
      UpstreamBadResponseError,
    );
    await expect(upstream.client.getTicketResponses(TOKEN, 'A1')).rejects.toBeInstanceOf(
      UpstreamNotFoundError,
    );
  });
});

describe('getSecondaryFunctions', () => {
  it('reads the six flags from the secondary-functions path', async () => {
    upstream = mockUpstream();
    const body = {
      ticket: 'A1',
      revision: '1',
      cancel: true,
      comment: true,
      remark: true,
      retransmit: true,
      secondNotice: false,
      update: true,
    };
    upstream.pool.intercept({ path: '/api/tickets/A1/secondary-functions', method: 'GET' }).reply(200, body);

    await expect(upstream.client.getSecondaryFunctions(TOKEN, 'A1')).resolves.toEqual(body);
  });

  it('reads a missing flag as not allowed but rejects a flag of the wrong type', async () => {
    upstream = mockUpstream();
    const path = { path: '/api/tickets/A1/secondary-functions', method: 'GET' } as const;
    upstream.pool.intercept(path).reply(200, { ticket: 'A1', revision: 0, cancel: true });
    upstream.pool.intercept(path).reply(200, { ticket: 'A1', revision: '0', update: 'yes' });

    await expect(upstream.client.getSecondaryFunctions(TOKEN, 'A1')).resolves.toEqual({
      ticket: 'A1',
      revision: '0',
      cancel: true,
      comment: false,
      remark: false,
      retransmit: false,
      secondNotice: false,
      update: false,
    });
    await expect(upstream.client.getSecondaryFunctions(TOKEN, 'A1')).rejects.toBeInstanceOf(
      UpstreamBadResponseError,
    );
  });

  it('maps 404 to not found, leaving the "not updatable" reading to the caller', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept({ path: '/api/tickets/A1/secondary-functions', method: 'GET' }).reply(404, '');

    await expect(upstream.client.getSecondaryFunctions(TOKEN, 'A1')).rejects.toBeInstanceOf(
      UpstreamNotFoundError,
    );
  });
});
