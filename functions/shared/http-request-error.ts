/**
 * Errors raised by the HTTP layer itself (transport problems the library never sees). They carry a
 * status and a stable code like the library's errors, so the one error mapping can treat both alike.
 */
export type HttpRequestErrorCode =
  | 'BODY_REQUIRED'
  | 'INVALID_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'CREDENTIALS_IN_QUERY';

const STATUS_BY_CODE: Readonly<Record<HttpRequestErrorCode, number>> = {
  BODY_REQUIRED: 400,
  INVALID_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  CREDENTIALS_IN_QUERY: 400,
};

/** A client mistake in the HTTP request itself; its message is always safe to show. */
export class HttpRequestError extends Error {
  readonly code: HttpRequestErrorCode;
  readonly statusCode: number;

  constructor(code: HttpRequestErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpRequestError';
    this.code = code;
    this.statusCode = STATUS_BY_CODE[code];
  }
}
