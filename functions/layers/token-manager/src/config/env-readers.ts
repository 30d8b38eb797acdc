import { ConfigurationError } from '../errors';

/** The environment as a plain record, so readers can be tested without touching `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

function raw(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A required string; the error names the missing variable. */
export function requiredString(env: Environment, name: string): string {
  const value = raw(env, name);
  if (value === undefined) {
    throw new ConfigurationError(`Environment variable ${name} is required but not set`);
  }
  return value;
}

export function optionalString(env: Environment, name: string, fallback: string): string;
export function optionalString(env: Environment, name: string): string | undefined;
export function optionalString(env: Environment, name: string, fallback?: string): string | undefined {
  return raw(env, name) ?? fallback;
}

/** A whole number within [min, max]; anything else ("10s", "1e3", "") is refused, never guessed. */
export function optionalInteger(
  env: Environment,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) {
    throw new ConfigurationError(`Environment variable ${name} must be a whole number, got "${value}"`);
  }
  const parsed = Number(value);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigurationError(
      `Environment variable ${name} must be between ${min} and ${max}, got ${value}`,
    );
  }
  return parsed;
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

export function optionalBoolean(env: Environment, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value)) return false;
  throw new ConfigurationError(`Environment variable ${name} must be true or false, got "${value}"`);
}

export function optionalChoice<const T extends string>(
  env: Environment,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const match = choices.find((choice) => choice === value);
  if (match === undefined) {
    throw new ConfigurationError(
      `Environment variable ${name} must be one of ${choices.join(', ')}, got "${value}"`,
    );
  }
  return match;
}

export function optionalUrl(env: Environment, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`Environment variable ${name} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`Environment variable ${name} must be an http(s) URL`);
  }
  return value.replace(/\/+$/, '');
}
