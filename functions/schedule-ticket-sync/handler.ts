/** EventBridge schedule: handler -> ticket service -> store (companies) and the sync queue. */
import { logger, metrics } from '@bluestakes/token-manager';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { scheduledHandler } from '../shared';
import { enqueueTicketSyncs, ticketsConfig } from '../tickets';

/** Enqueues one sync per company with credentials stored; the queue's worker does the syncing. */
export const lambdaHandler = async (
  event: ScheduledEvent,
  _context: Context,
): Promise<{ readonly enqueued: number }> => {
  const result = await enqueueTicketSyncs({ daysBack: ticketsConfig().defaultDaysBack });
  metrics.addMetric('TicketSyncsEnqueued', 'Count', result.enqueued);
  logger.info('Scheduled ticket syncs enqueued', { scheduled_at: event.time, ...result });
  return result;
};

export const handler = scheduledHandler(lambdaHandler);
