import { InvalidInputError, parseCompanyId } from '@bluestakes/token-manager';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { HttpRequestError } from './http-request-error';

/** Bodies of this API are two short strings and a flag; anything near this size is not a real request. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/i;
const MAX_REPORTED_KEYS = 5;
const MAX_KEY_LENGTH = 64;

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

function decodeBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new HttpRequestError('INVALID_JSON', 'The request body is not valid UTF-8', { cause: error });
  }
}

function safeKey(key: PropertyKey): string {
  return String(key)
    .replace(/[^\w.-]/g, '?')
    .slice(0, MAX_KEY_LENGTH);
}

function toInvalidInput(issue: z.core.$ZodIssue): InvalidInputError {
  const field = issue.path.length === 0 ? 'body' : issue.path.map(safeKey).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, MAX_REPORTED_KEYS).map(safeKey);
    const more =
      issue.keys.length > MAX_REPORTED_KEYS ? ` (and ${issue.keys.length - MAX_REPORTED_KEYS} more)` : '';
    return new InvalidInputError(keys[0] ?? field, `Unknown field(s): ${keys.join(', ')}${more}`);
  }
  return new InvalidInputError(field, issue.message);
}

/**
 * Reads the JSON body and validates it with `schema`. Every failure is a 4xx error with a code:
 * no body (BODY_REQUIRED), not JSON content (UNSUPPORTED_MEDIA_TYPE), unparsable (INVALID_JSON),
 * wrong shape or unknown fields (INVALID_INPUT naming the field). Messages never echo values.
 *
 * @param event - the API Gateway event (its body is left untouched)
 * @param schema - a strict zod object schema (`zod/mini` or classic `zod`)
 */
export function parseJsonBody<T>(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
  schema: z.core.$ZodType<T>,
): T {
  if (typeof event.body !== 'string' || event.body === '') {
    throw new HttpRequestError('BODY_REQUIRED', 'A JSON body is required (content-type: application/json)');
  }
  const mediaType = (headerValue(event, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new HttpRequestError(
      'UNSUPPORTED_MEDIA_TYPE',
      'The body must be sent as content-type: application/json',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeBody(event));
  } catch (error) {
    if (error instanceof HttpRequestError) throw error;
    throw new HttpRequestError('INVALID_JSON', 'The request body is not valid JSON', { cause: error });
  }
  const result = z.safeParse(schema, parsed);
  if (!result.success) {
    const [first] = result.error.issues;
    throw first === undefined ? new InvalidInputError('body', 'The body is invalid') : toInvalidInput(first);
  }
  return result.data;
}
