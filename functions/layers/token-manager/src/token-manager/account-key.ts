import { createHash } from 'node:crypto';
import type { BluestakesCallContext } from '../bluestakes';
import type { RateLimitSettings } from '../config';

/** A non-reversible key for one Bluestakes account, so usernames never land in the rate-limit table. */
export function bluestakesAccountKey(username: string): string {
  return createHash('sha256').update(username.trim().toLowerCase()).digest('hex').slice(0, 16);
}

/** The limiter bucket of an account's calls: the account itself, unless the budget is global. */
export function rateLimitKey(scope: RateLimitSettings['scope'], accountKey: string | null): string {
  return scope === 'global' || accountKey === null ? 'global' : `account:${accountKey}`;
}

export function callContext(
  scope: RateLimitSettings['scope'],
  accountKey: string | null,
): BluestakesCallContext {
  return { rateLimitKey: rateLimitKey(scope, accountKey) };
}
