import { RateLimitExceededError } from '@bluestakes/token-manager';
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as getTicketLocation } from '../../../functions/get-ticket-location/handler';
import { handler as getTicketSync } from '../../../functions/get-ticket-sync/handler';
import { handler as listUpdatableTickets } from '../../../functions/list-updatable-tickets/handler';
import { handler as scheduleTicketSync } from '../../../functions/schedule-ticket-sync/handler';
import { handler as syncTickets } from '../../../functions/sync-tickets/handler';
import {
  SyncQueueError,
  setDefaultSyncJobStore,
  setDefaultSyncQueue,
  setDefaultTicketRepository,
  type TicketSyncMessage,
} from '../../../functions/tickets';
import { createLambdaContext } from '../../../local/api-gateway/lambda-context';
import { restApiEvent } from '../../../local/api-gateway/rest-api-event';
import { createFakeTokenManager } from '../functions/support/fake-token-manager';
import {
  captureOutput,
  expectDocumented,
  expectStandardHeaders,
  invoke,
} from '../functions/support/http-test-kit';
import { fakeSyncJobs } from './support/fake-sync-jobs';
import {
  type FakeBluestakes,
  type FakeRepository,
  fakeBluestakes,
  fakeRepository,
  ticket,
} from './support/fakes';

let upstream: FakeBluestakes;
let repository: FakeRepository;
let sent: TicketSyncMessage[];
let delays: number[];
let queueFailure: unknown;

beforeEach(() => {
  captureOutput();
  upstream = fakeBluestakes([ticket('A1', '0'), ticket('B2', '0')]);
  upstream.details.set(
    'A1',
    ticket('A1', '0', { st_from_address: '10', st_to_address: '10', cross1: 'E 1ST S' }),
  );
  upstream.details.set('B2', ticket('B2', '0'));
  repository = fakeRepository(['1', '2']);
  sent = [];
  delays = [];
  queueFailure = undefined;
  setDefaultTokenManager({ ...createFakeTokenManager().manager, ...upstream.tokens });
  setDefaultTicketRepository(repository);
  setDefaultSyncJobStore(fakeSyncJobs(repository, Date.now));
  setDefaultSyncQueue({
    async enqueue(messages, options = {}) {
      if (queueFailure !== undefined) throw queueFailure;
      sent.push(...messages);
      delays.push(...messages.map(() => options.delayMs ?? 0));
      return { enqueued: messages.length };
    },
  });
});

afterEach(() => {
  setDefaultTokenManager(undefined);
  setDefaultTicketRepository(undefined);
  setDefaultSyncJobStore(undefined);
  setDefaultSyncQueue(undefined);
});

const syncEvent = (body?: unknown, headers?: Record<string, string>) =>
  restApiEvent({
    method: 'POST',
    resource: '/tickets/sync',
    body,
    ...(headers === undefined ? {} : { headers }),
  });
const locationEvent = (ticketNumber: string, query?: Record<string, string>) =>
  restApiEvent({
    method: 'GET',
    resource: '/tickets/{ticket}/location',
    pathParameters: { ticket: ticketNumber },
    ...(query === undefined ? {} : { query }),
  });
const updatableEvent = (query?: Record<string, string>) =>
  restApiEvent({ method: 'GET', resource: '/tickets/updatable', ...(query === undefined ? {} : { query }) });

function expectNothingCalled(): void {
  expect(upstream.requests).toBe(0);
  expect(repository.calls).toEqual([]);
  expect(sent).toEqual([]);
}

