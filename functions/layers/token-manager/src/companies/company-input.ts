import { InvalidInputError } from '../errors';
import { parseCompanyId } from '../token-manager/company-id';

export const MAX_COMPANY_NAME_LENGTH = 200;
/** Per-company token lifetime bounds: a minute (shorter would log in too often), a day (as TOKEN_TTL_SECONDS). */
export const MIN_COMPANY_TOKEN_TTL_SECONDS = 60;
export const MAX_COMPANY_TOKEN_TTL_SECONDS = 86_400;
export const DEFAULT_COMPANY_PAGE_SIZE = 50;
export const MAX_COMPANY_PAGE_SIZE = 200;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A company name, trimmed; 1 to 200 printable characters. */
export function parseCompanyName(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidInputError('name', 'name is required and must be a non-empty string');
  }
  const name = input.trim();
  if (name.length > MAX_COMPANY_NAME_LENGTH || CONTROL.test(name)) {
    throw new InvalidInputError(
      'name',
      `name must be at most ${MAX_COMPANY_NAME_LENGTH} printable characters`,
    );
  }
  return name;
}

/** A per-company token lifetime in whole seconds, or null for the service default. */
export function parseTokenTtlSeconds(input: unknown): number | null {
  if (input === null) return null;
  if (
    typeof input !== 'number' ||
    !Number.isInteger(input) ||
    input < MIN_COMPANY_TOKEN_TTL_SECONDS ||
    input > MAX_COMPANY_TOKEN_TTL_SECONDS
  ) {
    throw new InvalidInputError(
      'token_ttl_seconds',
      `token_ttl_seconds must be null or a whole number from ${MIN_COMPANY_TOKEN_TTL_SECONDS} to ${MAX_COMPANY_TOKEN_TTL_SECONDS}`,
    );
  }
  return input;
}

/** Page size (`limit`) and position (`cursor`, the last id of the previous page) from query strings. */
export function parseCompanyPageQuery(query: { limit?: unknown; cursor?: unknown }): {
  limit: number;
  after: string;
} {
  let limit = DEFAULT_COMPANY_PAGE_SIZE;
  if (query.limit !== undefined && query.limit !== null) {
    const text = String(query.limit).trim();
    const value = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= 1 && value <= MAX_COMPANY_PAGE_SIZE)) {
      throw new InvalidInputError('limit', `limit must be a whole number from 1 to ${MAX_COMPANY_PAGE_SIZE}`);
    }
    limit = value;
  }
  const cursor = query.cursor;
  const after =
    cursor === undefined || cursor === null || cursor === '' ? '0' : parseCompanyId(cursor, 'cursor');
  return { limit, after };
}
