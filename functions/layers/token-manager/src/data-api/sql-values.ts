import type { Field, SqlParameter } from '@aws-sdk/client-rds-data';
import { InvalidInputError } from '../errors';

/**
 * Values a statement may bind. Strings bind as `text` on the Data API, so SQL casts them where a
 * column has another type (`CAST(:id AS bigint)`); dates go as TIMESTAMP-hinted UTC strings.
 */
export type SqlValue = string | number | boolean | Date | null | Uint8Array | SqlJson;

/** Wraps a value to be sent as a JSON-hinted string (bind into json/jsonb columns). */
export interface SqlJson {
  readonly json: unknown;
}

export type SqlParams = Readonly<Record<string, SqlValue>>;

export function sqlJson(value: unknown): SqlJson {
  return { json: value };
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS.fff` in UTC: the only TIMESTAMP form the Data API accepts (no `T`, no `Z`). */
export function toDataApiTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new InvalidInputError('timestamp', 'Cannot bind an invalid Date');
  }
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.` +
    pad(date.getUTCMilliseconds(), 3)
  );
}

/**
 * Reads a timestamptz the Data API returned: UTC without an offset, so `Z` is appended before
 * parsing (otherwise `new Date` would read it as local time).
 */
export function parseDataApiTimestamp(value: string): Date {
  const iso = `${value.trim().replace(' ', 'T')}${/[zZ]|[+-]\d\d(:?\d\d)?$/.test(value) ? '' : 'Z'}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`Not a Data API timestamp: "${value}"`);
  }
  return date;
}

function isSqlJson(value: unknown): value is SqlJson {
  return typeof value === 'object' && value !== null && 'json' in value && !(value instanceof Date);
}

function toField(name: string, value: SqlValue): Pick<SqlParameter, 'value' | 'typeHint'> {
  if (value === null) return { value: { isNull: true } };
  if (typeof value === 'string') return { value: { stringValue: value } };
  if (typeof value === 'boolean') return { value: { booleanValue: value } };
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new InvalidInputError(name, `Parameter ${name} must be a finite number`);
    return Number.isInteger(value) ? { value: { longValue: value } } : { value: { doubleValue: value } };
  }
  if (value instanceof Date)
    return { value: { stringValue: toDataApiTimestamp(value) }, typeHint: 'TIMESTAMP' };
  if (value instanceof Uint8Array) return { value: { blobValue: value } };
  if (isSqlJson(value)) return { value: { stringValue: JSON.stringify(value.json) }, typeHint: 'JSON' };
  throw new InvalidInputError(name, `Parameter ${name} has an unsupported type`);
}

/** Named parameters in the Data API's shape, each with the member and typeHint its JS type needs. */
export function toSqlParameters(params: SqlParams): SqlParameter[] {
  return Object.entries(params).map(([name, value]) => ({ name, ...toField(name, value) }));
}

export type ResultValue = string | number | boolean | null | Uint8Array | ResultValue[];

/** One cell as a plain JS value (integers arrive as strings because we ask for `longReturnType: STRING`). */
export function fromField(field: Field): ResultValue {
  if (field.isNull) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.blobValue !== undefined) return field.blobValue;
  const array = field.arrayValue;
  if (array !== undefined) {
    return (array.stringValues ??
      array.longValues ??
      array.doubleValues ??
      array.booleanValues ??
      (array.arrayValues ?? []).map((inner) =>
        inner ? fromField({ arrayValue: inner }) : null,
      )) as ResultValue[];
  }
  return null;
}
