import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as processTicketSync } from '../../../functions/process-ticket-sync/handler';
import type { InMemorySyncQueue } from '../../../functions/tickets';
import type { LocalApiGateway } from '../../../local/api-gateway';
import { createLambdaContext } from '../../../local/api-gateway/lambda-context';
import { serveTicketRoutes, type TicketRoutes } from '../../support/ticket-routes';
import {
  latestSimulatorRows,
  sqsEvent,
  startTicketsHarness,
  type TicketsHarness,
} from '../../support/tickets-harness';
import { captureOutput } from '../../unit/functions/support/http-test-kit';
import { loadOpenApi } from '../../unit/functions/support/openapi';

const API_KEY = 'tickets-route-test-key-0123456789';
// Whether a 12-ticket sync fits the request is a matter of machine speed: the longest inline run the
// service allows, behind functions and a gateway that wait long enough for it, fits on a loaded one.
// Read once by the ticket handlers, on their first request.
process.env.TICKET_SYNC_HTTP_BUDGET_MS = '28000';
const FUNCTION_TIMEOUT_MS = 120_000;
const openApi = loadOpenApi();
let h: TicketsHarness;
let routes: TicketRoutes;
let gateway: LocalApiGateway;
let queue: InMemorySyncQueue;
/** What the queue's worker did, in order: `ok <body>` or `failed <body>`. */
const deliveries: string[] = [];

beforeAll(async () => {
  h = await startTicketsHarness({
    accounts: [
      { username: 'route-co', tickets: 12 },
      { username: 'fanout-co', tickets: 3 },
    ],
  });
  routes = await serveTicketRoutes(h, {
    // The SQS queue, its event source and DLQ, in process: the real worker handler gets each message.
    queue: {
      concurrency: 1,
      maxAttempts: 3,
      retryDelayMs: 20,
      worker: async (body) => {
        const event = sqsEvent([{ messageId: randomUUID(), body }]);
        const { batchItemFailures } = await processTicketSync(event, createLambdaContext());
        deliveries.push(`${batchItemFailures.length === 0 ? 'ok' : 'failed'} ${body}`);
        if (batchItemFailures.length > 0) throw new Error('reported as failed');
      },
    },
    gateway: {
      apiKey: API_KEY,
      host: '127.0.0.1',
      port: 0,
      lambdaTimeoutMs: FUNCTION_TIMEOUT_MS,
      integrationTimeoutMs: FUNCTION_TIMEOUT_MS,
    },
  });
  ({ gateway, queue } = routes);
});

afterAll(async () => {
  await routes?.close();
  await h?.close();
});

