/**
 * The ticket routes as a user meets them when the upstream budget is the bottleneck (time-scaled:
 * 5 calls per second, logins included, enforced by the simulator): POST /tickets/sync answers 202
 * with progress (never 429), GET /tickets/sync/{id} shows the job moving until it is complete, then
 * the updateable tickets are listed. Real handlers behind the local gateway, the real worker handler
 * behind the in-memory queue (message delays included).
 */

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const API_KEY = 'sync-budget-test-key-0123456789abcdef';
const LIMIT = { limit: 5, windowMs: 1000 };
// Read once by the ticket handlers, on their first request: the inline run gets one second.
process.env.TICKET_SYNC_HTTP_BUDGET_MS = '1000';
process.env.RATE_LIMIT_MAX_WAIT_MS = '0';

let h: TicketsHarness;
let routes: TicketRoutes;
let gateway: LocalApiGateway;
let queue: InMemorySyncQueue;

beforeAll(async () => {
  h = await startTicketsHarness({
    accounts: [{ username: 'patient-co', tickets: 6 }],
    simulator: { rateLimit: { ...LIMIT, scope: 'account', countLogins: true } },
    env: {
      RATE_LIMIT_MAX_REQUESTS: String(LIMIT.limit),
      RATE_LIMIT_WINDOW_MS: String(LIMIT.windowMs),
      RATE_LIMIT_SAFETY_MARGIN_MS: '300',
      RATE_LIMIT_MAX_WAIT_MS: '0',
    },
  });
  routes = await serveTicketRoutes(h, {
    queue: {
      concurrency: 1,
      maxAttempts: 3,
      retryDelayMs: 50,
      worker: async (body, { receiveCount }) => {
        const event = sqsEvent([{ messageId: randomUUID(), body }]);
        event.Records[0]!.attributes.ApproximateReceiveCount = String(receiveCount);
        // A worker with little time left, so the job needs its own continuations.
        const { batchItemFailures } = await processTicketSync(event, {
          ...createLambdaContext(),
          getRemainingTimeInMillis: () => 1200,
        });
        if (batchItemFailures.length > 0) throw new Error('reported as failed');
      },
    },
    gateway: { apiKey: API_KEY, host: '127.0.0.1', port: 0 },
  });
  ({ gateway, queue } = routes);
});

afterAll(async () => {
  await routes?.close();
  await h?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      'x-api-key': API_KEY,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(20_000),
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('syncing a company whose work outlasts the request', () => {
  it('answers 202 with progress, then the status moves until complete, then the updateable tickets are listed', async () => {
    captureOutput();
    const company = h.companyByUsername('patient-co');

    const accepted = await call('POST', '/tickets/sync', { company_id: Number(company.id), days_back: 90 });

    expect(accepted.status).toBe(202);
    expect(accepted.location).toBe(`/tickets/sync/${company.id}`);
    expect(accepted.body).toMatchObject({ success: true, company_id: company.id, complete: false });
    expect(['waiting', 'running', 'queued']).toContain(accepted.body.state);

    const seen: number[] = [];
    let status = accepted;
    for (let poll = 0; poll < 120 && status.body.complete !== true; poll += 1) {
      await sleep(250);
      status = await call('GET', accepted.location ?? '');
      expect(status.status).toBe(200);
      seen.push(Number(status.body.tickets_stored));
    }

    const expected = latestSimulatorRows(h.simulatorTickets(company)).size;
    expect(status.body).toMatchObject({
      state: 'done',
      complete: true,
      tickets_found: expected,
      tickets_stored: expected,
      tickets_remaining: 0,
      last_error: null,
    });
    expect(new Set(seen).size).toBeGreaterThan(1);
    expect(h.base.simulator.stats().rateLimited).toBe(0);
    expect(queue.deadLetters).toEqual([]);

    const updatable = await call('GET', `/tickets/updatable?company_id=${company.id}`);
    const recorded = await h.base.sql(
      'SELECT ticket_number FROM updatable_tickets WHERE company_id = CAST(:id AS bigint) ORDER BY replace_by_date, ticket_number',
      { id: company.id },
    );
    expect(updatable.status).toBe(200);
    expect(updatable.body.count).toBe(recorded.length);
  });
});
