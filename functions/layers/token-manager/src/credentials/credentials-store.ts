import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CredentialsNotFoundError, InvalidInputError, SecretsUnavailableError } from '../errors';

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

export function createSecretsManagerCredentialsStore(options: {
  client: SecretsManagerClient;
  secretPrefix: string;
  /** Called for every read, so benchmarks can count Secrets Manager reads per login. */
  onRead?: () => void;
}): CredentialsStore {
  const { client, secretPrefix } = options;

  return {
    async read(companyId) {
      const SecretId = credentialsSecretName(secretPrefix, companyId);
      let secretString: string | undefined;
      try {
        options.onRead?.();
        secretString = (await client.send(new GetSecretValueCommand({ SecretId }))).SecretString;
      } catch (error) {
        if (error instanceof ResourceNotFoundException)
          throw new CredentialsNotFoundError(companyId, { cause: error });
        throw new SecretsUnavailableError(`Could not read the credentials of company ${companyId}`, {
          cause: error,
          retryAfterMs: 5_000,
        });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(secretString ?? '');
      } catch {
        throw new SecretsUnavailableError(`The credentials secret of company ${companyId} is not valid JSON`);
      }
      try {
        return validateCredentials(parsed);
      } catch (error) {
        throw new SecretsUnavailableError(`The credentials secret of company ${companyId} is malformed`, {
          cause: error,
        });
      }
    },

    async write(companyId, credentials) {
      const SecretId = credentialsSecretName(secretPrefix, companyId);
      const SecretString = JSON.stringify({ username: credentials.username, password: credentials.password });
      try {
        await client.send(new PutSecretValueCommand({ SecretId, SecretString }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) {
          throw new SecretsUnavailableError(`Could not store the credentials of company ${companyId}`, {
            cause: error,
            retryAfterMs: 5_000,
          });
        }
        try {
          await client.send(
            new CreateSecretCommand({
              Name: SecretId,
              SecretString,
              Description: `Bluestakes credentials of company ${companyId}`,
            }),
          );
        } catch (createError) {
          throw new SecretsUnavailableError(`Could not store the credentials of company ${companyId}`, {
            cause: createError,
            retryAfterMs: 5_000,
          });
        }
      }
    },

    async remove(companyId) {
      const SecretId = credentialsSecretName(secretPrefix, companyId);
      try {
        // No recovery window: a secret scheduled for deletion keeps its name, so storing credentials
        // for this company again would fail until the window ends.
        await client.send(new DeleteSecretCommand({ SecretId, ForceDeleteWithoutRecovery: true }));
        return true;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return false;
        throw new SecretsUnavailableError(`Could not delete the credentials of company ${companyId}`, {
          cause: error,
          retryAfterMs: 5_000,
        });
      }
    },
  };
}