beforeEach(() => {
  captureOutput();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(
  method: string,
  path: string,
  init: { body?: string; contentType?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'x-api-key': API_KEY };
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(FUNCTION_TIMEOUT_MS),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function expectDocumented(method: string, resource: string, answer: Answer): void {
  const schema = openApi.responseSchema(method, resource, answer.status);
  expect(openApi.validate(answer.body, schema)).toEqual([]);
}

describe('bad input on the ticket routes', () => {
  it.each([
    ['POST', '/tickets/sync', '{"company_id": 0}', 'company_id'],
    ['POST', '/tickets/sync', '{"company_id": -3}', 'company_id'],
    ['POST', '/tickets/sync', '{"company_id": "12a"}', 'company_id'],
    ['POST', '/tickets/sync', '{"company_id": 1.5}', 'company_id'],
    ['POST', '/tickets/sync', '{"days_back": 0}', 'days_back'],
    ['POST', '/tickets/sync', '{"days_back": 366}', 'days_back'],
    ['POST', '/tickets/sync', '{"days_back": "7"}', 'days_back'],
    ['POST', '/tickets/sync', '{"company_id": 1, "force": true}', 'force'],
    ['POST', '/tickets/sync', '[1]', 'body'],
    ['GET', '/tickets/A253140123/location', undefined, 'company_id'],
    ['GET', '/tickets/A253140123/location?company_id=abc', undefined, 'company_id'],
    ['GET', '/tickets/A253140123/location?company_id=0', undefined, 'company_id'],
    ['GET', '/tickets/A_1/location?company_id=1', undefined, 'ticket'],
    ['GET', `/tickets/${'A'.repeat(33)}/location?company_id=1`, undefined, 'ticket'],
    ['GET', '/tickets/%20/location?company_id=1', undefined, 'ticket'],
    ['GET', '/tickets/updatable', undefined, 'company_id'],
    ['GET', '/tickets/updatable?company_id=-1', undefined, 'company_id'],
  ] as const)(
    '%s %s %s is a 400 naming %s, and nothing reaches Bluestakes',
    async (method, path, body, field) => {
      const before = h.base.simulator.stats().totalRequests;
      const answer = await call(method, path, body === undefined ? {} : { body });

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT', field } });
      expectDocumented(
        method,
        path.startsWith('/tickets/updatable')
          ? '/tickets/updatable'
          : path === '/tickets/sync'
            ? path
            : '/tickets/{ticket}/location',
        answer,
      );
      expect(h.base.simulator.stats().totalRequests).toBe(before);
    },
  );

  it('says which query parameter is missing', async () => {
    const answer = await call('GET', '/tickets/updatable');
    expect(answer.body).toMatchObject({
      error: { message: 'The company_id query parameter is required' },
    });
  });

  it.each([
    ['not JSON', '{"company_id":', 'application/json', 400, 'INVALID_JSON'],
    ['not sent as JSON', '{"company_id": 1}', 'text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses a body that is %s', async (_name, body, contentType, status, code) => {
    const answer = await call('POST', '/tickets/sync', { body, contentType });
    expect(answer).toMatchObject({ status, body: { success: false, error: { code } } });
  });

  it('answers 404 for a company that does not exist', async () => {
    const sync = await call('POST', '/tickets/sync', { body: '{"company_id": 999}' });
    expect(sync).toMatchObject({ status: 404, body: { error: { code: 'COMPANY_NOT_FOUND' } } });
    const updatable = await call('GET', '/tickets/updatable?company_id=999');
    expect(updatable).toMatchObject({ status: 404, body: { error: { code: 'COMPANY_NOT_FOUND' } } });
    expectDocumented('GET', '/tickets/updatable', updatable);
  });
});

describe('POST /tickets/sync with a company_id', () => {
  it('runs its sync job inline and answers 200 with the result when it fits the request time', async () => {
    const company = h.companyByUsername('route-co');
    const answer = await call('POST', '/tickets/sync', {
      body: JSON.stringify({ company_id: Number(company.id), days_back: 90 }),
    });

    const expected = latestSimulatorRows(h.simulatorTickets(company)).size;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      success: true,
      company_id: company.id,
      state: 'done',
      tickets_found: expected,
      tickets_stored: expected,
      inserted: expected,
      complete: true,
    });
    expectDocumented('POST', '/tickets/sync', answer);
    expect(await h.storedTickets(company.id)).toHaveLength(expected);
  });
});

describe('GET /tickets/{ticket}/location', () => {
  const company = () => h.companyByUsername('route-co');
  const someTicket = () => [...latestSimulatorRows(h.simulatorTickets(company())).keys()][0] as string;

  it('answers from the store while the ticket is fresh, whatever the case of the number', async () => {
    const before = h.base.simulator.stats().totalRequests;
    const answer = await call(
      'GET',
      `/tickets/${someTicket().toLowerCase()}/location?company_id=${company().id}`,
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: true, ticket: someTicket(), source: 'stored' });
    expect(answer.body.work_area).toMatchObject({ type: 'Feature' });
    expect(typeof answer.body.location).toBe('string');
    expectDocumented('GET', '/tickets/{ticket}/location', answer);
    expect(h.base.simulator.stats().totalRequests).toBe(before);
  });

  it('fetches a stale ticket from Bluestakes through the layer and stores it fresh again', async () => {
    await h.base.sql(
      "UPDATE project_tickets SET synced_at = now() - interval '2 hours' WHERE ticket_number = :ticket",
      { ticket: someTicket() },
    );
    const path = `/tickets/${someTicket()}/location?company_id=${company().id}`;

    const fetched = await call('GET', path);
    expect(fetched).toMatchObject({ status: 200, body: { source: 'bluestakes', ticket: someTicket() } });
    expectDocumented('GET', '/tickets/{ticket}/location', fetched);

    const again = await call('GET', path);
    expect(again).toMatchObject({ status: 200, body: { source: 'stored' } });
    expect(again.body.location).toBe(fetched.body.location);
  });

  it('answers 404 for a ticket Bluestakes does not know for this company', async () => {
    const other = h.companyByUsername('fanout-co');
    const foreign = [...latestSimulatorRows(h.simulatorTickets(other)).keys()][0] as string;

    for (const ticket of ['A259990000', foreign]) {
      const answer = await call('GET', `/tickets/${ticket}/location?company_id=${company().id}`);
      expect(answer).toMatchObject({ status: 404, body: { error: { code: 'UPSTREAM_NOT_FOUND' } } });
      expectDocumented('GET', '/tickets/{ticket}/location', answer);
    }
  });
});

describe('GET /tickets/updatable', () => {
  it("lists the company's updateable tickets, soonest deadline first", async () => {
    const company = h.companyByUsername('route-co');
    const recorded = await h.base.sql(
      'SELECT ticket_number FROM updatable_tickets WHERE company_id = CAST(:id AS bigint) ORDER BY replace_by_date',
      { id: company.id },
    );
    expect(recorded.length).toBeGreaterThan(0);

    const answer = await call('GET', `/tickets/updatable?company_id=${company.id}`);

    expect(answer.status).toBe(200);
    expectDocumented('GET', '/tickets/updatable', answer);
    const tickets = answer.body.tickets as { ticket: string; location: string }[];
    expect(answer.body.count).toBe(recorded.length);
    expect(tickets.map((ticket) => ticket.ticket)).toEqual(recorded.map((row) => row.ticket_number));
    for (const ticket of tickets) expect(ticket.location).not.toBe('');
  });
});

describe('the sync fan-out', () => {
  it('enqueues one sync per company with credentials stored (202), which the worker then runs', async () => {
    deliveries.length = 0;
    const answer = await call('POST', '/tickets/sync');

    expect(answer).toMatchObject({
      status: 202,
      body: { success: true, enqueued: h.companies.length, joined: 0 },
    });
    expectDocumented('POST', '/tickets/sync', answer);
    await queue.idle();
    expect(deliveries).toHaveLength(h.companies.length);
    expect(deliveries.every((line) => line.startsWith('ok '))).toBe(true);
    const fanout = h.companyByUsername('fanout-co');
    expect((await h.storedTickets(fanout.id)).length).toBeGreaterThan(0);
    expect(queue.deadLetters).toEqual([]);
  });

  it('moves a poison message to the dead-letter list after its attempts, without blocking the others', async () => {
    deliveries.length = 0;
    const fanout = h.companyByUsername('fanout-co');
    const poison = ['{"company_id": 2', JSON.stringify({ company_id: 'two' })];
    const valid = JSON.stringify({ company_id: fanout.id, days_back: 28 });

    for (const body of poison) queue.sendRaw(body);
    await queue.enqueue([{ company_id: fanout.id, days_back: 28 }]);
    await queue.idle();

    expect(queue.deadLetters.map((letter) => [letter.body, letter.attempts])).toEqual([
      [poison[0], 3],
      [poison[1], 3],
    ]);
    expect(deliveries.filter((line) => line === `ok ${valid}`)).toHaveLength(1);
    // The valid message ran right after the poison's first failures, not after their last retry.
    expect(deliveries.indexOf(`ok ${valid}`)).toBe(2);
  });
});
