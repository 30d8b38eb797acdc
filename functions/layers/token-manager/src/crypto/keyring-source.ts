import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsUnavailableError, TokenServiceError } from '../errors';
import { parseTokenKeyring, type TokenKeyring } from './token-cipher';

export interface KeyringSource {
  /** The keyring, cached per container; `refresh` re-reads it (after a rotation added a key). */
  get(options?: { refresh?: boolean }): Promise<TokenKeyring>;
}

export function createSecretsManagerKeyringSource(options: {
  client: SecretsManagerClient;
  secretId: string;
  /** Re-read at most this often, so a rotation reaches warm containers. Default 10 min. */
  maxAgeMs?: number;
  now?: () => number;
}): KeyringSource {
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const now = options.now ?? Date.now;
  let cached: { keyring: TokenKeyring; loadedAt: number } | undefined;
  let loading: Promise<TokenKeyring> | undefined;

  async function load(): Promise<TokenKeyring> {
    try {
      const output = await options.client.send(new GetSecretValueCommand({ SecretId: options.secretId }));
      if (output.SecretString === undefined) {
        throw new SecretsUnavailableError('The token encryption key secret has no string value');
      }
      const keyring = parseTokenKeyring(output.SecretString);
      cached = { keyring, loadedAt: now() };
      return keyring;
    } catch (error) {
      if (error instanceof TokenServiceError) throw error;
      throw new SecretsUnavailableError('Could not read the token encryption key secret', {
        cause: error,
        retryAfterMs: 5_000,
      });
    }
  }

  return {
    async get({ refresh = false } = {}) {
      if (!refresh && cached !== undefined && now() - cached.loadedAt < maxAgeMs) return cached.keyring;
      loading ??= load().finally(() => {
        loading = undefined;
      });
      return loading;
    },
  };
}

/** A fixed keyring (tests, local tools). */
export function staticKeyringSource(keyring: TokenKeyring): KeyringSource {
  return { get: async () => keyring };
}
