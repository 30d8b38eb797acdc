import {
  DatabaseErrorException,
  type Field,
  RDSDataServiceException,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../../support/data-api';
import { long, nul, rejectionOf, str, useDataApi } from './harness';

const ID = '6f1c3b0e-8d52-4c1e-9a57-0d6f2f3c4b5a';

describe.each(availableBackends)('Data API emulator parameters (%s)', (backend) => {
  const db = useDataApi(backend);

  beforeAll(async () => {
    await db().execute(
      'CREATE TABLE items (id uuid PRIMARY KEY, n int, created_at timestamptz, data jsonb, label text, day date)',
    );
  });

  const value = async (sql: string, parameters: SqlParameter[] = []): Promise<Field | undefined> => {
    const output = await db().execute(sql, parameters);
    return output.records?.[0]?.[0];
  };

  describe('binding types as v2 does', () => {
    it('binds stringValue as text, longValue as int8, doubleValue as float8, booleanValue as bool, blob as bytea', async () => {
      const output = await db().execute(
        'SELECT pg_typeof(:s)::text, pg_typeof(:l)::text, pg_typeof(:d)::text, pg_typeof(:b)::text, pg_typeof(:x)::text',
        [
          str('s', 'x'),
          long('l', 1),
          { name: 'd', value: { doubleValue: 1.5 } },
          { name: 'b', value: { booleanValue: true } },
          { name: 'x', value: { blobValue: new Uint8Array([1]) } },
        ],
      );
      expect(output.records?.[0]?.map((field) => field.stringValue)).toEqual([
        'text',
        'bigint',
        'double precision',
        'boolean',
        'bytea',
      ]);
    });

    it('binds each typeHint as its PostgreSQL type', async () => {
      const output = await db().execute(
        'SELECT pg_typeof(:a)::text, pg_typeof(:b)::text, pg_typeof(:c)::text, pg_typeof(:d)::text, pg_typeof(:e)::text, pg_typeof(:f)::text',
        [
          str('a', '2024-05-01', 'DATE'),
          str('b', '10:11:12.5', 'TIME'),
          str('c', '2024-05-01 10:11:12.345', 'TIMESTAMP'),
          str('d', '12.50', 'DECIMAL'),
          str('e', '{"a": 1}', 'JSON'),
          str('f', ID, 'UUID'),
        ],
      );
      expect(output.records?.[0]?.map((field) => field.stringValue)).toEqual([
        'date',
        'time without time zone',
        'timestamp without time zone',
        'numeric',
        'json',
        'uuid',
      ]);
    });

    it('refuses a bare string into a uuid column', async () => {
      const error = await rejectionOf(db().execute('INSERT INTO items (id) VALUES (:id)', [str('id', ID)]));
      expect(error).toBeInstanceOf(DatabaseErrorException);
      expect(error.message).toMatch(/^ERROR: column "id" is of type uuid but expression is of type text\n/);
      expect(error.message).toMatch(/; SQLState: 42804$/);
    });

    it('refuses a bare string into an int column and into a timestamptz comparison', async () => {
      const intError = await rejectionOf(
        db().execute('INSERT INTO items (id, n) VALUES (gen_random_uuid(), :n)', [str('n', '5')]),
      );
      expect(intError.message).toContain('column "n" is of type integer but expression is of type text');
      const tsError = await rejectionOf(
        db().execute('SELECT count(*) FROM items WHERE created_at >= :since', [
          str('since', '2024-01-01 00:00:00'),
        ]),
      );
      expect(tsError.message).toContain('operator does not exist: timestamp with time zone >= text');
    });

    it('accepts a string with an explicit cast or a typeHint', async () => {
      await db().execute(
        'INSERT INTO items (id, n, data) VALUES (:id::uuid, CAST(:n AS int), :data::jsonb)',
        [str('id', ID), str('n', '5'), str('data', '{"k": "v"}')],
      );
      const output = await db().execute('SELECT n, data FROM items WHERE id = :id', [str('id', ID, 'UUID')]);
      expect(output.records).toEqual([[{ longValue: 5 }, { stringValue: '{"k":"v"}' }]]);
      await db().execute('DELETE FROM items WHERE id = :id', [str('id', ID, 'UUID')]);
    });

    it('refuses LIMIT :n as a string and accepts it as a long', async () => {
      const error = await rejectionOf(db().execute('SELECT 1 LIMIT :n', [str('n', '1')]));
      expect(error.message).toContain('argument of LIMIT must be type bigint, not type text');
      expect(await value('SELECT 7 LIMIT :n', [long('n', 1)])).toEqual({ longValue: 7 });
    });

    it('inserts an untyped NULL into int and uuid columns', async () => {
      await db().execute('INSERT INTO items (id, n, label) VALUES (gen_random_uuid(), :n, :label)', [
        nul('n'),
        nul('label'),
      ]);
      expect(await value('SELECT count(*) FROM items WHERE n IS NULL AND label IS NULL')).toEqual({
        longValue: 1,
      });
      await db().execute('DELETE FROM items');
    });

    it('round-trips a blob as bytea', async () => {
      expect(
        await value('SELECT :b', [{ name: 'b', value: { blobValue: new Uint8Array([1, 2, 255]) } }]),
      ).toEqual({
        blobValue: new Uint8Array([1, 2, 255]),
      });
    });
  });

  describe('TIMESTAMP, DATE and TIME hints', () => {
    it('refuses a TIMESTAMP hint in ISO form', async () => {
      const error = await rejectionOf(
        db().execute('SELECT :t', [
          str('t', new Date('2024-05-01T10:11:12.345Z').toISOString(), 'TIMESTAMP'),
        ]),
      );
      expect(error).toBeInstanceOf(DatabaseErrorException);
      expect(error.message).toBe('Parse Error for TimeStamp: input contains invalid characters');
    });

    it('accepts a TIMESTAMP hint as YYYY-MM-DD HH:MM:SS.FFF and stores it as UTC in timestamptz', async () => {
      await db().execute('INSERT INTO items (id, created_at) VALUES (:id::uuid, :at)', [
        str('id', ID),
        str('at', '2024-05-01 10:11:12.345', 'TIMESTAMP'),
      ]);
      expect(await value('SELECT created_at FROM items WHERE id = :id::uuid', [str('id', ID)])).toEqual({
        stringValue: '2024-05-01 10:11:12.345',
      });
      expect(await value('SELECT (extract(epoch FROM created_at) * 1000)::int8 FROM items')).toEqual({
        longValue: Date.UTC(2024, 4, 1, 10, 11, 12, 345),
      });
      await db().execute('DELETE FROM items');
    });

    it('refuses DATE and TIME hints in other formats', async () => {
      const dateError = await rejectionOf(db().execute('SELECT :d', [str('d', '05/01/2024', 'DATE')]));
      expect(dateError.message).toMatch(/^Parse Error for Date/);
      const timeError = await rejectionOf(db().execute('SELECT :t', [str('t', '10:11', 'TIME')]));
      expect(timeError.message).toMatch(/^Parse Error for Time/);
    });
  });

  describe('parameter parsing traps', () => {
    it('keeps x::date casts intact when a parameter is named date', async () => {
      const output = await db().execute("SELECT :date::date, '2024-02-03'::text::date", [
        str('date', '2024-01-02'),
      ]);
      expect(output.records).toEqual([[{ stringValue: '2024-01-02' }, { stringValue: '2024-02-03' }]]);
    });

    it('leaves :name inside a string literal alone', async () => {
      const output = await db().execute("SELECT ':name', :name", [str('name', 'bound')]);
      expect(output.records).toEqual([[{ stringValue: ':name' }, { stringValue: 'bound' }]]);
    });

    it('leaves :name inside dollar-quoted bodies, comments and quoted identifiers alone', async () => {
      const output = await db().execute('SELECT $$ :a $$ AS ":b", $q$ :c $q$ -- :d\n /* :e */');
      expect(output.records).toEqual([[{ stringValue: ' :a ' }, { stringValue: ' :c ' }]]);
    });

    it('binds a repeated name once', async () => {
      const output = await db().execute('SELECT :v || :v, pg_typeof(:v)::text', [str('v', 'ab')]);
      expect(output.records).toEqual([[{ stringValue: 'abab' }, { stringValue: 'text' }]]);
    });

    it('reads array slices as slices', async () => {
      const output = await db().execute('SELECT (ARRAY[1, 2, 3])[lo:hi] FROM (SELECT 2 AS lo, 3 AS hi) s');
      expect(output.records).toEqual([[{ arrayValue: { longValues: [2, 3] } }]]);
    });

    it('refuses a parameter the SQL uses but the request lacks', async () => {
      const error = await rejectionOf(db().execute('SELECT :present, :missing', [str('present', 'x')]));
      expect(error).toBeInstanceOf(DatabaseErrorException);
      expect(error.message).toContain(':missing');
    });

    it('refuses a parameter the SQL never uses', async () => {
      const error = await rejectionOf(db().execute('SELECT 1', [str('unused', 'x')]));
      expect(error).toBeInstanceOf(RDSDataServiceException);
      expect(error.name).toBe('ValidationException');
    });
  });

  describe('arrays and statements', () => {
    it('refuses array parameters', async () => {
      const error = await rejectionOf(
        db().execute('SELECT :ids', [{ name: 'ids', value: { arrayValue: { longValues: [1, 2] } } }]),
      );
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe('Array parameters are not supported.');
    });

    it('accepts an array literal passed as a string and cast', async () => {
      const output = await db().execute('SELECT :tags::text[], 2 = ANY(:ids::int[])', [
        str('tags', '{"a","b c"}'),
        str('ids', '{1,2,3}'),
      ]);
      expect(output.records).toEqual([
        [{ arrayValue: { stringValues: ['a', 'b c'] } }, { booleanValue: true }],
      ]);
    });

    it('refuses multistatements and runs none of them', async () => {
      const error = await rejectionOf(
        db().execute("INSERT INTO items (id, label) VALUES (gen_random_uuid(), 'multi'); DROP TABLE items"),
      );
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe("Multistatements aren't supported.");
      expect(await value("SELECT count(*) FROM items WHERE label = 'multi'")).toEqual({ longValue: 0 });
    });

    it('accepts a single trailing semicolon', async () => {
      expect(await value('SELECT 1;')).toEqual({ longValue: 1 });
    });
  });
});
