import { invalidParameter, serializationFailed, validationFailed } from './errors';

/**
 * Narrowing of request members. Type mismatches are SerializationException and broken constraints
 * ValidationException, as the real service answers them. A JSON null counts as an absent member.
 */
export type JsonObject = Readonly<Record<string, unknown>>;

export type SecretValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'binary'; readonly base64: string };

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export const MAX_SECRET_VALUE_BYTES = 65_536;
const MAX_NAME_LENGTH = 512;
const MAX_SECRET_ID_LENGTH = 2048;
const MAX_DESCRIPTION_LENGTH = 2048;
const MAX_TAGS = 50;
const MAX_VERSION_STAGES = 20;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const fieldName = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

const present = (input: JsonObject, member: string): unknown => {
  const value = input[member];
  return value === null ? undefined : value;
};

export function asJsonObject(value: unknown): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw serializationFailed('The request body must be a JSON object.');
  }
  return value as JsonObject;
}

function checkLength(member: string, value: string, min: number, max: number): string {
  if (value.length < min) {
    throw validationFailed(fieldName(member), `Member must have length greater than or equal to ${min}`);
  }
  if (value.length > max) {
    throw validationFailed(fieldName(member), `Member must have length less than or equal to ${max}`);
  }
  return value;
}

export function optionalString(input: JsonObject, member: string): string | undefined {
  const value = present(input, member);
  if (value === undefined || typeof value === 'string') return value;
  throw serializationFailed(`Expected ${member} to be a string.`);
}

export function optionalBoolean(input: JsonObject, member: string): boolean | undefined {
  const value = present(input, member);
  if (value === undefined || typeof value === 'boolean') return value;
  throw serializationFailed(`Expected ${member} to be a boolean.`);
}

export function optionalInteger(input: JsonObject, member: string): number | undefined {
  const value = present(input, member);
  if (value === undefined || Number.isSafeInteger(value)) return value as number | undefined;
  throw serializationFailed(`Expected ${member} to be an integer.`);
}

export function requiredString(input: JsonObject, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined) {
    throw validationFailed(fieldName(member), 'Member must not be null');
  }
  return value;
}

export function secretId(input: JsonObject): string {
  return checkLength('SecretId', requiredString(input, 'SecretId'), 1, MAX_SECRET_ID_LENGTH);
}

export function secretName(input: JsonObject): string {
  const name = checkLength('Name', requiredString(input, 'Name'), 1, MAX_NAME_LENGTH);
  if (!SECRET_NAME.test(name)) {
    throw validationFailed(
      'name',
      'Member must contain only alphanumeric characters or any of the following: /_+=.@-',
    );
  }
  return name;
}

/** A ClientRequestToken or VersionId: both are the version's id, 32 to 64 characters. */
export function optionalVersionId(input: JsonObject, member: string): string | undefined {
  const value = optionalString(input, member);
  return value === undefined ? undefined : checkLength(member, value, 32, 64);
}

export function optionalVersionStage(input: JsonObject, member: string): string | undefined {
  const value = optionalString(input, member);
  return value === undefined ? undefined : checkLength(member, value, 1, 256);
}

export function optionalDescription(input: JsonObject): string | undefined {
  const value = optionalString(input, 'Description');
  return value === undefined ? undefined : checkLength('Description', value, 0, MAX_DESCRIPTION_LENGTH);
}

export function optionalKmsKeyId(input: JsonObject): string | undefined {
  const value = optionalString(input, 'KmsKeyId');
  return value === undefined ? undefined : checkLength('KmsKeyId', value, 0, 2048);
}

export function optionalVersionStages(input: JsonObject): readonly string[] | undefined {
  const value = present(input, 'VersionStages');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((stage): stage is string => typeof stage === 'string')) {
    throw serializationFailed('Expected VersionStages to be a list of strings.');
  }
  if (value.length < 1 || value.length > MAX_VERSION_STAGES) {
    throw validationFailed(
      'versionStages',
      `Member must have length between 1 and ${MAX_VERSION_STAGES}, inclusive`,
    );
  }
  for (const stage of value) checkLength('VersionStages', stage, 1, 256);
  return [...new Set(value)];
}

export function optionalTags(input: JsonObject): readonly Tag[] | undefined {
  const value = present(input, 'Tags');
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw serializationFailed('Expected Tags to be a list.');
  if (value.length > MAX_TAGS) {
    throw validationFailed('tags', `Member must have length less than or equal to ${MAX_TAGS}`);
  }
  return value.map((entry: unknown) => {
    const tag = asJsonObject(entry);
    return {
      Key: checkLength('Tags.Key', requiredString(tag, 'Key'), 1, 128),
      Value: checkLength('Tags.Value', optionalString(tag, 'Value') ?? '', 0, 256),
    };
  });
}

/** Sizes are checked in bytes, as the real service counts them; the value itself is never quoted. */
export function optionalSecretValue(input: JsonObject): SecretValue | undefined {
  const text = optionalString(input, 'SecretString');
  const binary = optionalString(input, 'SecretBinary');
  if (text !== undefined && binary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (text !== undefined) {
    if (Buffer.byteLength(text, 'utf8') > MAX_SECRET_VALUE_BYTES) {
      throw validationFailed(
        'secretString',
        `Member must have length less than or equal to ${MAX_SECRET_VALUE_BYTES}`,
      );
    }
    return { kind: 'string', value: text };
  }
  if (binary !== undefined) {
    if (!BASE64.test(binary)) throw serializationFailed('Expected SecretBinary to be base64-encoded.');
    const bytes = Buffer.from(binary, 'base64');
    if (bytes.length > MAX_SECRET_VALUE_BYTES) {
      throw validationFailed(
        'secretBinary',
        `Member must have length less than or equal to ${MAX_SECRET_VALUE_BYTES}`,
      );
    }
    return { kind: 'binary', base64: bytes.toString('base64') };
  }
  return undefined;
}
