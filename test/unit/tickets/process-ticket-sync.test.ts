import { UpstreamBadResponseError } from '@bluestakes/token-manager';
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/process-ticket-sync/handler';
import {
  setDefaultSyncJobStore,
  setDefaultSyncQueue,
  setDefaultTicketRepository,
} from '../../../functions/tickets';
import { createLambdaContext } from '../../../local/api-gateway/lambda-context';
import { sqsEvent } from '../../support/tickets-harness';
import { createFakeTokenManager } from '../functions/support/fake-token-manager';
import { captureOutput } from '../functions/support/http-test-kit';
import { fakeSyncJobs } from './support/fake-sync-jobs';
import {
  type FakeBluestakes,
  type FakeRepository,
  fakeBluestakes,
  fakeRepository,
  type RecordingQueue,
  recordingQueue,
  ticket,
} from './support/fakes';

let upstream: FakeBluestakes;
let repository: FakeRepository;
/** Companies whose sync attempts were made, in order. */
let synced: string[];
let queue: RecordingQueue;

beforeEach(() => {
  upstream = fakeBluestakes([ticket('A1', '0')]);
  upstream.details.set('A1', ticket('A1', '0'));
  repository = fakeRepository(['1', '2', '3']);
  synced = [];
  setDefaultTokenManager({
    ...createFakeTokenManager().manager,
    async makeAuthenticatedRequest(companyId, request) {
      if (!synced.includes(String(companyId))) synced.push(String(companyId));
      // Bluestakes answers company 2 with something unusable: a real fault.
      if (String(companyId) === '2') throw new UpstreamBadResponseError('Bluestakes answered HTTP 418');
      return upstream.tokens.makeAuthenticatedRequest(companyId, request);
    },
  });
  setDefaultTicketRepository(repository);
  setDefaultSyncJobStore(fakeSyncJobs(repository, Date.now));
  queue = recordingQueue();
  setDefaultSyncQueue(queue);
});

afterEach(() => {
  setDefaultTokenManager(undefined);
  setDefaultTicketRepository(undefined);
  setDefaultSyncJobStore(undefined);
  setDefaultSyncQueue(undefined);
});

const body = (companyId: string | number) => JSON.stringify({ company_id: companyId, days_back: 28 });

function event(records: Record<string, string>): SQSEvent {
  return sqsEvent(Object.entries(records).map(([messageId, text]) => ({ messageId, body: text })));
}

describe('the ticket sync worker', () => {
  it('reports only the failed and poison messages, and syncs every other one', async () => {
    const output = captureOutput();
    const response = await handler(
      event({
        'm-ok-1': body(1),
        'm-not-json': '{"company_id": 1',
        'm-bad-schema': JSON.stringify({ company_id: -1 }),
        'm-unknown-field': JSON.stringify({ company_id: 3, token: 'x' }),
        'm-fails': body(2),
        'm-ok-3': body(3),
      }),
      createLambdaContext(),
    );

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'm-not-json' },
        { itemIdentifier: 'm-bad-schema' },
        { itemIdentifier: 'm-unknown-field' },
        { itemIdentifier: 'm-fails' },
      ],
    });
    expect(synced).toEqual(['1', '2', '3']);
    expect(repository.rows.get('A1')?.record.companyId).toBe('1');
    const warnings = output.logs().filter((entry) => entry.level === 'WARN');
    expect(warnings.map((entry) => entry.message)).toEqual([
      'Poison ticket sync message',
      'Poison ticket sync message',
      'Poison ticket sync message',
      'Ticket sync failed',
    ]);
    expect(warnings[3]).toMatchObject({
      companyId: '2',
      error: 'UPSTREAM_BAD_RESPONSE: Bluestakes answered HTTP 418',
    });
    expect(output.text()).toContain('"TicketSyncFailed":4');
    expect(output.text()).toContain('"TicketSyncDone":2');
  });

  it('leaves an empty failure list when every message succeeds', async () => {
    captureOutput();
    await expect(handler(event({ a: body(1), b: body(3) }), createLambdaContext())).resolves.toEqual({
      batchItemFailures: [],
    });
  });

  it('sends messages it has no time left to start back to the queue as they are, using no receive count', async () => {
    captureOutput();
    const response = await handler(event({ a: body(1), b: body(3) }), {
      ...createLambdaContext(),
      getRemainingTimeInMillis: () => 0,
    });
    expect(response.batchItemFailures).toEqual([]);
    expect(queue.sent).toEqual([
      { body: { company_id: '1', days_back: 28 }, delayMs: 0 },
      { body: { company_id: '3', days_back: 28 }, delayMs: 0 },
    ]);
    expect(synced).toEqual([]);
  });
});
