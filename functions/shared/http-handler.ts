import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { logger, metrics } from '@bluestakes/token-manager';
import middy, { type MiddyfiedHandler } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { httpErrorResponder } from './error-responder';
import { jsonBodyParser } from './json-body';
import { requestGuards } from './request-guards';
import { MAX_JSON_BODY_BYTES } from './request-parsing';

/** The inner function of an HTTP endpoint: parse -> one library call -> response. */
export type HttpLambdaHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

export type HttpHandler = MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult>;

export interface HttpHandlerOptions {
  /** Bodies larger than this are refused with 413 before the handler runs. @default 16 KiB */
  readonly maxBodyBytes?: number;
  /**
   * The route takes a JSON body: it is parsed before the handler runs (which reads it with
   * `parseJsonBody`). Routes without one ignore any body, as API Gateway passes it along.
   * @default false
   */
  readonly jsonBody?: boolean;
}

/**
 * Wraps an endpoint in the middy chain every HTTP handler shares: Lambda context in the logs (never
 * the event), metrics flushed on every invocation, lowercase header names (before anything reads a
 * header), guards against credentials in the query string, oversized bodies and padded ids, the JSON
 * body parser when the route takes a body, and the one error-to-response mapping.
 *
 * @param lambdaHandler - the endpoint's own logic; it throws library or HTTP errors, never builds error bodies
 * @param options - see {@link HttpHandlerOptions}
 */
export function httpHandler(lambdaHandler: HttpLambdaHandler, options: HttpHandlerOptions = {}): HttpHandler {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(httpHeaderNormalizer())
    .use(httpErrorResponder())
    .use(requestGuards({ maxBodyBytes: options.maxBodyBytes ?? MAX_JSON_BODY_BYTES }))
    .use(options.jsonBody ? [jsonBodyParser()] : [])
    .handler(lambdaHandler);
}
