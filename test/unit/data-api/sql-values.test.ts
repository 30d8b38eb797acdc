import {
  extractSqlState,
  parseDataApiTimestamp,
  toDataApiTimestamp,
} from '@bluestakes/token-manager/internal';
import { describe, expect, it } from 'vitest';

describe('Data API value mapping', () => {
  it('formats timestamps as UTC with a space and milliseconds, never ISO T/Z', () => {
    expect(toDataApiTimestamp(new Date('2026-11-27T09:05:03.007Z'))).toBe('2026-11-27 09:05:03.007');
  });

  it('reads a timestamptz without offset as UTC', () => {
    expect(parseDataApiTimestamp('2026-11-27 09:05:03.5').toISOString()).toBe('2026-11-27T09:05:03.500Z');
    expect(parseDataApiTimestamp('2026-11-27 09:05:03').toISOString()).toBe('2026-11-27T09:05:03.000Z');
  });

  it('refuses to bind an invalid date', () => {
    expect(() => toDataApiTimestamp(new Date('nope'))).toThrow(/invalid Date/);
  });

  it('extracts the SQLState suffix', () => {
    expect(extractSqlState('ERROR: boom; SQLState: 40001')).toBe('40001');
    expect(extractSqlState('no state here')).toBeUndefined();
  });
});
