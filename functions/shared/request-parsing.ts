import { parseCompanyId } from '@bluestakes/token-manager/internal';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** Bodies of this API are two short strings and a flag; anything near this size is not a real request. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

/**
 * A header's value whatever its casing (the header normalizer lowercases names, but helpers must not
 * depend on the chain they run in).
 *
 * @param event - the API Gateway event
 * @param name - header name, any casing
 */
export function headerValue(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The request id the caller can see (API Gateway's), falling back to Lambda's. */
export function requestIdOf(
  event: Partial<APIGatewayProxyEvent>,
  context: Pick<Context, 'awsRequestId'>,
): string {
  const fromGateway = event.requestContext?.requestId;
  return typeof fromGateway === 'string' && fromGateway !== '' ? fromGateway : context.awsRequestId;
}

/** Size of the body as received, in bytes (decoded when API Gateway base64-encoded it). */
export function bodyByteLength(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): number {
  if (typeof event.body !== 'string') return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body);
}

/**
 * The `{company_id}` path parameter in canonical form.
 *
 * @throws InvalidInputError (field `company_id`) when it is not a positive bigint
 */
export function pathCompanyId(event: Pick<APIGatewayProxyEvent, 'pathParameters'>): string {
  return parseCompanyId(event.pathParameters?.company_id, 'company_id');
}
