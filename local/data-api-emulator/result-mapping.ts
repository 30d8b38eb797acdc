/**
 * Shapes a PostgreSQL result (text format) into an ExecuteStatement response the way v2 does: one Field
 * union member per cell, timestamptz in UTC without an offset, compact JSON, 1-D arrays, unsupported types
 * refused, columnMetadata only on request, `formattedRecords` for formatRecordsAs JSON, and a cap on the
 * response size.
 */
import { unsupportedResultError } from './errors';
import { compactJson, decodeBytea, parseArrayLiteral, timestamptzToUtc } from './pg-text';
import { type ColumnType, JDBC_ARRAY, type ScalarType } from './pg-types';
import type { ResultSetOptions } from './request-validation';

export interface RawField {
  readonly name: string;
  readonly dataTypeID: number;
  readonly tableID: number;
  readonly columnID: number;
  readonly dataTypeModifier: number;
}

export interface RawResult {
  /** First word of the command tag (SELECT, INSERT, ...), or null for an empty query. */
  readonly command: string | null;
  readonly rowCount: number | null;
  /** null when the statement returns no rows at all (DML without RETURNING, DDL). */
  readonly fields: readonly RawField[] | null;
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
}

/** What pg_attribute says about a result column that comes straight from a table. */
export interface ColumnDetails {
  readonly notNull: boolean;
  readonly autoIncrement: boolean;
  readonly tableName: string;
}

export interface ResultMappingOptions {
  readonly includeResultMetadata: boolean;
  readonly formatRecordsAs: 'NONE' | 'JSON';
  readonly resultSetOptions: ResultSetOptions;
  readonly responseSizeLimitBytes: number;
}

export type FieldOutput =
  | { readonly isNull: true }
  | { readonly booleanValue: boolean }
  | { readonly longValue: number }
  | { readonly doubleValue: number | string }
  | { readonly stringValue: string }
  | { readonly blobValue: string }
  | { readonly arrayValue: Readonly<Record<string, ReadonlyArray<unknown>>> };

export const RESPONSE_TOO_LARGE_MESSAGE = 'Database response exceeded size limit';

const NULL_FIELD: FieldOutput = { isNull: true };

/** resultSetOptions apply to scalar columns; array elements keep their natural types (as in `records`). */
const ARRAY_ELEMENT_OPTIONS: ResultSetOptions = { decimalReturnType: 'STRING', longReturnType: 'LONG' };

/** Number when finite; JSON has no NaN/Infinity, so those travel as strings (as Jackson writes them). */
const toDouble = (text: string): number | string => {
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
};

function scalarText(type: ScalarType, text: string): string {
  if (type.kind === 'json') return compactJson(text);
  if (type.kind === 'timestamptz') return timestamptzToUtc(text);
  return text;
}

function scalarField(type: ScalarType, text: string, options: ResultSetOptions): FieldOutput {
  switch (type.kind) {
    case 'int':
      return options.longReturnType === 'STRING' ? { stringValue: text } : { longValue: Number(text) };
    case 'float':
      return { doubleValue: toDouble(text) };
    case 'numeric':
      if (options.decimalReturnType === 'STRING') return { stringValue: text };
      return /^-?\d+$/.test(text) ? { longValue: Number(text) } : { doubleValue: toDouble(text) };
    case 'bool':
      return { booleanValue: text === 't' };
    case 'bytea':
      return { blobValue: decodeBytea(text).toString('base64') };
    case 'void':
      return NULL_FIELD;
    default:
      return { stringValue: scalarText(type, text) };
  }
}

function arrayElements(column: ColumnType, text: string): Array<string | null> {
  const elements = parseArrayLiteral(text);
  if (!elements) {
    throw unsupportedResultError(
      `The result contains the unsupported data type ${column.name} (multidimensional array).`,
    );
  }
  return elements;
}

function arrayField(column: ColumnType & { category: 'array' }, text: string): FieldOutput {
  const elements = arrayElements(column, text);
  const element = column.element;
  const map = <T>(convert: (value: string) => T): Array<T | null> =>
    elements.map((value) => (value === null ? null : convert(value)));
  switch (element.kind) {
    case 'int':
      return { arrayValue: { longValues: map(Number) } };
    case 'float':
      return { arrayValue: { doubleValues: map(toDouble) } };
    case 'bool':
      return { arrayValue: { booleanValues: map((value) => value === 't') } };
    default:
      return { arrayValue: { stringValues: map((value) => scalarText(element, value)) } };
  }
}

function cellField(column: ColumnType, text: string | null, options: ResultSetOptions): FieldOutput {
  if (text === null) return NULL_FIELD;
  if (column.category === 'array') return arrayField(column, text);
  if (column.category === 'scalar') return scalarField(column.scalar, text, options);
  throw unsupportedResultError(`The result contains the unsupported data type ${column.name}.`);
}

/** A cell as JSON text for formattedRecords, keeping integer digits exact. */
function jsonScalar(type: ScalarType, text: string, options: ResultSetOptions): string {
  const number = (raw: string): string => (Number.isFinite(Number(raw)) ? raw : JSON.stringify(raw));
  switch (type.kind) {
    case 'int':
      return options.longReturnType === 'STRING' ? JSON.stringify(text) : text;
    case 'float':
      return number(text);
    case 'numeric':
      return options.decimalReturnType === 'STRING' ? JSON.stringify(text) : number(text);
    case 'bool':
      return text === 't' ? 'true' : 'false';
    case 'bytea':
      return JSON.stringify(decodeBytea(text).toString('base64'));
    case 'void':
      return 'null';
    default:
      return JSON.stringify(scalarText(type, text));
  }
}

