import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpRequestError } from './http-request-error';
import { bodyByteLength } from './request-parsing';

const CREDENTIAL_PARAMS = new Set(['username', 'password']);

function queryParamNames(event: APIGatewayProxyEvent): string[] {
  return [
    ...Object.keys(event.queryStringParameters ?? {}),
    ...Object.keys(event.multiValueQueryStringParameters ?? {}),
  ];
}

/**
 * Refuses, before any handler runs, what no route accepts: credentials in the query string (it ends up
 * in access logs, proxies and browser history, as the original API's did) and oversized bodies.
 *
 * @param options.maxBodyBytes - larger bodies are refused with 413 PAYLOAD_TOO_LARGE
 */
export function requestGuards(options: {
  readonly maxBodyBytes: number;
}): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    name: 'requestGuards',
    before: ({ event }) => {
      if (queryParamNames(event).some((name) => CREDENTIAL_PARAMS.has(name.trim().toLowerCase()))) {
        throw new HttpRequestError(
          'CREDENTIALS_IN_QUERY',
          'Credentials must not be sent in the query string; send them as a JSON body ' +
            '{"username": "...", "password": "..."} with content-type: application/json',
        );
      }
      if (bodyByteLength(event) > options.maxBodyBytes) {
        throw new HttpRequestError(
          'PAYLOAD_TOO_LARGE',
          `The request body must be at most ${options.maxBodyBytes} bytes`,
        );
      }
    },
  };
}
