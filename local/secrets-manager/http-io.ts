import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { writeJson } from '../http/json-reply';
import type { ServiceError } from './errors';

export const AWS_JSON = 'application/x-amz-json-1.1';

/** An awsJson reply with a request id, as the service sends it. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  writeJson(response, status, body, {
    'Content-Type': AWS_JSON,
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
}

/** The awsJson error shape: the SDK reads the name from `__type` (or the header) to pick the class. */
export function sendError(response: ServerResponse, error: ServiceError): void {
  sendJson(
    response,
    error.status,
    { __type: error.name, message: error.message },
    { 'x-amzn-ErrorType': error.name },
  );
}
