import { describe, expect, it } from 'vitest';
import { builtinColumnType, type ColumnType } from '../../../local/data-api-emulator/pg-types';
import {
  mapExecuteResult,
  type RawResult,
  type ResultMappingOptions,
} from '../../../local/data-api-emulator/result-mapping';
import { errorOf } from './support/error-of';

const OIDS = {
  int4: 23,
  int8: 20,
  float8: 701,
  numeric: 1700,
  bool: 16,
  bytea: 17,
  text: 25,
  jsonb: 3802,
  timestamptz: 1184,
  int4Array: 1007,
  textArray: 1009,
};

const DEFAULTS: ResultMappingOptions = {
  includeResultMetadata: false,
  formatRecordsAs: 'NONE',
  resultSetOptions: { decimalReturnType: 'STRING', longReturnType: 'LONG' },
  responseSizeLimitBytes: 1024 * 1024,
};

function select(columns: Array<[string, number]>, rows: Array<Array<string | null>>): RawResult {
  return {
    command: 'SELECT',
    rowCount: rows.length,
    fields: columns.map(([name, oid]) => ({
      name,
      dataTypeID: oid,
      tableID: 0,
      columnID: 0,
      dataTypeModifier: -1,
    })),
    rows,
  };
}

const typesOf = (raw: RawResult): ColumnType[] =>
  (raw.fields ?? []).map(
    (field) => builtinColumnType(field.dataTypeID) ?? { category: 'unsupported', name: 'money' },
  );

function map(raw: RawResult, options: Partial<ResultMappingOptions> = {}) {
  return mapExecuteResult(raw, typesOf(raw), [], { ...DEFAULTS, ...options });
}

describe('mapExecuteResult', () => {
  it('returns numberOfRecordsUpdated and empty generatedFields for statements without rows', () => {
    expect(map({ command: 'UPDATE', rowCount: 3, fields: null, rows: [] })).toEqual({
      numberOfRecordsUpdated: 3,
      generatedFields: [],
    });
  });

  it('returns records and numberOfRecordsUpdated 0 for a query, without metadata unless asked', () => {
    const output = map(select([['n', OIDS.int4]], [['1'], [null]]));
    expect(output).toEqual({ records: [[{ longValue: 1 }], [{ isNull: true }]], numberOfRecordsUpdated: 0 });
  });

  it('maps integers to longValue, or to stringValue under longReturnType STRING', () => {
    const raw = select([['big', OIDS.int8]], [['9007199254740993']]);
    expect(map(raw).records).toEqual([[{ longValue: 9007199254740992 }]]);
    expect(
      map(raw, { resultSetOptions: { decimalReturnType: 'STRING', longReturnType: 'STRING' } }).records,
    ).toEqual([[{ stringValue: '9007199254740993' }]]);
  });

  it('maps numeric to a string, or to long/double under DOUBLE_OR_LONG', () => {
    const raw = select(
      [
        ['a', OIDS.numeric],
        ['b', OIDS.numeric],
      ],
      [['12.50', '7']],
    );
    expect(map(raw).records).toEqual([[{ stringValue: '12.50' }, { stringValue: '7' }]]);
    const options = {
      resultSetOptions: { decimalReturnType: 'DOUBLE_OR_LONG', longReturnType: 'LONG' },
    } as const;
    expect(map(raw, options).records).toEqual([[{ doubleValue: 12.5 }, { longValue: 7 }]]);
  });

  it('maps bool, float8, bytea, compact JSON and timestamptz in UTC', () => {
    const raw = select(
      [
        ['flag', OIDS.bool],
        ['ratio', OIDS.float8],
        ['blob', OIDS.bytea],
        ['doc', OIDS.jsonb],
        ['at', OIDS.timestamptz],
      ],
      [['t', '1.5', '\\x010203', '{"x": 0, "y": "0"}', '2024-01-01 10:00:00.25+00']],
    );
    expect(map(raw).records).toEqual([
      [
        { booleanValue: true },
        { doubleValue: 1.5 },
        { blobValue: 'AQID' },
        { stringValue: '{"x":0,"y":"0"}' },
        { stringValue: '2024-01-01 10:00:00.25' },
      ],
    ]);
  });

  it('maps 1-D arrays with NULL elements and refuses multi-dimensional ones', () => {
    const raw = select(
      [
        ['ints', OIDS.int4Array],
        ['texts', OIDS.textArray],
      ],
      [['{1,NULL,3}', '{a,"b c"}']],
    );
    expect(map(raw).records).toEqual([
      [{ arrayValue: { longValues: [1, null, 3] } }, { arrayValue: { stringValues: ['a', 'b c'] } }],
    ]);
    const error = errorOf(() => map(select([['grid', OIDS.int4Array]], [['{{1,2},{3,4}}']])));
    expect(error.errorType).toBe('UnsupportedResultException');
  });

  it('refuses a column of an unsupported type even when there are no rows', () => {
    const raw = select([['price', 790]], []);
    const error = errorOf(() =>
      mapExecuteResult(raw, [{ category: 'unsupported', name: 'money' }], [], DEFAULTS),
    );
    expect(error.errorType).toBe('UnsupportedResultException');
    expect(error.message).toContain('money');
  });

  it('adds columnMetadata only when asked', () => {
    const output = map(select([['n', OIDS.int8]], [['1']]), { includeResultMetadata: true });
    expect(output.columnMetadata).toEqual([
      expect.objectContaining({ name: 'n', label: 'n', typeName: 'int8', type: -5, isSigned: true }),
    ]);
  });

  it('formats records as a JSON string with exact integers and no records member', () => {
    const raw = select(
      [
        ['id', OIDS.int8],
        ['name', OIDS.text],
        ['tags', OIDS.textArray],
      ],
      [['9007199254740993', 'x', '{a,NULL}']],
    );
    const output = map(raw, { formatRecordsAs: 'JSON' });
    expect(output).toEqual({
      formattedRecords: '[{"id":9007199254740993,"name":"x","tags":["a",null]}]',
      numberOfRecordsUpdated: 0,
    });
  });

  it('refuses duplicate column labels with formatRecordsAs JSON', () => {
    const raw = select(
      [
        ['a', OIDS.int4],
        ['a', OIDS.int4],
      ],
      [['1', '2']],
    );
    expect(errorOf(() => map(raw, { formatRecordsAs: 'JSON' })).errorType).toBe('UnsupportedResultException');
  });

  it('fails when the response would exceed the size limit', () => {
    const raw = select([['s', OIDS.text]], [['x'.repeat(600)], ['y'.repeat(600)]]);
    expect(map(raw, { responseSizeLimitBytes: 2000 }).records).toHaveLength(2);
    const error = errorOf(() => map(raw, { responseSizeLimitBytes: 1000 }));
    expect(error.message).toBe('Database response exceeded size limit');
  });
});
