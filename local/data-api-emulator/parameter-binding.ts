/**
 * Turns Data API parameters into typed PostgreSQL parameter values the way v2 binds them: `stringValue`
 * as text (so a bare string into a uuid, int or timestamptz column fails, as it does on the service),
 * `longValue` as int8, `doubleValue` as float8, `booleanValue` as bool, `blobValue` as bytea, a typeHint
 * as its PostgreSQL type, and `isNull` untyped.
 */
import { databaseError, validationError } from './errors';
import type { FieldInput, SqlParameterInput, TypeHint } from './request-validation';
import type { SqlTemplate } from './sql-parameters';

export type BoundType =
  | 'bool'
  | 'bytea'
  | 'date'
  | 'float8'
  | 'int8'
  | 'json'
  | 'numeric'
  | 'text'
  | 'time'
  | 'timestamp'
  | 'unknown'
  | 'uuid';

/** OIDs for PostgreSQL's Parse message; 0 leaves the type to the server. */
export const BOUND_TYPE_OIDS: Readonly<Record<BoundType, number>> = {
  bool: 16,
  bytea: 17,
  date: 1082,
  float8: 701,
  int8: 20,
  json: 114,
  numeric: 1700,
  text: 25,
  time: 1083,
  timestamp: 1114,
  unknown: 0,
  uuid: 2950,
};

export interface BoundValue {
  readonly type: BoundType;
  /** PostgreSQL text-format value, or null for SQL NULL. */
  readonly text: string | null;
}

const HINT_TYPES: Readonly<Record<TypeHint, BoundType>> = {
  DATE: 'date',
  DECIMAL: 'numeric',
  JSON: 'json',
  TIME: 'time',
  TIMESTAMP: 'timestamp',
  UUID: 'uuid',
};

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const TIME_PATTERN = /^\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;
const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;

/**
 * The service parses DATE/TIME/TIMESTAMP hints itself before PostgreSQL sees them, and PostgreSQL would
 * accept more (ISO `T`/`Z` forms), so the formats are checked here.
 */
function checkHintFormat(hint: TypeHint, value: string): void {
  const checks: Partial<
    Record<TypeHint, { label: string; pattern: RegExp; allowed: RegExp; format: string }>
  > = {
    DATE: { label: 'Date', pattern: DATE_PATTERN, allowed: /^[0-9-]*$/, format: 'YYYY-MM-DD' },
    TIME: { label: 'Time', pattern: TIME_PATTERN, allowed: /^[0-9:.]*$/, format: 'HH:MM:SS[.FFF]' },
    TIMESTAMP: {
      label: 'TimeStamp',
      pattern: TIMESTAMP_PATTERN,
      allowed: /^[0-9 :.-]*$/,
      format: 'YYYY-MM-DD HH:MM:SS[.FFF]',
    },
  };
  const check = checks[hint];
  if (!check || check.pattern.test(value)) return;
  if (!check.allowed.test(value)) {
    throw databaseError(`Parse Error for ${check.label}: input contains invalid characters`);
  }
  throw databaseError(`Parse Error for ${check.label}: expected format ${check.format}`);
}

function bindField(field: FieldInput, hint: TypeHint | undefined): BoundValue {
  switch (field.kind) {
    case 'null':
      // A hinted NULL is typed, so it can go into a uuid or timestamp column like a hinted value.
      return { type: hint ? HINT_TYPES[hint] : 'unknown', text: null };
    case 'boolean':
      return { type: 'bool', text: field.value ? 'true' : 'false' };
    case 'long':
      return { type: 'int8', text: BigInt(field.value).toString() };
    case 'double':
      return { type: 'float8', text: String(field.value) };
    case 'blob':
      return { type: 'bytea', text: `\\x${Buffer.from(field.value, 'base64').toString('hex')}` };
    case 'string':
      if (!hint) return { type: 'text', text: field.value };
      checkHintFormat(hint, field.value);
      return { type: HINT_TYPES[hint], text: field.value };
  }
}

/**
 * Binds parameters to the template's `$n` slots. A name the SQL uses but the request lacks is an error,
 * and so (strictly) is a parameter the SQL never references.
 */
export function bindParameters(
  template: SqlTemplate,
  parameters: readonly SqlParameterInput[],
): BoundValue[] {
  const byName = new Map(parameters.map((parameter) => [parameter.name, parameter]));
  const missing = template.names.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw databaseError(`No value specified for parameter: ${missing.map((name) => `:${name}`).join(', ')}`);
  }
  const unused = parameters.filter((parameter) => !template.names.includes(parameter.name));
  if (unused.length > 0) {
    throw validationError(
      `Parameters not referenced by the SQL statement: ${unused.map((parameter) => parameter.name).join(', ')}`,
    );
  }
  return template.names.map((name) => {
    const parameter = byName.get(name)!;
    return bindField(parameter.value, parameter.typeHint);
  });
}
