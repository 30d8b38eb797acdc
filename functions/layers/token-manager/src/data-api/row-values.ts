/**
 * Typed reads of one value of a Data API result row. SQL NULL and a column the statement did not
 * select both read as `null`, so a caller decides once, at the mapping, what a missing value means.
 */
import { parseDataApiTimestamp, type ResultValue } from './sql-values';

type Value = ResultValue | undefined;

export function textOrNull(value: Value): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** Numbers and the strings bigints and decimals come back as (`longReturnType: 'STRING'`). */
export function numberOrNull(value: Value): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** A count or counter column, where NULL (no row to count) means none. */
export function numberOrZero(value: Value): number {
  return numberOrNull(value) ?? 0;
}

export function booleanOrNull(value: Value): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** A timestamptz, read as the Data API sends it (UTC without an offset). */
export function timeOrNull(value: Value): Date | null {
  return typeof value === 'string' ? parseDataApiTimestamp(value) : null;
}

/** A NOT NULL timestamp column: its absence means the statement and the mapping disagree. */
export function requiredTime(value: Value, column: string): Date {
  const parsed = timeOrNull(value);
  if (parsed === null) throw new TypeError(`Column ${column} came back without a timestamp`);
  return parsed;
}
