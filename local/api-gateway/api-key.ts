import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a presented API key with the expected one in constant time. Both are hashed first so
 * neither their contents nor the expected key's length leak through timing.
 *
 * @param presented - the `x-api-key` header, if any
 * @param expected - the configured key
 */
export function apiKeyMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}
