import { DatabaseUnavailableError } from '@bluestakes/token-manager';
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/run-scheduled-cleanup/handler';
import { createLambdaContext } from '../../../local/api-gateway/lambda-context';
import { createFakeTokenManager } from './support/fake-token-manager';
import { captureOutput } from './support/http-test-kit';

function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: 'c3b7e3f2-1111-2222-3333-444455556666',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2025-06-01T12:30:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/token-cleanup'],
    detail: {},
  };
}

describe('the scheduled cleanup', () => {
  const fake = createFakeTokenManager();

  beforeEach(() => {
    fake.reset();
    setDefaultTokenManager(fake.manager);
  });
  afterEach(() => setDefaultTokenManager(undefined));

  it('runs the cleanup, logs the counts and returns them', async () => {
    const output = captureOutput();
    const result = await handler(scheduledEvent(), createLambdaContext());

    expect(result).toEqual({ tokens_cleaned: 1, audit_events_pruned: 3, rate_limit_rows_pruned: 1 });
    expect(fake.calls).toEqual([{ method: 'cleanupExpiredTokens', args: [] }]);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({
        message: 'Scheduled cleanup done',
        tokens_cleaned: 1,
        scheduled_at: '2025-06-01T12:30:00Z',
      }),
    );
    expect(output.text()).toContain('"TokensCleaned":1');
  });

  it('fails the invocation when the cleanup fails, so the error shows in Lambda metrics', async () => {
    captureOutput();
    fake.failWith('cleanupExpiredTokens', new DatabaseUnavailableError('resuming'));
    await expect(handler(scheduledEvent(), createLambdaContext())).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
  });
});
