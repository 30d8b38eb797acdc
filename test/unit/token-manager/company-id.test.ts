import { InvalidInputError } from '@bluestakes/token-manager';
import { parseCompanyId } from '@bluestakes/token-manager/internal';
import { describe, expect, it } from 'vitest';

describe('parseCompanyId', () => {
  it('accepts positive integers within bigint range, as strings or safe numbers', () => {
    expect(parseCompanyId('42')).toBe('42');
    expect(parseCompanyId(42)).toBe('42');
    expect(parseCompanyId('0042')).toBe('42');
    expect(parseCompanyId('9223372036854775807')).toBe('9223372036854775807');
  });

  it.each([
    '0',
    '-1',
    '1.5',
    'abc',
    '',
    ' ',
    '9223372036854775808',
    '1e3',
    '12345678901234567890',
    null,
    {},
    1.5,
  ])('refuses %j with an error naming the field', (value) => {
    expect(() => parseCompanyId(value)).toThrow(InvalidInputError);
    expect(() => parseCompanyId(value)).toThrow(/company_id/);
  });
});
