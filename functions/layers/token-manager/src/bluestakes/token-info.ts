import { createHash } from 'node:crypto';

const BEARER_PREFIX = /^Bearer(?:\s+|$)/i;

/** Removes one leading `Bearer ` (any case) and surrounding whitespace; a bare token is returned trimmed. */
export function stripBearerPrefix(value: string): string {
  return value.trim().replace(BEARER_PREFIX, '').trim();
}

/**
 * A short, non-reversible id of a bearer token for logs and audit rows: the first 12 hex characters
 * of its SHA-256. `"Bearer x"` and `"x"` give the same fingerprint.
 */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(stripBearerPrefix(token), 'utf8').digest('hex').slice(0, 12);
}

/** A numeric-date claim (`exp`, `iat`) of a JWT, unverified; undefined when absent or not a JWT. */
function readJwtTime(token: string, claim: 'exp' | 'iat'): Date | undefined {
  const parts = stripBearerPrefix(token).split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || !(claim in payload)) return undefined;
  const seconds = (payload as Record<string, unknown>)[claim];
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  const at = new Date(seconds * 1000);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * Reads the `exp` claim of a JWT without verifying it (the signature is Bluestakes' business; the
 * claim only tells us when to stop using the token). Returns `undefined` for anything that is not a
 * JWT with a numeric `exp`, so opaque tokens are fine.
 */
export function readJwtExpiry(token: string): Date | undefined {
  return readJwtTime(token, 'exp');
}

/** The `iat` claim: when the upstream issued the token, on the upstream's clock. */
export function readJwtIssuedAt(token: string): Date | undefined {
  return readJwtTime(token, 'iat');
}
