import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_AFTER_CAP_MS,
  parseRetryAfter,
} from '../../../functions/layers/token-manager/src/bluestakes';

const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', NOW)).toBe(7_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('keeps sub-second precision of fractional seconds', () => {
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
  });

  it('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Jun 2025 12:01:00 GMT', new Date(NOW))).toBe(60_000);
  });

  it('reads the obsolete RFC 850 and asctime date forms', () => {
    expect(parseRetryAfter('Monday, 02-Jun-25 12:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Mon Jun  2 12:00:20 2025', NOW)).toBe(20_000);
  });

  it('turns a date in the past into no wait at all', () => {
    expect(parseRetryAfter('Mon, 02 Jun 2025 11:00:00 GMT', NOW)).toBe(0);
  });

  it('caps long waits at ten minutes by default, or at the cap given', () => {
    expect(DEFAULT_RETRY_AFTER_CAP_MS).toBe(600_000);
    expect(parseRetryAfter('86400', NOW)).toBe(600_000);
    expect(parseRetryAfter('Tue, 03 Jun 2025 12:00:00 GMT', NOW)).toBe(600_000);
    expect(parseRetryAfter('90', NOW, 60_000)).toBe(60_000);
  });

  it('returns undefined when the header is absent or unreadable', () => {
    for (const value of [undefined, null, '', '   ', 'soon', '-5', '12abc', '1e3', 'Mon, 99 Foo 2025 GMT']) {
      expect(parseRetryAfter(value, NOW), String(value)).toBeUndefined();
    }
  });

  it('uses the first value of a repeated header', () => {
    expect(parseRetryAfter(['3', '9'], NOW)).toBe(3_000);
    expect(parseRetryAfter([], NOW)).toBeUndefined();
  });
});