describe('POST /tickets/sync input', () => {
  it.each([
    [{ company_id: 0 }, 'company_id'],
    [{ company_id: -1 }, 'company_id'],
    [{ company_id: 2.5 }, 'company_id'],
    [{ company_id: '1e3' }, 'company_id'],
    [{ company_id: '99999999999999999999' }, 'company_id'],
    [{ company_id: true }, 'company_id'],
    [{ company_id: null }, 'company_id'],
    [{ days_back: 0 }, 'days_back'],
    [{ days_back: 366 }, 'days_back'],
    [{ days_back: 7.5 }, 'days_back'],
    [{ days_back: '7' }, 'days_back'],
    [{ company_id: 1, extra: 1 }, 'extra'],
    [[], 'body'],
    ['"sync"', 'body'],
  ])('refuses %j with 400 naming %s, before any call', async (body, field) => {
    const result = await invoke(
      syncTickets,
      syncEvent(typeof body === 'string' ? body : body, { 'Content-Type': 'application/json' }),
    );

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT', field } });
    expectDocumented('POST', '/tickets/sync', result);
    expectStandardHeaders(result);
    expectNothingCalled();
  });

  it('refuses a body that is not JSON, or not sent as JSON', async () => {
    const invalid = await invoke(syncTickets, syncEvent('{', { 'Content-Type': 'application/json' }));
    expect(invalid.body).toMatchObject({ error: { code: 'INVALID_JSON' } });
    const plain = await invoke(syncTickets, syncEvent('{}', { 'Content-Type': 'text/plain' }));
    expect(plain.statusCode).toBe(415);
    expectNothingCalled();
  });

  it('without a body, enqueues one sync per company with credentials and answers 202', async () => {
    const result = await invoke(syncTickets, syncEvent());

    expect(result.statusCode).toBe(202);
    expect(result.body).toEqual({ success: true, enqueued: 2, joined: 0 });
    expectDocumented('POST', '/tickets/sync', result);
    expect(sent).toEqual([
      { company_id: '1', days_back: 28 },
      { company_id: '2', days_back: 28 },
    ]);
    expect(upstream.requests).toBe(0);
  });

  it('passes days_back on to every enqueued sync', async () => {
    await invoke(syncTickets, syncEvent({ days_back: 3 }));
    expect(sent.map((message) => message.days_back)).toEqual([3, 3]);
  });

  it('with a company_id (number or text), syncs it inline and answers 200 with the counts', async () => {
    for (const companyId of [1, '1']) {
      const result = await invoke(syncTickets, syncEvent({ company_id: companyId, days_back: 14 }));
      expect(result.statusCode).toBe(200);
      expectDocumented('POST', '/tickets/sync', result);
      expect(result.body).toMatchObject({
        success: true,
        company_id: '1',
        state: 'done',
        tickets_found: 2,
        tickets_remaining: 0,
        complete: true,
      });
    }
    expect(sent).toEqual([]);
  });

  it('refuses a company_id with whitespace with 400 naming it, as on the path and query', async () => {
    for (const companyId of [' 1 ', '1\n']) {
      const result = await invoke(syncTickets, syncEvent({ company_id: companyId }));
      expect(result.statusCode).toBe(400);
      expect(result.body).toMatchObject({
        success: false,
        error: { code: 'INVALID_INPUT', field: 'company_id' },
      });
    }
    expect(upstream.requests).toBe(0);
  });

  it('answers 202 with the progress and a Location to poll when the budget is busy, never 429', async () => {
    upstream.failNext.push(new RateLimitExceededError('no slot', { retryAfterMs: 60_000 }));

    const result = await invoke(syncTickets, syncEvent({ company_id: 1 }));

    expect(result.statusCode).toBe(202);
    expectDocumented('POST', '/tickets/sync', result);
    expect(result.headers.location).toBe('/tickets/sync/1');
    expect(result.body).toMatchObject({ success: true, company_id: '1', state: 'waiting', complete: false });
    // The job's own continuation, due when the next slot is.
    expect(sent).toMatchObject([{ company_id: '1', days_back: 28, wake: expect.any(String) }]);
    expect(delays).toEqual([60_000]);

    const again = await invoke(syncTickets, syncEvent({ company_id: 1 }));
    expect(again.statusCode).toBe(202);
    expect(sent).toHaveLength(1);
  });

  it('answers a queue failure with a 503 and Retry-After that names no internals', async () => {
    queueFailure = new SyncQueueError('SQS refused 2 of 2 sync messages (last: KMS.AccessDenied)', {
      failed: 2,
    });
    const result = await invoke(syncTickets, syncEvent());
    expect(result.statusCode).toBe(503);
    expect(result.body).toMatchObject({ error: { code: 'QUEUE_UNAVAILABLE' } });
    expect(result.headers?.['Retry-After'] ?? result.headers?.['retry-after']).toBe('10');
    expect(result.rawBody).not.toContain('KMS');
  });
});

describe('GET /tickets/sync/{company_id}', () => {
  const statusEvent = (companyId: string) =>
    restApiEvent({
      method: 'GET',
      resource: '/tickets/sync/{company_id}',
      pathParameters: { company_id: companyId },
    });

  it("answers the company's job: state and progress", async () => {
    await invoke(syncTickets, syncEvent({ company_id: 1 }));

    const result = await invoke(getTicketSync, statusEvent('1'));

    expect(result.statusCode).toBe(200);
    expectDocumented('GET', '/tickets/sync/{company_id}', result);
    expect(result.body).toMatchObject({
      success: true,
      company_id: '1',
      state: 'done',
      complete: true,
      tickets_found: 2,
      tickets_stored: 2,
      tickets_remaining: 0,
      upstream_calls: 5,
      next_run_at: null,
      last_error: null,
    });
  });

  it('answers 404 for a company that never had a sync, 400 for a bad id', async () => {
    const missing = await invoke(getTicketSync, statusEvent('2'));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'SYNC_NOT_FOUND' } });
    expectDocumented('GET', '/tickets/sync/{company_id}', missing);
    const bad = await invoke(getTicketSync, statusEvent('x'));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'company_id' } });
  });
});

