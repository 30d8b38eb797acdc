/**
 * Server-side validation of request bodies. The SDK validates nothing (it sends missing required members,
 * empty unions and array parameters as given), so every check the real service makes has to live here.
 * Messages follow the service's "1 validation error detected: ..." style.
 */
import { validationError } from './errors';

export type TypeHint = 'DATE' | 'DECIMAL' | 'JSON' | 'TIME' | 'TIMESTAMP' | 'UUID';
const TYPE_HINTS: readonly TypeHint[] = ['JSON', 'UUID', 'TIMESTAMP', 'DATE', 'TIME', 'DECIMAL'];

export type FieldInput =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'long'; readonly value: number }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'blob'; readonly value: string };

export interface SqlParameterInput {
  readonly name: string;
  readonly value: FieldInput;
  readonly typeHint?: TypeHint | undefined;
}

export interface ResultSetOptions {
  readonly decimalReturnType: 'STRING' | 'DOUBLE_OR_LONG';
  readonly longReturnType: 'STRING' | 'LONG';
}

interface TargetInput {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database?: string | undefined;
}

export interface ExecuteStatementInput extends TargetInput {
  readonly sql: string;
  readonly parameters: readonly SqlParameterInput[];
  readonly transactionId?: string | undefined;
  readonly includeResultMetadata: boolean;
  readonly continueAfterTimeout: boolean;
  readonly resultSetOptions: ResultSetOptions;
  readonly formatRecordsAs: 'NONE' | 'JSON';
}

export interface BatchExecuteStatementInput extends TargetInput {
  readonly sql: string;
  readonly parameterSets: readonly (readonly SqlParameterInput[])[];
  readonly transactionId?: string | undefined;
}

export type BeginTransactionInput = TargetInput;

export interface EndTransactionInput {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly transactionId: string;
}

const MAX_SQL_LENGTH = 65_536;

type Body = Readonly<Record<string, unknown>>;

const describe = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 64 ? `${text.slice(0, 64)}...` : text}'`;
};

const constraint = (value: unknown, path: string, rule: string) =>
  validationError(
    `1 validation error detected: Value ${describe(value)} at '${path}' failed to satisfy constraint: ${rule}`,
  );

function requireString(body: Body, key: string, min: number, max: number): string {
  const value = body[key];
  if (value === undefined || value === null) throw constraint(value, key, 'Member must not be null');
  if (typeof value !== 'string') throw constraint(value, key, 'Member must be a string');
  if (value.length < min)
    throw constraint(value, key, `Member must have length greater than or equal to ${min}`);
  if (value.length > max)
    throw constraint(value, key, `Member must have length less than or equal to ${max}`);
  return value;
}

function optionalString(body: Body, key: string, max: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw constraint(value, key, 'Member must be a string');
  if (value.length > max)
    throw constraint(value, key, `Member must have length less than or equal to ${max}`);
  return value;
}

