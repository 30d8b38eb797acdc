import { InvalidInputError } from '../errors';

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Company ids are positive integers within PostgreSQL bigint range; returned in canonical form. */
export function parseCompanyId(input: unknown, field = 'company_id'): string {
  const text = typeof input === 'number' && Number.isSafeInteger(input) ? String(input) : input;
  if (typeof text !== 'string' || !/^\d{1,19}$/.test(text.trim())) {
    throw new InvalidInputError(field, `${field} must be a positive integer`);
  }
  const value = BigInt(text.trim());
  if (value < 1n || value > MAX_BIGINT) {
    throw new InvalidInputError(field, `${field} must be between 1 and ${MAX_BIGINT}`);
  }
  return value.toString();
}