describe('GET /tickets/{ticket}/location input', () => {
  it.each([
    ['A1', undefined, 'company_id', 'The company_id query parameter is required'],
    ['A1', { company_id: '' }, 'company_id', 'The company_id query parameter is required'],
    ['A1', { company_id: 'one' }, 'company_id', 'company_id must be a positive integer'],
    ['A1', { company_id: '0' }, 'company_id', undefined],
    ['A 1', { company_id: '1' }, 'ticket', 'ticket must be 1 to 32 letters, digits or dashes'],
    ['../x', { company_id: '1' }, 'ticket', undefined],
    ['', { company_id: '1' }, 'ticket', undefined],
    ['A'.repeat(33), { company_id: '1' }, 'ticket', undefined],
  ])('refuses ticket %j with %j as a 400 naming %s', async (ticketNumber, query, field, message) => {
    const result = await invoke(getTicketLocation, locationEvent(ticketNumber, query));

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({
      error: { code: 'INVALID_INPUT', field, ...(message ? { message } : {}) },
    });
    expectDocumented('GET', '/tickets/{ticket}/location', result);
    expectNothingCalled();
  });

  it('answers with the formatted location and work area, the number trimmed and upper-cased', async () => {
    const result = await invoke(getTicketLocation, locationEvent(' a1 ', { company_id: '1' }));

    expect(result.statusCode).toBe(200);
    expectDocumented('GET', '/tickets/{ticket}/location', result);
    expect(result.body).toMatchObject({
      success: true,
      company_id: '1',
      ticket: 'A1',
      location: '10 S STATE ST at E 1ST S, SANDY, SALT LAKE COUNTY',
      source: 'bluestakes',
      stale: false,
      work_area: null,
    });
  });

  it('answers 404 when Bluestakes does not know the ticket', async () => {
    const result = await invoke(getTicketLocation, locationEvent('C9', { company_id: '1' }));
    expect(result.statusCode).toBe(404);
    expect(result.body).toMatchObject({ error: { code: 'UPSTREAM_NOT_FOUND' } });
    expectDocumented('GET', '/tickets/{ticket}/location', result);
  });
});

describe('GET /tickets/updatable', () => {
  it.each([
    [undefined, 'The company_id query parameter is required'],
    [{ company_id: '-4' }, 'company_id must be a positive integer'],
    [{ company_id: '12345678901234567890' }, undefined],
  ])('refuses %j with a 400', async (query, message) => {
    const result = await invoke(listUpdatableTickets, updatableEvent(query));
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({
      error: { code: 'INVALID_INPUT', field: 'company_id', ...(message ? { message } : {}) },
    });
    expectNothingCalled();
  });

  it('answers 404 for an unknown company', async () => {
    const result = await invoke(listUpdatableTickets, updatableEvent({ company_id: '77' }));
    expect(result.statusCode).toBe(404);
    expect(result.body).toMatchObject({ error: { code: 'COMPANY_NOT_FOUND' } });
  });

  it("lists the company's updateable tickets with their location", async () => {
    upstream.updatable.add('A1');
    const day = 86_400_000;
    upstream.details.set(
      'A1',
      ticket('A1', '0', {
        replace_by_date: new Date(Date.now() + day).toISOString(),
        expires: new Date(Date.now() + 8 * day).toISOString(),
      }),
    );
    await invoke(syncTickets, syncEvent({ company_id: 1 }));

    const result = await invoke(listUpdatableTickets, updatableEvent({ company_id: '1' }));

    expect(result.statusCode).toBe(200);
    expectDocumented('GET', '/tickets/updatable', result);
    expect(result.body).toMatchObject({
      success: true,
      company_id: '1',
      count: 1,
      tickets: [{ ticket: 'A1', location: 'S STATE ST, SANDY, SALT LAKE COUNTY', is_continue_update: true }],
    });
  });
});

describe('the scheduled ticket sync', () => {
  const event: ScheduledEvent = {
    version: '0',
    id: 'c3b7e3f2-1111-2222-3333-444455556666',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2025-06-01T06:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/ticket-sync'],
    detail: {},
  };

  it('enqueues every company with credentials, logs and counts it', async () => {
    const output = captureOutput();
    const result = await scheduleTicketSync(event, createLambdaContext());

    expect(result).toEqual({ enqueued: 2, joined: 0 });
    expect(sent).toEqual([
      { company_id: '1', days_back: 28 },
      { company_id: '2', days_back: 28 },
    ]);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({
        message: 'Scheduled ticket syncs enqueued',
        enqueued: 2,
        scheduled_at: event.time,
      }),
    );
    expect(output.text()).toContain('"TicketSyncsEnqueued":2');
  });

  it('fails the run when the queue fails, so it shows as a Lambda error', async () => {
    captureOutput();
    queueFailure = new SyncQueueError('refused', { failed: 2 });
    await expect(scheduleTicketSync(event, createLambdaContext())).rejects.toBeInstanceOf(SyncQueueError);
  });
});
