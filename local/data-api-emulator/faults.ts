/**
 * Fault injection: make the next N Data API calls fail the way the real service does during auto-pause
 * resume, failover, statement timeouts or an outage, so retry wrappers (and the SDK's own 5xx retries)
 * can be tested.
 */
import { DataApiError, statementTimeoutError } from './errors';

export type FaultKind =
  | 'resuming'
  | 'unavailable'
  | 'statementTimeout'
  | 'serviceUnavailable'
  | 'internalError'
  | 'endpointNotEnabled';

export const FAULT_KINDS: readonly FaultKind[] = [
  'resuming',
  'unavailable',
  'statementTimeout',
  'serviceUnavailable',
  'internalError',
  'endpointNotEnabled',
];

export interface FaultSpec {
  readonly kind: FaultKind;
  /** How many of the next calls fail (each SDK retry attempt is a call). */
  readonly count: number;
}

export function isFaultSpec(value: unknown): value is FaultSpec {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, count } = value as Record<string, unknown>;
  return (
    typeof kind === 'string' &&
    (FAULT_KINDS as readonly string[]).includes(kind) &&
    typeof count === 'number' &&
    Number.isInteger(count) &&
    count >= 0
  );
}

export function faultError(kind: FaultKind, resourceArn: string, connectionId: number): DataApiError {
  const cluster = resourceArn.split(':').at(-1) ?? 'cluster';
  switch (kind) {
    case 'resuming':
      return new DataApiError(
        'DatabaseResumingException',
        `The Aurora DB instance ${cluster}-instance-1 is resuming after being auto-paused. Please wait a few seconds and try again.`,
      );
    case 'unavailable':
      return new DataApiError(
        'DatabaseUnavailableException',
        'The database is currently unavailable. Please try again later.',
      );
    case 'statementTimeout':
      return statementTimeoutError(connectionId);
    case 'serviceUnavailable':
      return new DataApiError('ServiceUnavailableError', 'The service is currently unavailable.');
    case 'internalError':
      return new DataApiError('InternalServerErrorException', 'An internal error occurred.');
    case 'endpointNotEnabled':
      return new DataApiError(
        'HttpEndpointNotEnabledException',
        `HttpEndpoint is not enabled for cluster ${cluster}.`,
      );
  }
}
