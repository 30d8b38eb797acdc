/** SQS worker: handler -> ticket service -> the sync job of each message. */
import { metrics } from '@bluestakes/token-manager';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { scheduledHandler } from '../shared';
import { processSyncRecords, ticketsConfig } from '../tickets';

/**
 * Runs the sync job of each message until it is done or the deadline comes; a job waiting for the
 * upstream budget has scheduled its own continuation, so its message is deleted. Only poison
 * messages and real faults come back in `batchItemFailures` (the event source mapping needs
 * `ReportBatchItemFailures`): SQS redelivers them and dead-letters them after `maxReceiveCount`.
 */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const remainingMs = context.getRemainingTimeInMillis();
  const config = ticketsConfig();
  // Stop starting calls early enough for the one in flight (and its wait for a slot) to finish.
  const marginMs = Math.min(config.syncSafetyMarginMs, remainingMs / 2);
  const records = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
  const { failedMessageIds, results } = await processSyncRecords(records, {
    deadline: Date.now() + remainingMs - marginMs,
  });
  metrics.addMetric('TicketSyncFailed', 'Count', failedMessageIds.length);
  metrics.addMetric('TicketSyncDone', 'Count', results.filter((result) => result.complete).length);
  metrics.addMetric(
    'TicketSyncWaiting',
    'Count',
    results.filter((result) => result.state === 'waiting').length,
  );
  metrics.addMetric(
    'TicketsChanged',
    'Count',
    results.reduce((sum, result) => sum + result.inserted + result.updated, 0),
  );
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
};

export const handler = scheduledHandler(lambdaHandler);
