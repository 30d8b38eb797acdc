import { splitSqlStatements } from '@bluestakes/token-manager/internal';
import { describe, expect, it } from 'vitest';

describe('splitSqlStatements', () => {
  it('splits on semicolons between statements', () => {
    expect(splitSqlStatements('SELECT 1;\nSELECT 2;')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('keeps semicolons inside literals, quoted identifiers, dollar quotes and comments', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 'it''s;');",
      'SELECT "odd;name" FROM t;',
      'DO $$ BEGIN PERFORM 1; END $$;',
      'DO $body$ BEGIN PERFORM 2; END $body$;',
      '-- a comment; with a semicolon',
      'SELECT /* inline; */ 3',
    ].join('\n');

    expect(splitSqlStatements(sql)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s;')",
      'SELECT "odd;name" FROM t',
      'DO $$ BEGIN PERFORM 1; END $$',
      'DO $body$ BEGIN PERFORM 2; END $body$',
      '-- a comment; with a semicolon\nSELECT /* inline; */ 3',
    ]);
  });

  it('drops parts that hold only comments or white space', () => {
    expect(splitSqlStatements('-- only a comment\n;\n  ;')).toEqual([]);
  });
});