function jsonCell(column: ColumnType, text: string | null, options: ResultSetOptions): string {
  if (text === null) return 'null';
  if (column.category === 'scalar') return jsonScalar(column.scalar, text, options);
  if (column.category === 'array') {
    const element = column.element;
    const items = arrayElements(column, text).map((value) =>
      value === null ? 'null' : jsonScalar(element, value, ARRAY_ELEMENT_OPTIONS),
    );
    return `[${items.join(',')}]`;
  }
  throw unsupportedResultError(`The result contains the unsupported data type ${column.name}.`);
}

function precisionAndScale(type: ColumnType, modifier: number): { precision: number; scale: number } {
  if (type.category !== 'scalar') return { precision: 2147483647, scale: 0 };
  const fixed: Record<string, [number, number]> = {
    bool: [1, 0],
    int2: [5, 0],
    int4: [10, 0],
    int8: [19, 0],
    oid: [10, 0],
    float4: [8, 8],
    float8: [17, 17],
    date: [13, 0],
    char: [1, 0],
  };
  const known = fixed[type.name];
  if (known) return { precision: known[0], scale: known[1] };
  switch (type.name) {
    case 'numeric':
      return modifier < 4
        ? { precision: 0, scale: 0 }
        : { precision: ((modifier - 4) >> 16) & 0xffff, scale: (modifier - 4) & 0xffff };
    case 'varchar':
    case 'bpchar':
      return { precision: modifier < 4 ? 2147483647 : modifier - 4, scale: 0 };
    case 'time':
    case 'timestamp':
    case 'timestamptz': {
      const scale = modifier < 0 ? 6 : modifier;
      const base = type.name === 'time' ? 8 : type.name === 'timestamp' ? 19 : 22;
      return { precision: base + (scale > 0 ? scale + 1 : 0), scale };
    }
    default:
      return { precision: 2147483647, scale: 0 };
  }
}

const SERIAL_NAMES: Readonly<Record<string, string>> = {
  int2: 'smallserial',
  int4: 'serial',
  int8: 'bigserial',
};

function columnMetadata(field: RawField, type: ColumnType, details: ColumnDetails | undefined) {
  const scalar = type.category === 'scalar' ? type.scalar : undefined;
  const kind = scalar?.kind;
  const autoIncrement = details?.autoIncrement ?? false;
  return {
    arrayBaseColumnType: type.category === 'array' ? type.element.jdbcType : 0,
    isAutoIncrement: autoIncrement,
    isCaseSensitive: kind === 'string' || kind === 'json',
    isCurrency: false,
    isSigned: kind === 'int' || kind === 'float' || kind === 'numeric',
    label: field.name,
    name: field.name,
    nullable: details?.notNull ? 0 : 1,
    ...precisionAndScale(type, field.dataTypeModifier),
    schemaName: '',
    tableName: details?.tableName ?? '',
    type: type.category === 'array' ? JDBC_ARRAY : (scalar?.jdbcType ?? 1111),
    typeName: (autoIncrement && SERIAL_NAMES[type.name]) || type.name,
  };
}

function checkSize(body: unknown, limit: number): void {
  if (Buffer.byteLength(JSON.stringify(body)) > limit)
    throw unsupportedResultError(RESPONSE_TOO_LARGE_MESSAGE);
}

export function mapExecuteResult(
  raw: RawResult,
  columnTypes: readonly ColumnType[],
  columnDetails: ReadonlyArray<ColumnDetails | undefined>,
  options: ResultMappingOptions,
): Record<string, unknown> {
  const fields = raw.fields;
  if (fields === null) return { numberOfRecordsUpdated: raw.rowCount ?? 0, generatedFields: [] };

  const unsupported = columnTypes.find((type) => type.category === 'unsupported');
  if (unsupported)
    throw unsupportedResultError(`The result contains the unsupported data type ${unsupported.name}.`);

  const limit = options.responseSizeLimitBytes;
  const types = (index: number): ColumnType => columnTypes[index]!;
  // Rows are measured as they are built so an oversized result fails before it is all in memory twice.
  let approximateSize = 0;
  const grow = (piece: string | object): void => {
    approximateSize += typeof piece === 'string' ? piece.length : JSON.stringify(piece).length;
    if (approximateSize > limit) throw unsupportedResultError(RESPONSE_TOO_LARGE_MESSAGE);
  };

  if (options.formatRecordsAs === 'JSON') {
    const labels = fields.map((field) => field.name);
    const duplicate = labels.find((label, index) => labels.indexOf(label) !== index);
    if (duplicate !== undefined) {
      throw unsupportedResultError(
        `The result set contains duplicate column label "${duplicate}"; use unique column aliases with formatRecordsAs JSON.`,
      );
    }
    const keys = labels.map((label) => JSON.stringify(label));
    const objects = raw.rows.map((row) => {
      const members = row.map(
        (text, index) => `${keys[index]}:${jsonCell(types(index), text, options.resultSetOptions)}`,
      );
      const object = `{${members.join(',')}}`;
      grow(object);
      return object;
    });
    const body = { formattedRecords: `[${objects.join(',')}]`, numberOfRecordsUpdated: 0 };
    checkSize(body, limit);
    return body;
  }

  const records = raw.rows.map((row) => {
    const record = row.map((text, index) => cellField(types(index), text, options.resultSetOptions));
    grow(record);
    return record;
  });
  const body: Record<string, unknown> = { records, numberOfRecordsUpdated: 0 };
  if (options.includeResultMetadata) {
    body.columnMetadata = fields.map((field, index) =>
      columnMetadata(field, types(index), columnDetails[index]),
    );
  }
  checkSize(body, limit);
  return body;
}
