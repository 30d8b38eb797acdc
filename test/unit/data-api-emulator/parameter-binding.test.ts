import { describe, expect, it } from 'vitest';
import { bindParameters } from '../../../local/data-api-emulator/parameter-binding';
import type { SqlParameterInput, TypeHint } from '../../../local/data-api-emulator/request-validation';
import { parseSqlTemplate } from '../../../local/data-api-emulator/sql-parameters';
import { errorOf } from './support/error-of';

const bindOne = (parameter: SqlParameterInput) =>
  bindParameters(parseSqlTemplate(`SELECT :${parameter.name}`), [parameter])[0];
const hinted = (value: string, typeHint: TypeHint): SqlParameterInput => ({
  name: 'p',
  value: { kind: 'string', value },
  typeHint,
});

describe('bindParameters', () => {
  it('binds each Field member as v2 does', () => {
    expect(bindOne({ name: 's', value: { kind: 'string', value: 'abc' } })).toEqual({
      type: 'text',
      text: 'abc',
    });
    expect(bindOne({ name: 'l', value: { kind: 'long', value: 42 } })).toEqual({ type: 'int8', text: '42' });
    expect(bindOne({ name: 'd', value: { kind: 'double', value: 1.5 } })).toEqual({
      type: 'float8',
      text: '1.5',
    });
    expect(bindOne({ name: 'b', value: { kind: 'boolean', value: false } })).toEqual({
      type: 'bool',
      text: 'false',
    });
    expect(bindOne({ name: 'x', value: { kind: 'blob', value: 'AQID' } })).toEqual({
      type: 'bytea',
      text: '\\x010203',
    });
    expect(bindOne({ name: 'n', value: { kind: 'null' } })).toEqual({ type: 'unknown', text: null });
  });

  it('binds hinted strings and hinted NULLs as the hinted type', () => {
    expect(bindOne(hinted('2024-01-02 03:04:05.678', 'TIMESTAMP'))).toEqual({
      type: 'timestamp',
      text: '2024-01-02 03:04:05.678',
    });
    expect(bindOne({ name: 'u', value: { kind: 'null' }, typeHint: 'UUID' })).toEqual({
      type: 'uuid',
      text: null,
    });
  });

  it('refuses a TIMESTAMP hint in ISO form', () => {
    const error = errorOf(() => bindOne(hinted('2024-01-02T03:04:05.678Z', 'TIMESTAMP')));
    expect(error.errorType).toBe('DatabaseErrorException');
    expect(error.message).toBe('Parse Error for TimeStamp: input contains invalid characters');
  });

  it('refuses DATE and TIME hints in other formats', () => {
    expect(errorOf(() => bindOne(hinted('2024/01/02', 'DATE'))).message).toMatch(/^Parse Error for Date/);
    expect(errorOf(() => bindOne(hinted('2024-01-02', 'TIMESTAMP'))).message).toMatch(
      /^Parse Error for TimeStamp/,
    );
    expect(errorOf(() => bindOne(hinted('3:04', 'TIME'))).message).toMatch(/^Parse Error for Time/);
  });

  it('refuses a referenced parameter that was not supplied', () => {
    const error = errorOf(() => bindParameters(parseSqlTemplate('SELECT :a, :b'), []));
    expect(error.errorType).toBe('DatabaseErrorException');
    expect(error.message).toContain(':a, :b');
  });

  it('refuses a supplied parameter the SQL never references', () => {
    const error = errorOf(() =>
      bindParameters(parseSqlTemplate('SELECT 1'), [{ name: 'extra', value: { kind: 'long', value: 1 } }]),
    );
    expect(error.errorType).toBe('ValidationException');
  });
});