function optionalBoolean(body: Body, key: string): boolean {
  const value = body[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw constraint(value, key, 'Member must be a boolean');
  return value;
}

function optionalEnum<T extends string | undefined>(
  value: unknown,
  path: string,
  allowed: readonly Exclude<T, undefined>[],
  fallback: NoInfer<T>,
): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw constraint(value, path, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function target(body: Body): TargetInput {
  const resourceArn = requireString(body, 'resourceArn', 11, 100);
  const secretArn = requireString(body, 'secretArn', 11, 100);
  const database = optionalString(body, 'database', 64);
  if (body.schema !== undefined && body.schema !== null) {
    throw validationError("The schema parameter isn't supported");
  }
  return { resourceArn, secretArn, database };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseField(value: unknown, path: string): FieldInput {
  if (!isRecord(value)) throw constraint(value, path, 'Member must not be null');
  const members = Object.entries(value).filter(([, member]) => member !== undefined && member !== null);
  if (members.some(([key]) => key === 'arrayValue'))
    throw validationError('Array parameters are not supported.');
  if (members.length !== 1) {
    throw validationError(`Field ${path} must have exactly one member set, found ${members.length}`);
  }
  const [key, member] = members[0]!;
  const memberPath = `${path}.${key}`;
  switch (key) {
    case 'isNull':
      if (member !== true) throw constraint(member, memberPath, 'Member must be true when set');
      return { kind: 'null' };
    case 'booleanValue':
      if (typeof member !== 'boolean') throw constraint(member, memberPath, 'Member must be a boolean');
      return { kind: 'boolean', value: member };
    case 'longValue':
      if (typeof member !== 'number' || !Number.isInteger(member)) {
        throw constraint(member, memberPath, 'Member must be an integer');
      }
      return { kind: 'long', value: member };
    case 'doubleValue':
      if (typeof member !== 'number') throw constraint(member, memberPath, 'Member must be a number');
      return { kind: 'double', value: member };
    case 'stringValue':
      if (typeof member !== 'string') throw constraint(member, memberPath, 'Member must be a string');
      return { kind: 'string', value: member };
    case 'blobValue':
      if (typeof member !== 'string' || !BASE64.test(member)) {
        throw constraint(member, memberPath, 'Member must be base64-encoded binary data');
      }
      return { kind: 'blob', value: member };
    default:
      throw validationError(`Field ${path} has an unknown member '${key}'`);
  }
}

function parseParameters(value: unknown, path: string): SqlParameterInput[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw constraint(value, path, 'Member must be a list');
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const entryPath = `${path}.${i + 1}.member`;
    if (!isRecord(entry)) throw constraint(entry, entryPath, 'Member must be a structure');
    const name = entry.name;
    if (typeof name !== 'string' || name.length === 0) {
      throw constraint(name, `${entryPath}.name`, 'Member must be a non-empty string');
    }
    if (seen.has(name)) throw validationError(`Parameter '${name}' is specified more than once`);
    seen.add(name);
    const field = parseField(entry.value, `${entryPath}.value`);
    const typeHint = optionalEnum<TypeHint | undefined>(
      entry.typeHint,
      `${entryPath}.typeHint`,
      TYPE_HINTS,
      undefined,
    );
    return { name, value: field, typeHint };
  });
}

function parseSql(body: Body): string {
  return requireString(body, 'sql', 0, MAX_SQL_LENGTH);
}

export function parseExecuteStatementInput(body: Body): ExecuteStatementInput {
  const base = target(body);
  const sql = parseSql(body);
  const options = body.resultSetOptions;
  if (options !== undefined && options !== null && !isRecord(options)) {
    throw constraint(options, 'resultSetOptions', 'Member must be a structure');
  }
  const resultSetOptions: ResultSetOptions = {
    decimalReturnType: optionalEnum(
      options?.decimalReturnType,
      'resultSetOptions.decimalReturnType',
      ['STRING', 'DOUBLE_OR_LONG'],
      'STRING',
    ),
    longReturnType: optionalEnum(
      options?.longReturnType,
      'resultSetOptions.longReturnType',
      ['STRING', 'LONG'],
      'LONG',
    ),
  };
  return {
    ...base,
    sql,
    parameters: parseParameters(body.parameters, 'parameters'),
    transactionId: optionalString(body, 'transactionId', 192),
    includeResultMetadata: optionalBoolean(body, 'includeResultMetadata'),
    continueAfterTimeout: optionalBoolean(body, 'continueAfterTimeout'),
    resultSetOptions,
    formatRecordsAs: optionalEnum(body.formatRecordsAs, 'formatRecordsAs', ['NONE', 'JSON'], 'NONE'),
  };
}

export function parseBatchExecuteStatementInput(body: Body): BatchExecuteStatementInput {
  const base = target(body);
  const sql = parseSql(body);
  const sets = body.parameterSets;
  if (sets !== undefined && sets !== null && !Array.isArray(sets)) {
    throw constraint(sets, 'parameterSets', 'Member must be a list');
  }
  const parameterSets = (sets ?? []).map((set: unknown, i: number) =>
    parseParameters(set, `parameterSets.${i + 1}.member`),
  );
  return { ...base, sql, parameterSets, transactionId: optionalString(body, 'transactionId', 192) };
}

export function parseBeginTransactionInput(body: Body): BeginTransactionInput {
  return target(body);
}

export function parseEndTransactionInput(body: Body): EndTransactionInput {
  return {
    resourceArn: requireString(body, 'resourceArn', 11, 100),
    secretArn: requireString(body, 'secretArn', 11, 100),
    transactionId: requireString(body, 'transactionId', 0, 192),
  };
}
