/** EventBridge schedule: handler -> token manager -> store. */
import { type CleanupReport, getDefaultTokenManager, logger, metrics } from '@bluestakes/token-manager';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { scheduledHandler } from '../shared';

/** Removes tokens expired past the grace period, old audit events and idle rate-limit rows. */
export const lambdaHandler = async (event: ScheduledEvent, _context: Context): Promise<CleanupReport> => {
  const report = await getDefaultTokenManager().cleanupExpiredTokens();
  metrics.addMetric('TokensCleaned', 'Count', report.tokens_cleaned);
  logger.info('Scheduled cleanup done', { scheduled_at: event.time, ...report });
  return report;
};

export const handler = scheduledHandler(lambdaHandler);
