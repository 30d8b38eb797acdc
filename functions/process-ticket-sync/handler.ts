/** SQS worker: handler -> ticket service -> the layer and the store, one sync per message. */
import { metrics } from '@bluestakes/token-manager';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { scheduledHandler } from '../shared';
import { processSyncRecords, ticketsConfig } from '../tickets';

/**
 * Syncs the company of each message. Failed, cut-short and poison messages come back in
 * `batchItemFailures` (the event source mapping needs `ReportBatchItemFailures`): SQS redelivers them
 * and moves them to the dead-letter queue after `maxReceiveCount`, while the others are deleted.
 */
export const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const remainingMs = context.getRemainingTimeInMillis();
  // Stop starting syncs early enough for the ones in flight to finish; never more than half the time.
  const marginMs = Math.min(ticketsConfig().syncSafetyMarginMs, remainingMs / 2);
  const records = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
  const { failedMessageIds, results } = await processSyncRecords(records, {
    deadline: Date.now() + remainingMs - marginMs,
  });
  metrics.addMetric('TicketSyncSucceeded', 'Count', records.length - failedMessageIds.length);
  metrics.addMetric('TicketSyncFailed', 'Count', failedMessageIds.length);
  metrics.addMetric(
    'TicketsChanged',
    'Count',
    results.reduce((sum, result) => sum + result.inserted + result.updated, 0),
  );
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
};

export const handler = scheduledHandler(lambdaHandler);
