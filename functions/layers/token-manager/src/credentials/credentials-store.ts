import { InvalidInputError } from '../errors';

export interface BluestakesCredentials {
  readonly username: string;
  readonly password: string;
}

/** Where per-company Bluestakes credentials live. Never the database, a URL or a log. */
export interface CredentialsStore {
  read(companyId: string): Promise<BluestakesCredentials>;
  write(companyId: string, credentials: BluestakesCredentials): Promise<void>;
  /** Deletes the company's secret at once (no recovery window). False when there was none. */
  remove(companyId: string): Promise<boolean>;
}

const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks shape and bounds; the messages never echo the values. */
export function validateCredentials(input: unknown): BluestakesCredentials {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidInputError('credentials', 'Credentials must be an object with username and password');
  }
  const { username, password } = input as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || username.trim() === '') {
    throw new InvalidInputError('username', 'username is required and must be a non-empty string');
  }
  if (username.length > MAX_USERNAME || CONTROL.test(username)) {
    throw new InvalidInputError('username', `username must be at most ${MAX_USERNAME} printable characters`);
  }
  if (typeof password !== 'string' || password === '') {
    throw new InvalidInputError('password', 'password is required and must be a non-empty string');
  }
  if (password.length > MAX_PASSWORD) {
    throw new InvalidInputError('password', `password must be at most ${MAX_PASSWORD} characters`);
  }
  return { username: username.trim(), password };
}

export function credentialsSecretName(prefix: string, companyId: string): string {
  return `${prefix}/companies/${companyId}/bluestakes`;
}
