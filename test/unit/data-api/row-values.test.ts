import {
  booleanOrNull,
  numberOrNull,
  numberOrZero,
  requiredTime,
  textOrNull,
  timeOrNull,
} from '@bluestakes/token-manager/internal';
import { describe, expect, it } from 'vitest';

describe('Data API row values', () => {
  it('reads SQL NULL and a column the statement did not select as null', () => {
    for (const read of [textOrNull, numberOrNull, booleanOrNull, timeOrNull]) {
      expect(read(null)).toBeNull();
      expect(read(undefined)).toBeNull();
    }
    expect(numberOrZero(null)).toBe(0);
    expect(numberOrZero(undefined)).toBe(0);
  });

  it('reads bigints and decimals sent as strings as numbers', () => {
    expect(numberOrNull('9007199254740991')).toBe(9_007_199_254_740_991);
    expect(numberOrNull('12.50')).toBe(12.5);
    expect(numberOrZero('42')).toBe(42);
    expect(numberOrZero(7)).toBe(7);
  });

  it('reads text of any scalar and keeps only real booleans', () => {
    expect(textOrNull('Salt Lake')).toBe('Salt Lake');
    expect(textOrNull(12)).toBe('12');
    expect(booleanOrNull(false)).toBe(false);
    expect(booleanOrNull('true')).toBeNull();
  });

  it('reads a timestamptz as UTC although the Data API sends no offset', () => {
    expect(timeOrNull('2026-03-01 08:15:30.250')?.toISOString()).toBe('2026-03-01T08:15:30.250Z');
    expect(timeOrNull(1_700_000_000_000)).toBeNull();
  });

  it('names the column of a missing required timestamp', () => {
    expect(requiredTime('2026-03-01 00:00:00', 'created_at').toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(() => requiredTime(null, 'created_at')).toThrow('Column created_at came back without a timestamp');
  });
});
