import { ConfigurationError } from '@bluestakes/token-manager';
import { describe, expect, it } from 'vitest';
import { readTicketsConfig, readTicketsDatabase, requireSyncQueueUrl } from '../../../functions/tickets';

describe('readTicketsConfig', () => {
  it('has defaults for everything', () => {
    expect(readTicketsConfig({})).toEqual({
      syncQueueUrl: undefined,
      locationMaxAgeSeconds: 3600,
      defaultDaysBack: 28,
      syncConcurrency: 4,
      syncSafetyMarginMs: 30_000,
      httpSyncBudgetMs: 15_000,
      upstreamMaxWaitMs: 10_000,
    });
  });

  it('reads each variable', () => {
    expect(
      readTicketsConfig({
        TICKET_SYNC_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q',
        TICKET_LOCATION_MAX_AGE_SECONDS: '60',
        TICKET_SYNC_DAYS_BACK: '14',
        TICKET_SYNC_CONCURRENCY: '2',
        TICKET_SYNC_SAFETY_MARGIN_MS: '5000',
        TICKET_SYNC_HTTP_BUDGET_MS: '20000',
        RATE_LIMIT_MAX_WAIT_MS: '3000',
      }),
    ).toEqual({
      syncQueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q',
      locationMaxAgeSeconds: 60,
      defaultDaysBack: 14,
      syncConcurrency: 2,
      syncSafetyMarginMs: 5000,
      httpSyncBudgetMs: 20_000,
      upstreamMaxWaitMs: 3000,
    });
  });

  it.each([
    ['TICKET_LOCATION_MAX_AGE_SECONDS', '1h'],
    ['TICKET_SYNC_DAYS_BACK', '0'],
    ['TICKET_SYNC_DAYS_BACK', '366'],
    ['TICKET_SYNC_CONCURRENCY', '0'],
    ['TICKET_SYNC_HTTP_BUDGET_MS', '29000'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => readTicketsConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('names TICKET_SYNC_QUEUE_URL when a queue is needed and it is not set', () => {
    expect(() => requireSyncQueueUrl(readTicketsConfig({}))).toThrow(ConfigurationError);
    expect(() => requireSyncQueueUrl(readTicketsConfig({}))).toThrow(/TICKET_SYNC_QUEUE_URL/);
  });

  it("reads the database settings through the layer's own reader", () => {
    expect(() => readTicketsDatabase({})).toThrow(/DATABASE_RESOURCE_ARN/);
  });
});
