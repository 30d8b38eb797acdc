import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * Headers on every response. `no-store` because token status and stats must never be served from a
 * shared cache; `nosniff` so a browser never reinterprets the JSON.
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** The error body every route answers with. `request_id` only on 500s, for support to find the logs. */
export interface ErrorBody {
  readonly success: false;
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
  readonly request_id?: string;
}

/**
 * Builds an API Gateway proxy result with a JSON body and the standard headers.
 *
 * @param statusCode - HTTP status
 * @param body - serialised with `JSON.stringify`
 * @param headers - extra headers (e.g. `retry-after`); they cannot replace the standard ones
 */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...headers, ...RESPONSE_HEADERS },
    body: JSON.stringify(body),
  };
}
