import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  readJwtExpiry,
  stripBearerPrefix,
  tokenFingerprint,
} from '../../../functions/layers/token-manager/src/bluestakes';

function jwt(payload: unknown): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.c2lnbmF0dXJl`;
}

describe('stripBearerPrefix', () => {
  it('removes one Bearer prefix in any case and trims', () => {
    expect(stripBearerPrefix('Bearer abc')).toBe('abc');
    expect(stripBearerPrefix('  bearer   abc  ')).toBe('abc');
    expect(stripBearerPrefix('Bearer Bearer abc')).toBe('Bearer abc');
    expect(stripBearerPrefix('Bearer ')).toBe('');
    expect(stripBearerPrefix('BearerToken')).toBe('BearerToken');
  });

  it('returns a bare token unchanged', () => {
    expect(stripBearerPrefix('abc.def')).toBe('abc.def');
  });
});

describe('tokenFingerprint', () => {
  it('is the first 12 hex characters of the SHA-256 of the token', () => {
    const expected = createHash('sha256').update('tok-123').digest('hex').slice(0, 12);
    expect(tokenFingerprint('tok-123')).toBe(expected);
    expect(tokenFingerprint('tok-123')).toMatch(/^[0-9a-f]{12}$/);
  });

  it('gives the same id with or without the Bearer prefix, and different ids for different tokens', () => {
    expect(tokenFingerprint('Bearer tok-123')).toBe(tokenFingerprint('tok-123'));
    expect(tokenFingerprint('tok-124')).not.toBe(tokenFingerprint('tok-123'));
  });
});

describe('readJwtExpiry', () => {
  it('reads the exp claim of a JWT as a Date', () => {
    expect(readJwtExpiry(jwt({ sub: 'bob', exp: 1_750_000_000 }))).toEqual(new Date(1_750_000_000_000));
    expect(readJwtExpiry(`Bearer ${jwt({ exp: 1_750_000_000.5 })}`)).toEqual(new Date(1_750_000_000_500));
  });

  it('returns undefined when there is no usable exp', () => {
    expect(readJwtExpiry(jwt({ sub: 'bob' }))).toBeUndefined();
    expect(readJwtExpiry(jwt({ exp: '1750000000' }))).toBeUndefined();
    expect(readJwtExpiry(jwt({ exp: -1 }))).toBeUndefined();
    expect(readJwtExpiry(jwt(['exp']))).toBeUndefined();
    expect(readJwtExpiry(jwt(null))).toBeUndefined();
  });

  it('tolerates tokens that are not JWTs', () => {
    for (const token of [
      'opaque-token',
      'a.b',
      'a.b.c.d',
      'x.!!!.y',
      `x.${Buffer.from('not json').toString('base64url')}.y`,
      '',
    ]) {
      expect(readJwtExpiry(token), token).toBeUndefined();
    }
  });
});
