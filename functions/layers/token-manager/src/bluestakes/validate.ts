import { InvalidInputError } from '../errors';
import { stripBearerPrefix } from './token-info';

// Letters, digits, '-' and '_' only: no '.', so a "ticket number" can never become a '..' path segment.
const TICKET_NUMBER = /^[A-Za-z0-9_-]{1,40}$/;
const REVISION = /^[A-Za-z0-9_-]{1,20}$/;

/** Trims a ticket number and checks it is one a ticket URL can carry safely. */
export function normalizeTicketNumber(value: unknown): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (!TICKET_NUMBER.test(trimmed)) {
    throw new InvalidInputError(
      'ticketNumber',
      'A ticket number must be 1 to 40 letters, digits, "-" or "_" (surrounding spaces are trimmed)',
    );
  }
  return trimmed;
}

/** Trims a ticket revision and checks its length and characters. */
export function normalizeRevision(value: unknown): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (!REVISION.test(trimmed)) {
    throw new InvalidInputError('revision', 'A revision must be 1 to 20 letters, digits, "-" or "_"');
  }
  return trimmed;
}

/** Checks a value is a non-empty string (after trimming) and returns it unchanged. */
export function requireText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidInputError(field, `${field} must be a non-empty string`);
  }
  return value;
}

/** Checks a value is an integer within [min, max]. */
export function requireInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(field, `${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

// Visible ASCII only: a token with spaces or control characters cannot travel in a header intact.
const TOKEN = /^[\x21-\x7e]+$/;

/** Strips one `Bearer ` prefix and checks what is left can be sent as a bearer token. */
export function normalizeToken(value: unknown): string {
  const bare = typeof value === 'string' ? stripBearerPrefix(value) : '';
  if (!TOKEN.test(bare)) {
    throw new InvalidInputError(
      'token',
      'token must be a non-empty bearer token of visible ASCII characters',
    );
  }
  return bare;
}
