import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { logger, metrics } from '@bluestakes/token-manager';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * The middy chain of a non-HTTP function (schedules): Lambda context in the logs, metrics flushed on
 * every run. Errors are left to propagate so a failed run counts as a Lambda error (alarms, retries).
 *
 * @param lambdaHandler - the function's own logic
 */
export function scheduledHandler<TEvent, TResult>(
  lambdaHandler: (event: TEvent, context: Context) => Promise<TResult>,
): MiddyfiedHandler<TEvent, TResult> {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(lambdaHandler);
}
