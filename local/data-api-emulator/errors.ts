/**
 * Errors the emulator answers with. Each one is sent as the real service does: the HTTP status of the
 * modelled error, an `x-amzn-ErrorType` header the SDK resolves to its typed exception, and a JSON body
 * `{"message": ...}` (plus `dbConnectionId` for statement timeouts).
 */

export type DataApiErrorType =
  | 'AccessDeniedException'
  | 'BadRequestException'
  | 'DatabaseErrorException'
  | 'DatabaseResumingException'
  | 'DatabaseUnavailableException'
  | 'HttpEndpointNotEnabledException'
  | 'InternalServerErrorException'
  | 'MissingAuthenticationTokenException'
  | 'RequestEntityTooLargeException'
  | 'SecretsErrorException'
  | 'SerializationException'
  | 'ServiceUnavailableError'
  | 'StatementTimeoutException'
  | 'TransactionNotFoundException'
  | 'UnknownOperationException'
  | 'UnsupportedMediaTypeException'
  | 'UnsupportedResultException'
  | 'ValidationException';

const STATUS_BY_TYPE: Readonly<Record<DataApiErrorType, number>> = {
  AccessDeniedException: 403,
  BadRequestException: 400,
  DatabaseErrorException: 400,
  DatabaseResumingException: 400,
  DatabaseUnavailableException: 504,
  HttpEndpointNotEnabledException: 400,
  InternalServerErrorException: 500,
  MissingAuthenticationTokenException: 403,
  RequestEntityTooLargeException: 413,
  SecretsErrorException: 400,
  SerializationException: 400,
  ServiceUnavailableError: 503,
  StatementTimeoutException: 400,
  TransactionNotFoundException: 404,
  UnknownOperationException: 404,
  UnsupportedMediaTypeException: 400,
  UnsupportedResultException: 400,
  ValidationException: 400,
};

/** The real service appends this to the error type; the SDK strips it, so sending it keeps us honest. */
const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.rdsdataservice/';

export class DataApiError extends Error {
  readonly errorType: DataApiErrorType;
  readonly statusCode: number;
  /** Extra members of the error body, e.g. `dbConnectionId`. */
  readonly extraBody: Readonly<Record<string, unknown>>;

  constructor(errorType: DataApiErrorType, message: string, extraBody: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DataApiError';
    this.errorType = errorType;
    this.statusCode = STATUS_BY_TYPE[errorType];
    this.extraBody = extraBody;
  }

  get headerValue(): string {
    return `${this.errorType}${ERROR_TYPE_SUFFIX}`;
  }

  toBody(): Record<string, unknown> {
    return { message: this.message, ...this.extraBody };
  }
}

export const validationError = (message: string): DataApiError =>
  new DataApiError('ValidationException', message);

export const databaseError = (message: string): DataApiError =>
  new DataApiError('DatabaseErrorException', message);

export const statementTimeoutError = (connectionId: number): DataApiError =>
  new DataApiError('StatementTimeoutException', 'Request timed out', { dbConnectionId: connectionId });

export const unsupportedResultError = (message: string): DataApiError =>
  new DataApiError('UnsupportedResultException', message);

export const transactionBusyError = (): DataApiError => databaseError('Transaction is still running a query');

/** The fields of a PostgreSQL ErrorResponse that the service puts into its message. */
export interface PgErrorFields {
  readonly severity?: string | undefined;
  readonly code?: string | undefined;
  readonly message: string;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  readonly position?: string | undefined;
  readonly where?: string | undefined;
}

/**
 * `ERROR: <msg>[\n  Detail: ..][\n  Hint: ..][\n  Position: N][\n  Where: ..]; SQLState: XXXXX`, the
 * v2 shape. `mapPosition` turns a position in the SQL we sent into one in the SQL the caller sent.
 */
export function formatPgErrorMessage(
  error: PgErrorFields,
  mapPosition?: (position: number) => number,
): string {
  const lines = [`${error.severity ?? 'ERROR'}: ${error.message}`];
  if (error.detail) lines.push(`  Detail: ${error.detail}`);
  if (error.hint) lines.push(`  Hint: ${error.hint}`);
  if (error.position) {
    const position = Number(error.position);
    lines.push(
      `  Position: ${mapPosition && Number.isInteger(position) ? mapPosition(position) : error.position}`,
    );
  }
  if (error.where) lines.push(`  Where: ${error.where}`);
  return `${lines.join('\n')}; SQLState: ${error.code ?? 'XX000'}`;
}

export const MULTIPLE_COMMANDS_MESSAGE = 'cannot insert multiple commands into a prepared statement';

/** Maps a PostgreSQL error to the exception the real service raises for it. */
export function errorFromPg(
  error: PgErrorFields,
  connectionId: number,
  mapPosition?: (position: number) => number,
): DataApiError {
  if (error.code === '42601' && error.message === MULTIPLE_COMMANDS_MESSAGE) {
    return validationError("Multistatements aren't supported.");
  }
  if (error.code === '57014') return statementTimeoutError(connectionId);
  return databaseError(formatPgErrorMessage(error, mapPosition));
}

export function isPgErrorFields(value: unknown): value is PgErrorFields {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.message === 'string' && typeof record.code === 'string' && /^[0-9A-Z]{5}$/.test(record.code)
  );
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) ||
    /Connection terminated/i.test(error.message)
  );
}

/**
 * The Data API error for anything thrown while serving a call: our own errors as they are, errors from
 * emulator-issued SQL (BEGIN, COMMIT, catalog lookups) like statement errors, a lost database connection
 * as DatabaseUnavailableException. Anything else is an emulator bug and yields undefined.
 */
export function toDataApiError(error: unknown): DataApiError | undefined {
  if (error instanceof DataApiError) return error;
  if (isPgErrorFields(error)) return errorFromPg(error, 0);
  if (isConnectionError(error)) {
    return new DataApiError('DatabaseUnavailableException', 'The database connection is unavailable');
  }
  return undefined;
}
