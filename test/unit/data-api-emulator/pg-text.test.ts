import { describe, expect, it } from 'vitest';
import {
  compactJson,
  decodeBytea,
  parseArrayLiteral,
  timestamptzToUtc,
} from '../../../local/data-api-emulator/pg-text';

describe('parseArrayLiteral', () => {
  it('reads elements with NULLs', () => {
    expect(parseArrayLiteral('{1,NULL,3}')).toEqual(['1', null, '3']);
  });

  it('reads quoted elements with commas, escapes and the string "NULL"', () => {
    expect(parseArrayLiteral('{"a,b","say \\"hi\\"","NULL","back\\\\slash",plain}')).toEqual([
      'a,b',
      'say "hi"',
      'NULL',
      'back\\slash',
      'plain',
    ]);
  });

  it('reads an empty array and one with explicit bounds', () => {
    expect(parseArrayLiteral('{}')).toEqual([]);
    expect(parseArrayLiteral('[2:3]={7,8}')).toEqual(['7', '8']);
  });

  it('reports multi-dimensional arrays as undefined', () => {
    expect(parseArrayLiteral('{{1,2},{3,4}}')).toBeUndefined();
    expect(parseArrayLiteral('[1:1][1:2]={{1,2}}')).toBeUndefined();
  });
});

describe('decodeBytea', () => {
  it('decodes hex output', () => {
    expect([...decodeBytea('\\x00ff10')]).toEqual([0, 255, 16]);
  });

  it('decodes escape output', () => {
    expect([...decodeBytea('a\\000\\\\b')]).toEqual([97, 0, 92, 98]);
  });
});

describe('timestamptzToUtc', () => {
  it('drops a zero offset and keeps the fraction as PostgreSQL printed it', () => {
    expect(timestamptzToUtc('2024-01-01 10:00:00+00')).toBe('2024-01-01 10:00:00');
    expect(timestamptzToUtc('2024-01-01 10:00:00.123+00')).toBe('2024-01-01 10:00:00.123');
  });

  it('converts other offsets to UTC, across a date boundary', () => {
    expect(timestamptzToUtc('2024-01-01 01:30:00.5+05:30')).toBe('2023-12-31 20:00:00.5');
    expect(timestamptzToUtc('2024-02-28 22:00:00-07')).toBe('2024-02-29 05:00:00');
  });

  it('leaves infinity alone', () => {
    expect(timestamptzToUtc('infinity')).toBe('infinity');
  });
});

describe('compactJson', () => {
  it('removes whitespace outside strings only', () => {
    expect(compactJson('{"x": 0, "y": "a b", "z": [1, 2]}')).toBe('{"x":0,"y":"a b","z":[1,2]}');
  });

  it('keeps escaped quotes and big numbers exactly', () => {
    expect(compactJson('{"q": "say \\"hi : there\\"", "n": 123456789012345678901234567890}')).toBe(
      '{"q":"say \\"hi : there\\"","n":123456789012345678901234567890}',
    );
  });
});
