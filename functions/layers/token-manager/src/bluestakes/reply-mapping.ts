/** Turns upstream replies the endpoints share (errors, bodies, the Date header) into values and errors. */
import { UpstreamBadResponseError, UpstreamRateLimitedError, UpstreamUnavailableError } from '../errors';
import type { BluestakesOperation } from './client-types';
import type { UpstreamReply } from './http';
import { upstreamSnippet } from './redact';
import { parseRetryAfter } from './retry-after';

export function statusMessage(
  operation: BluestakesOperation,
  reply: UpstreamReply,
  secrets: readonly string[],
): string {
  const snippet = upstreamSnippet(reply.body, secrets);
  return `Bluestakes ${operation} answered HTTP ${reply.status}${snippet ? `: ${snippet}` : ''}`;
}

/** Maps the statuses every endpoint shares: 429, 5xx and anything unexpected. */
export function genericFailure(
  operation: BluestakesOperation,
  reply: UpstreamReply,
  secrets: readonly string[],
  now: number,
): Error {
  const message = statusMessage(operation, reply, secrets);
  if (reply.status === 429) {
    const retryAfterMs = parseRetryAfter(reply.headers['retry-after'], now);
    return new UpstreamRateLimitedError(message, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  if (reply.status >= 500 && reply.status <= 599) {
    return new UpstreamUnavailableError('status', message, { status: reply.status });
  }
  return new UpstreamBadResponseError(message, { status: reply.status });
}

export function parseJson(
  operation: BluestakesOperation,
  reply: UpstreamReply,
  secrets: readonly string[],
  quoteBody: boolean,
): unknown {
  try {
    return JSON.parse(reply.body);
  } catch (error) {
    const snippet = quoteBody ? upstreamSnippet(reply.body, secrets) : '';
    throw new UpstreamBadResponseError(
      `Bluestakes ${operation} answered HTTP ${reply.status} with a body that is not JSON${snippet ? `: ${snippet}` : ''}`,
      { status: reply.status, cause: error },
    );
  }
}

/** An HTTP `Date` header as a Date; undefined when absent or unreadable. */
export function httpDate(value: string | string[] | undefined): Date | undefined {
  const text = typeof value === 'string' ? value : value?.[0];
  if (text === undefined || !/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : new Date(at);
}
