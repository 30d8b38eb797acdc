import { InvalidInputError } from '@bluestakes/token-manager';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpRequestError } from './http-request-error';
import { bodyByteLength } from './request-parsing';

const CREDENTIAL_PARAMS = new Set(['username', 'password']);
/** Path and query parameters that carry a company id, wherever a route takes it from. */
const ID_PARAM = 'company_id';
/** The body example every credentials message shows: placeholders, never a value. */
const CREDENTIALS_BODY_EXAMPLE = '{"username": "<username>", "password": "<password>"}';

function queryParamNames(event: APIGatewayProxyEvent): string[] {
  return [
    ...Object.keys(event.queryStringParameters ?? {}),
    ...Object.keys(event.multiValueQueryStringParameters ?? {}),
  ];
}

/** How to send credentials properly, on the route that was called when it takes them. */
function credentialsInQueryMessage(event: APIGatewayProxyEvent): string {
  const takesCredentials =
    event.httpMethod === 'POST' && /\/(?:store-)?credentials\//.test(event.resource ?? '');
  const how = takesCredentials
    ? `send them as a JSON body: POST ${event.resource} with content-type: application/json and the body ${CREDENTIALS_BODY_EXAMPLE}`
    : `send them as a JSON body ${CREDENTIALS_BODY_EXAMPLE} with content-type: application/json to a credentials route`;
  return `Credentials must not be sent in the query string (it ends up in access logs); ${how}`;
}

/**
 * Ids are digits only. The library's parser forgives surrounding whitespace, but an id that arrives as
 * `" 1"` or `"1\n"` is a client bug worth reporting, like `1e3` is, not a value to repair.
 */
function refuseIdsWithWhitespace(event: APIGatewayProxyEvent): void {
  const values = [
    event.pathParameters?.[ID_PARAM],
    event.queryStringParameters?.[ID_PARAM],
    ...(event.multiValueQueryStringParameters?.[ID_PARAM] ?? []),
  ];
  if (values.some((value) => value !== undefined && /\s/.test(value))) {
    throw new InvalidInputError(ID_PARAM, `${ID_PARAM} must be a positive integer`);
  }
}

/**
 * Refuses, before any handler runs, what no route accepts: credentials in the query string (it ends up
 * in access logs, proxies and browser history, as the original API's did), oversized bodies and
 * company ids padded with whitespace.
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
        throw new HttpRequestError('CREDENTIALS_IN_QUERY', credentialsInQueryMessage(event));
      }
      if (bodyByteLength(event) > options.maxBodyBytes) {
        throw new HttpRequestError(
          'PAYLOAD_TOO_LARGE',
          `The request body must be at most ${options.maxBodyBytes} bytes`,
        );
      }
      refuseIdsWithWhitespace(event);
    },
  };
}
