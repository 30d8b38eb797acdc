import { logger, metrics } from '@bluestakes/token-manager';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse, mapError } from './error-mapping';
import { RESPONSE_HEADERS } from './http-response';
import { requestIdOf } from './request-parsing';

function isProxyResult(value: unknown): value is APIGatewayProxyResult {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'statusCode') === 'number';
}

function countResponse(statusCode: number): void {
  // One count per response keeps per-class error rates visible per function, and means every
  // invocation has a metric to flush (Powertools warns on each empty flush otherwise).
  metrics.addMetric(`Http${Math.floor(statusCode / 100)}xx`, 'Count', 1);
}

/**
 * Turns every error into the JSON error response (the one place that does, via {@link mapError}),
 * logs it at a level that matches whose fault it is, and makes sure every response carries the
 * standard headers. Logs name the route, never the query string, body or headers.
 */
export function httpErrorResponder(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    name: 'httpErrorResponder',
    before: ({ event, context }) => {
      logger.appendKeys({
        api_request_id: requestIdOf(event, context),
        http_method: event.httpMethod,
        resource: event.resource,
      });
    },
    after: (request) => {
      const { response } = request;
      if (!isProxyResult(response)) return;
      request.response = { ...response, headers: { ...response.headers, ...RESPONSE_HEADERS } };
      countResponse(response.statusCode);
    },
    onError: (request) => {
      const mapped = mapError(request.error);
      const details = { status: mapped.statusCode, code: mapped.code };
      if (mapped.logLevel === 'error') {
        logger.error('Request failed unexpectedly', { ...details, error: request.error });
      } else if (mapped.logLevel === 'warn') {
        logger.warn('Request failed in a dependency', { ...details, error: request.error });
      } else {
        logger.info('Request refused', { ...details, field: mapped.field });
      }
      request.response = errorResponse(mapped, requestIdOf(request.event, request.context));
      countResponse(mapped.statusCode);
    },
  };
}
