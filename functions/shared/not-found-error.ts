/** Something a route looks up that does not exist (beyond the library's own company and ticket 404s). */
export type NotFoundCode = 'SYNC_NOT_FOUND';

/** Maps to 404 with its message, which names what is missing and never holds a secret. */
export class NotFoundError extends Error {
  readonly code: NotFoundCode;

  constructor(code: NotFoundCode, message: string) {
    super(message);
    this.name = 'NotFoundError';
    this.code = code;
  }
}
