import { SecretsUnavailableError, TokenServiceError } from '../errors';
import type { SecretsApi } from '../secrets/secrets-api';
import { parseTokenKeyring, type TokenKeyring } from './token-cipher';

export interface KeyringSource {
  /** The keyring, cached per container; `refresh` re-reads it (after a rotation added a key). */
  get(options?: { refresh?: boolean }): Promise<TokenKeyring>;
}

/** The keyring read from one Secrets Manager secret, cached per container. */
export function createSecretsKeyringSource(options: {
  secrets: SecretsApi;
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
      const secretString = await options.secrets.getSecretString(options.secretId);
      if (secretString === undefined) {
        throw new SecretsUnavailableError('The token encryption key secret has no string value');
      }
      const keyring = parseTokenKeyring(secretString);
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
