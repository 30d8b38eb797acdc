import { UnsupportedResultException } from '@aws-sdk/client-rds-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from '../../support/data-api';
import { long, rejectionOf, str, useDataApi } from './harness';

describe.each(availableBackends)('Data API emulator results (%s)', (backend) => {
  const db = useDataApi(backend);

  beforeAll(async () => {
    await db().execute("CREATE TYPE mood AS ENUM ('calm', 'busy')");
    await db().execute(
      'CREATE TABLE rows_t (id serial PRIMARY KEY, name varchar(20) NOT NULL, price numeric(8,2), feeling mood, moods mood[])',
    );
  });

  const record = async (sql: string, extras = {}) => (await db().execute(sql, [], extras)).records?.[0];

  describe('value types', () => {
    it('returns integers as longValue, and as stringValue under longReturnType STRING', async () => {
      expect(await record('SELECT 42::int2, 42::int4, 42::int8')).toEqual([
        { longValue: 42 },
        { longValue: 42 },
        { longValue: 42 },
      ]);
      const asString = await record('SELECT 9007199254740993::int8', {
        resultSetOptions: { longReturnType: 'STRING' },
      });
      expect(asString).toEqual([{ stringValue: '9007199254740993' }]);
    });

    it('returns numeric as a string with its declared scale, or as a number under DOUBLE_OR_LONG', async () => {
      expect(await record('SELECT 12.5::numeric(6,2), 3::numeric')).toEqual([
        { stringValue: '12.50' },
        { stringValue: '3' },
      ]);
      const asNumbers = await record('SELECT 12.5::numeric(6,2), 3::numeric', {
        resultSetOptions: { decimalReturnType: 'DOUBLE_OR_LONG' },
      });
      expect(asNumbers).toEqual([{ doubleValue: 12.5 }, { longValue: 3 }]);
    });

    it('returns bool, float, bytea and text members', async () => {
      expect(
        await record(
          "SELECT true, 1.25::float8, 0.5::float4, '\\x0aff'::bytea, 'hi'::varchar, 'ab'::char(3)",
        ),
      ).toEqual([
        { booleanValue: true },
        { doubleValue: 1.25 },
        { doubleValue: 0.5 },
        { blobValue: new Uint8Array([10, 255]) },
        { stringValue: 'hi' },
        { stringValue: 'ab ' },
      ]);
    });

    it('returns json and jsonb compactly', async () => {
      expect(await record(`SELECT '{"x": 0, "y": "a b"}'::jsonb, '[1, {"z" : null}]'::json`)).toEqual([
        { stringValue: '{"x":0,"y":"a b"}' },
        { stringValue: '[1,{"z":null}]' },
      ]);
    });

    it('returns timestamptz converted to UTC without an offset, and timestamp/date/time as text', async () => {
      expect(
        await record(
          "SELECT '2024-01-01 10:00:00.123+02'::timestamptz, '2024-01-01 10:00:00'::timestamp, '2024-01-01'::date, '10:11:12.5'::time",
        ),
      ).toEqual([
        { stringValue: '2024-01-01 08:00:00.123' },
        { stringValue: '2024-01-01 10:00:00' },
        { stringValue: '2024-01-01' },
        { stringValue: '10:11:12.5' },
      ]);
    });

    it('returns uuid, inet and enums as strings', async () => {
      expect(
        await record("SELECT '6f1c3b0e-8d52-4c1e-9a57-0d6f2f3c4b5a'::uuid, '10.0.0.1'::inet, 'calm'::mood"),
      ).toEqual([
        { stringValue: '6f1c3b0e-8d52-4c1e-9a57-0d6f2f3c4b5a' },
        { stringValue: '10.0.0.1' },
        { stringValue: 'calm' },
      ]);
    });

    it('returns 1-D arrays with NULL elements', async () => {
      expect(
        await record(
          "SELECT '{1,NULL,3}'::int[], '{a,NULL}'::text[], '{t,f}'::bool[], '{1.5}'::float8[], '{calm,busy}'::mood[]",
        ),
      ).toEqual([
        { arrayValue: { longValues: [1, null, 3] } },
        { arrayValue: { stringValues: ['a', null] } },
        { arrayValue: { booleanValues: [true, false] } },
        { arrayValue: { doubleValues: [1.5] } },
        { arrayValue: { stringValues: ['calm', 'busy'] } },
      ]);
    });

    it('returns NULL as isNull', async () => {
      expect(await record('SELECT NULL::int, NULL::text, NULL::int[]')).toEqual([
        { isNull: true },
        { isNull: true },
        { isNull: true },
      ]);
    });

    it.each([
      ['money', 'SELECT 1::money'],
      ['interval', "SELECT '1 day'::interval"],
      ['point', 'SELECT point(1, 2)'],
      ['a multi-dimensional array', "SELECT '{{1,2},{3,4}}'::int[]"],
      ['a record', 'SELECT ROW(1, 2)'],
    ])('refuses %s with UnsupportedResultException, and ::text works', async (_, sql) => {
      const error = await rejectionOf(db().execute(sql));
      expect(error).toBeInstanceOf(UnsupportedResultException);
      expect(error.message).toMatch(/unsupported data type/);
      expect((await record(`SELECT (${sql.slice('SELECT '.length)})::text`))?.[0]).toHaveProperty(
        'stringValue',
      );
    });
  });

  describe('response shape', () => {
    it('returns records and numberOfRecordsUpdated 0 for a query, without columnMetadata unless asked', async () => {
      const output = await db().execute('SELECT 1 AS a WHERE false');
      expect(output.records).toEqual([]);
      expect(output.numberOfRecordsUpdated).toBe(0);
      expect(output.columnMetadata).toBeUndefined();
      expect(output.generatedFields).toBeUndefined();
    });

    it('describes columns when includeResultMetadata is set', async () => {
      const output = await db().execute('SELECT id, name, price, 1::int8 AS total FROM rows_t', [], {
        includeResultMetadata: true,
      });
      expect(output.columnMetadata).toEqual([
        expect.objectContaining({
          name: 'id',
          label: 'id',
          typeName: 'serial',
          type: 4,
          isAutoIncrement: true,
          nullable: 0,
          tableName: 'rows_t',
        }),
        expect.objectContaining({ name: 'name', typeName: 'varchar', type: 12, nullable: 0, precision: 20 }),
        expect.objectContaining({
          name: 'price',
          typeName: 'numeric',
          type: 2,
          nullable: 1,
          precision: 8,
          scale: 2,
        }),
        expect.objectContaining({ name: 'total', typeName: 'int8', type: -5, isAutoIncrement: false }),
      ]);
    });

    it('reports DML as numberOfRecordsUpdated with empty generatedFields and no records', async () => {
      const inserted = await db().execute("INSERT INTO rows_t (name) VALUES ('a'), ('b')");
      expect(inserted.numberOfRecordsUpdated).toBe(2);
      expect(inserted.generatedFields).toEqual([]);
      expect(inserted.records).toBeUndefined();
      const updated = await db().execute("UPDATE rows_t SET price = 1 WHERE name = 'zzz'");
      expect(updated.numberOfRecordsUpdated).toBe(0);
      await db().execute('DELETE FROM rows_t');
    });

    it('returns RETURNING rows as records', async () => {
      const output = await db().execute(
        "INSERT INTO rows_t (name, feeling) VALUES (:name, 'busy') RETURNING name, feeling",
        [str('name', 'r')],
      );
      expect(output.records).toEqual([[{ stringValue: 'r' }, { stringValue: 'busy' }]]);
      expect(output.numberOfRecordsUpdated).toBe(0);
      await db().execute('DELETE FROM rows_t');
    });

    it('formats records as JSON with formatRecordsAs JSON, applying longReturnType', async () => {
      const output = await db().execute(
        "SELECT 9007199254740993::int8 AS big, 'x' AS s, 1.50::numeric(4,2) AS d, '{1,2}'::int[] AS a, NULL AS n, '\\x01'::bytea AS b",
        [],
        { formatRecordsAs: 'JSON', resultSetOptions: { longReturnType: 'STRING' } },
      );
      expect(output.records).toBeUndefined();
      expect(output.columnMetadata).toBeUndefined();
      expect(JSON.parse(output.formattedRecords ?? '')).toEqual([
        { big: '9007199254740993', s: 'x', d: '1.50', a: [1, 2], n: null, b: 'AQ==' },
      ]);
    });

    it('refuses duplicate column labels with formatRecordsAs JSON', async () => {
      const error = await rejectionOf(db().execute('SELECT 1 AS a, 2 AS a', [], { formatRecordsAs: 'JSON' }));
      expect(error).toBeInstanceOf(UnsupportedResultException);
    });
  });

  describe('BatchExecuteStatement', () => {
    it('runs once per parameter set and returns one empty generatedFields per set, ignoring RETURNING', async () => {
      const output = await db().batch(
        'INSERT INTO rows_t (name, price) VALUES (:name, :price) RETURNING id',
        [
          [str('name', 'b1'), str('price', '1.10', 'DECIMAL')],
          [str('name', 'b2'), { name: 'price', value: { isNull: true } }],
        ],
      );
      expect(output.updateResults).toEqual([{ generatedFields: [] }, { generatedFields: [] }]);
      expect(await record("SELECT count(*) FROM rows_t WHERE name LIKE 'b%'")).toEqual([{ longValue: 2 }]);
      await db().execute('DELETE FROM rows_t');
    });

    it('runs a parameterless statement once for [[]]', async () => {
      const output = await db().batch("INSERT INTO rows_t (name) VALUES ('once')", [[]]);
      expect(output.updateResults).toHaveLength(1);
      expect(await record('SELECT count(*) FROM rows_t')).toEqual([{ longValue: 1 }]);
      await db().execute('DELETE FROM rows_t');
    });

    it('applies all sets or none when one fails', async () => {
      const error = await rejectionOf(
        db().batch('INSERT INTO rows_t (id, name) VALUES (:id, :name)', [
          [long('id', 1), str('name', 'first')],
          [long('id', 1), str('name', 'duplicate')],
        ]),
      );
      expect(error.message).toMatch(/duplicate key value violates unique constraint .*SQLState: 23505$/s);
      expect(await record('SELECT count(*) FROM rows_t')).toEqual([{ longValue: 0 }]);
    });
  });
});
