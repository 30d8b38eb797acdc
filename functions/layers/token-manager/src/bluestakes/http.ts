import type { IncomingHttpHeaders } from 'node:http';
import { UpstreamUnavailableError } from '../errors';
import type { BluestakesCallContext, BluestakesCallInfo, BluestakesOperation } from './client-types';
import type { HttpDispatcher, HttpResponse } from './http-dispatcher';

export type { HttpDispatcher, HttpResponse };

/** Enough of an error body to quote in a message; the rest is read and thrown away. */
const ERROR_BODY_KEEP_BYTES = 8 * 1024;

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

export interface UpstreamRequest {
  operation: BluestakesOperation;
  method: 'GET' | 'POST';
  origin: string;
  /** Path plus query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  context: BluestakesCallContext;
}

export interface UpstreamReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body for 2xx; at most the first few KiB otherwise. */
  body: string;
}

export interface Transport {
  dispatcher: HttpDispatcher;
  beforeRequest: ((call: BluestakesCallInfo) => Promise<void>) | undefined;
}

/** Reads a body to its end (so the socket goes back to the pool) but keeps only its first `keepBytes`. */
async function readHead(body: AsyncIterable<unknown>, keepBytes: number): Promise<string> {
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size >= keepBytes) continue;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    kept.push(buffer.subarray(0, keepBytes - size));
    size += buffer.length;
  }
  return Buffer.concat(kept).toString('utf8');
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current !== 'object') return undefined;
    if ('code' in current && typeof current.code === 'string') return current.code;
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

function failure(error: unknown, request: UpstreamRequest, timeoutSignal: AbortSignal): unknown {
  const callerSignal = request.context.signal;
  // The caller's own abort is not an upstream failure: hand back exactly what the caller aborted with.
  if (callerSignal?.aborted) return callerSignal.reason;
  const code = errorCode(error);
  if (timeoutSignal.aborted || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new UpstreamUnavailableError(
      'timeout',
      `Bluestakes ${request.operation} did not answer within ${request.timeoutMs} ms`,
      { cause: error },
    );
  }
  return new UpstreamUnavailableError(
    'network',
    `Bluestakes ${request.operation} failed: connection error${code ? ` (${code})` : ''}`,
    { cause: error },
  );
}

/**
 * Makes one HTTP call: runs the `beforeRequest` hook (its errors propagate unchanged), then sends the
 * request under a timeout that starts after the hook (a limiter wait is not upstream slowness) and
 * covers the whole exchange, body included. Always reads the body to its end so keep-alive sockets
 * are reused. Returns any status; mapping statuses to errors is the caller's job.
 */
export async function sendUpstream(transport: Transport, request: UpstreamRequest): Promise<UpstreamReply> {
  const callerSignal = request.context.signal;
  callerSignal?.throwIfAborted();
  if (transport.beforeRequest) {
    await transport.beforeRequest({ operation: request.operation, context: request.context });
  }
  callerSignal?.throwIfAborted();

  const timeoutSignal = AbortSignal.timeout(request.timeoutMs);
  const signal = callerSignal ? AbortSignal.any([timeoutSignal, callerSignal]) : timeoutSignal;
  try {
    const response = await transport.dispatcher.request({
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal,
    });
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const body = ok ? await response.body.text() : await readHead(response.body, ERROR_BODY_KEEP_BYTES);
    return { status: response.statusCode, headers: response.headers, body };
  } catch (error) {
    throw failure(error, request, timeoutSignal);
  }
}
