import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceError } from './errors';

export const AWS_JSON = 'application/x-amz-json-1.1';

export type RequestBody =
  | { readonly kind: 'complete'; readonly bytes: Buffer }
  | { readonly kind: 'too-large' };

/**
 * Resolves as soon as the body passes the limit, so the caller can answer at once; the rest is still
 * read and dropped, which keeps the connection usable instead of resetting it under the client.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: RequestBody | Error): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    if (Number(request.headers['content-length']) > limit) settle({ kind: 'too-large' });
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) settle({ kind: 'too-large' });
      else chunks.push(chunk);
    });
    request.on('end', () => settle({ kind: 'complete', bytes: Buffer.concat(chunks, size) }));
    request.on('error', (error) => settle(error));
    request.on('close', () => settle(new Error('The client closed the connection before the body ended.')));
  });
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': AWS_JSON,
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  response.end(payload);
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
