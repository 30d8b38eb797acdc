import { InvalidInputError } from '@bluestakes/token-manager';
import type { MiddlewareObj, Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod/mini';
import { HttpRequestError } from './http-request-error';
import { headerValue } from './request-parsing';

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/i;
const MAX_REPORTED_KEYS = 5;
const MAX_KEY_LENGTH = 64;
/** In a `u` regex a lone surrogate is a code point of category Cs; a valid pair never is. */
const LONE_SURROGATE = /\p{Cs}/u;

/** What the body parser found, per event: the handler reads it through {@link parseJsonBody}. */
type ParsedBody = { readonly present: false } | { readonly present: true; readonly value: unknown };
const parsedBodies = new WeakMap<object, ParsedBody>();

type HttpRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

function safeKey(key: PropertyKey): string {
  return String(key)
    .replace(/[^\w.-]/g, '?')
    .slice(0, MAX_KEY_LENGTH);
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'body' : path.map(safeKey).join('.');
}

function refuseUnsupportedMediaType(event: APIGatewayProxyEvent): void {
  const mediaType = (headerValue(event, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new HttpRequestError(
      'UNSUPPORTED_MEDIA_TYPE',
      'The body must be sent as content-type: application/json',
    );
  }
}

/**
 * Prepares the body for the parser: a base64 body must be UTF-8 (the parser would turn bad bytes into
 * U+FFFD), and a leading byte order mark is dropped, which JSON parsers may do and this API always did.
 */
function normaliseBodyText(event: APIGatewayProxyEvent, body: string): void {
  let text = body;
  if (event.isBase64Encoded) {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.from(text, 'base64'));
    } catch {
      throw new HttpRequestError('INVALID_JSON', 'The request body is not valid UTF-8');
    }
  }
  if (text.startsWith('\uFEFF')) {
    event.body = text.slice(1);
    event.isBase64Encoded = false;
  }
}

/**
 * JSON lets a string spell a lone UTF-16 surrogate (`"\ud800"`), which is no text at all: it cannot
 * be encoded as UTF-8 or percent-encoded, so it would fail deep in a login or a log line instead.
 * The first string (value or key) holding one is refused, naming where it is.
 */
function refuseLoneSurrogates(value: unknown): void {
  const pending: { readonly value: unknown; readonly path: readonly PropertyKey[] }[] = [{ value, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) {
        const field = fieldName(path);
        throw new InvalidInputError(
          field,
          `${field} must be valid Unicode text (it holds a lone UTF-16 surrogate)`,
        );
      }
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        if (LONE_SURROGATE.test(key)) {
          throw new InvalidInputError(fieldName(path), 'Field names must be valid Unicode text');
        }
        pending.push({ value: child, path: [...path, Array.isArray(current) ? Number(key) : key] });
      }
    }
  }
}

/**
 * Parses JSON request bodies with `@middy/http-json-body-parser` (which replaces `event.body` with
 * the parsed value) and keeps this API's answers: no body is left for the handler to require or not
 * (BODY_REQUIRED), a non-JSON content type is 415 UNSUPPORTED_MEDIA_TYPE, and what the parser refuses
 * is 400 INVALID_JSON (the parser itself answers 415 for both, and its error holds the raw body, so it
 * is dropped, never logged). Strings with lone surrogates are refused here, before any handler runs.
 * Runs after the header normalizer, whose lowercase `content-type` the parser expects.
 */
export function jsonBodyParser(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  // The content type is checked first with this API's own (case-insensitive) rule, so the parser's is
  // off; its type declarations omit that option.
  const parser = httpJsonBodyParser<APIGatewayProxyEvent>({ disableContentTypeCheck: true } as Parameters<
    typeof httpJsonBodyParser
  >[0]);
  return {
    name: 'jsonBodyParser',
    before: async (request: HttpRequest) => {
      const { event } = request;
      const { body } = event;
      if (typeof body !== 'string' || body === '') {
        parsedBodies.set(event, { present: false });
        return;
      }
      refuseUnsupportedMediaType(event);
      normaliseBodyText(event, body);
      try {
        await parser.before?.(request);
      } catch {
        throw new HttpRequestError('INVALID_JSON', 'The request body is not valid JSON');
      }
      const value: unknown = event.body;
      refuseLoneSurrogates(value);
      parsedBodies.set(event, { present: true, value });
    },
  };
}

function toInvalidInput(issue: z.core.$ZodIssue): InvalidInputError {
  const field = fieldName(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, MAX_REPORTED_KEYS).map(safeKey);
    const more =
      issue.keys.length > MAX_REPORTED_KEYS ? ` (and ${issue.keys.length - MAX_REPORTED_KEYS} more)` : '';
    return new InvalidInputError(keys[0] ?? field, `Unknown field(s): ${keys.join(', ')}${more}`);
  }
  return new InvalidInputError(field, issue.message);
}

/**
 * The JSON body parsed by {@link jsonBodyParser}, validated with `schema`. No body is BODY_REQUIRED;
 * wrong shape or unknown fields are INVALID_INPUT naming the field. Messages never echo values.
 *
 * @param event - the API Gateway event of a handler built with `httpHandler(..., { jsonBody: true })`
 * @param schema - a strict zod object schema (`zod/mini` or classic `zod`)
 * @throws Error when the handler's chain has no body parser (a wiring mistake, caught by its tests)
 */
export function parseJsonBody<T>(event: APIGatewayProxyEvent, schema: z.core.$ZodType<T>): T {
  const parsed = parsedBodies.get(event);
  if (parsed === undefined) {
    throw new Error('parseJsonBody needs the JSON body parser: build the handler with { jsonBody: true }');
  }
  if (!parsed.present) {
    throw new HttpRequestError('BODY_REQUIRED', 'A JSON body is required (content-type: application/json)');
  }
  const result = z.safeParse(schema, parsed.value);
  if (!result.success) {
    const [first] = result.error.issues;
    throw first === undefined ? new InvalidInputError('body', 'The body is invalid') : toInvalidInput(first);
  }
  return result.data;
}
