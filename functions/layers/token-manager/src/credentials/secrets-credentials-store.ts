import { CredentialsNotFoundError, SecretsUnavailableError } from '../errors';
import type { SecretsApi } from '../secrets/secrets-api';
import { type CredentialsStore, credentialsSecretName, validateCredentials } from './credentials-store';

/** The credentials store over Secrets Manager: one JSON secret `{username, password}` per company. */
export function createSecretsCredentialsStore(options: {
  secrets: SecretsApi;
  secretPrefix: string;
  /** Called for every read, so benchmarks can count Secrets Manager reads per login. */
  onRead?: () => void;
}): CredentialsStore {
  const { secrets, secretPrefix } = options;

  return {
    async read(companyId) {
      const secretId = credentialsSecretName(secretPrefix, companyId);
      let secretString: string | undefined;
      try {
        options.onRead?.();
        secretString = await secrets.getSecretString(secretId);
      } catch (error) {
        if (secrets.isNotFound(error)) throw new CredentialsNotFoundError(companyId, { cause: error });
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
      const secretId = credentialsSecretName(secretPrefix, companyId);
      const value = JSON.stringify({ username: credentials.username, password: credentials.password });
      try {
        await secrets.putSecretString(secretId, value);
      } catch (error) {
        if (!secrets.isNotFound(error)) {
          throw new SecretsUnavailableError(`Could not store the credentials of company ${companyId}`, {
            cause: error,
            retryAfterMs: 5_000,
          });
        }
        try {
          await secrets.createSecret(secretId, value, `Bluestakes credentials of company ${companyId}`);
        } catch (createError) {
          throw new SecretsUnavailableError(`Could not store the credentials of company ${companyId}`, {
            cause: createError,
            retryAfterMs: 5_000,
          });
        }
      }
    },

    async remove(companyId) {
      const secretId = credentialsSecretName(secretPrefix, companyId);
      try {
        // No recovery window: a secret scheduled for deletion keeps its name, so storing credentials
        // for this company again would fail until the window ends.
        await secrets.deleteSecretNow(secretId);
        return true;
      } catch (error) {
        if (secrets.isNotFound(error)) return false;
        throw new SecretsUnavailableError(`Could not delete the credentials of company ${companyId}`, {
          cause: error,
          retryAfterMs: 5_000,
        });
      }
    },
  };
}
