/**
 * A small OpenAPI 3.0 reader and validator for the keywords `openapi.yaml` uses: the smoke check
 * validates every answer of a running stage with it, and the unit tests validate handler answers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** The parts of an OpenAPI 3.0 schema object the validator understands (the ones openapi.yaml uses). */
export interface SchemaObject {
  readonly $ref?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly additionalProperties?: boolean | SchemaObject;
  readonly items?: SchemaObject;
  readonly oneOf?: readonly SchemaObject[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
}

const KNOWN_KEYWORDS = new Set([
  '$ref',
  'type',
  'nullable',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'oneOf',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'description',
  'example',
  'default',
]);

export interface OpenApiDocument {
  readonly raw: Record<string, unknown>;
  /** `METHOD /path` for every operation. */
  operations(): string[];
  operation(method: string, path: string): Record<string, unknown>;
  /** The schema of the JSON response for a status (falling back to `default`). */
  responseSchema(method: string, path: string, status: number): SchemaObject;
  requestSchema(method: string, path: string): SchemaObject;
  /** Problems of `value` against `schema` (an empty list when it conforms). */
  validate(value: unknown, schema: SchemaObject): string[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(value: unknown, key: string, where: string): Record<string, unknown> {
  const next = isRecord(value) ? value[key] : undefined;
  if (!isRecord(next)) throw new Error(`openapi.yaml has no ${where}.${key}`);
  return next;
}

/** The repository's `openapi.yaml`, the contract every route's answer is checked against. */
export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

export function loadOpenApi(file: string = OPENAPI_FILE): OpenApiDocument {
  const raw = parseYaml(readFileSync(file, 'utf8'));
  if (!isRecord(raw)) throw new Error('openapi.yaml is not a mapping');
  return createOpenApiDocument(raw);
}

export function createOpenApiDocument(raw: Record<string, unknown>): OpenApiDocument {
  const resolve = <T>(value: T | { $ref: string }): T => {
    let current: unknown = value;
    for (let hops = 0; isRecord(current) && typeof current.$ref === 'string'; hops++) {
      if (hops > 10) throw new Error('$ref loop');
      const ref = current.$ref;
      if (!ref.startsWith('#/')) throw new Error(`Only local $ref is supported: ${ref}`);
      current = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), raw);
      if (current === undefined) throw new Error(`Unresolved $ref ${ref}`);
    }
    return current as T;
  };

  const operation = (method: string, path: string): Record<string, unknown> =>
    child(child(child(raw, 'paths', ''), path, 'paths'), method.toLowerCase(), `paths.${path}`);

  const jsonSchema = (holder: unknown, where: string): SchemaObject => {
    const content = child(resolve(holder), 'content', where);
    return child(child(content, 'application/json', `${where}.content`), 'schema', where) as SchemaObject;
  };

  const validate = (value: unknown, schemaOrRef: SchemaObject, at = '$'): string[] => {
    const schema = resolve<SchemaObject>(schemaOrRef);
    for (const keyword of Object.keys(schema)) {
      if (!KNOWN_KEYWORDS.has(keyword)) return [`${at}: schema uses unsupported keyword ${keyword}`];
    }
    if (value === null) return schema.nullable ? [] : [`${at}: null is not allowed`];
    if (schema.oneOf !== undefined) {
      const passing = schema.oneOf.filter((option) => validate(value, option, at).length === 0).length;
      return passing === 1 ? [] : [`${at}: matches ${passing} of the oneOf schemas, not exactly one`];
    }
    const problems: string[] = [];
    if (schema.enum !== undefined && !schema.enum.includes(value)) {
      problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    }
    switch (schema.type) {
      case 'object': {
        if (!isRecord(value)) return [...problems, `${at}: expected an object`];
        for (const name of schema.required ?? []) {
          if (!Object.hasOwn(value, name)) problems.push(`${at}: missing required ${name}`);
        }
        for (const [name, item] of Object.entries(value)) {
          const property = schema.properties?.[name];
          if (property !== undefined) problems.push(...validate(item, property, `${at}.${name}`));
          else if (schema.additionalProperties === false) problems.push(`${at}: unexpected property ${name}`);
          else if (isRecord(schema.additionalProperties)) {
            problems.push(...validate(item, schema.additionalProperties, `${at}.${name}`));
          }
        }
        break;
      }
      case 'array':
        if (!Array.isArray(value)) return [...problems, `${at}: expected an array`];
        value.forEach((item, index) => {
          if (schema.items !== undefined) problems.push(...validate(item, schema.items, `${at}[${index}]`));
        });
        break;
      case 'string':
        if (typeof value !== 'string') return [...problems, `${at}: expected a string`];
        if (schema.minLength !== undefined && value.length < schema.minLength)
          problems.push(`${at}: too short`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength)
          problems.push(`${at}: too long`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
          problems.push(`${at}: does not match ${schema.pattern}`);
        }
        if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
          problems.push(`${at}: not a date-time`);
        break;
      case 'integer':
      case 'number':
        if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) {
          return [...problems, `${at}: expected an ${schema.type}`];
        }
        if (schema.minimum !== undefined && value < schema.minimum)
          problems.push(`${at}: below ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum)
          problems.push(`${at}: above ${schema.maximum}`);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') problems.push(`${at}: expected a boolean`);
        break;
      case undefined:
        break;
    }
    return problems;
  };

  return {
    raw,
    operations() {
      const paths = child(raw, 'paths', '');
      return Object.entries(paths).flatMap(([path, item]) =>
        Object.keys(isRecord(item) ? item : {})
          .filter((key) => HTTP_METHODS.includes(key))
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
    },
    operation,
    responseSchema(method, path, status) {
      const responses = child(operation(method, path), 'responses', `${method} ${path}`);
      const response = responses[String(status)] ?? responses.default;
      if (response === undefined) throw new Error(`${method} ${path} documents no ${status} and no default`);
      return jsonSchema(response, `${method} ${path} ${status}`);
    },
    requestSchema(method, path) {
      return jsonSchema(
        child(operation(method, path), 'requestBody', `${method} ${path}`),
        `${method} ${path}`,
      );
    },
    validate: (value, schema) => validate(value, schema),
  };
}
