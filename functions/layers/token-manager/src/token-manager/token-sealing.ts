import type { KeyringSource } from '../crypto/keyring-source';
import { decryptToken, encryptToken, isEncryptedToken } from '../crypto/token-cipher';
import { TokenDecryptionError } from '../errors';
import type { LogSink } from '../observability';
import type { TokenRow } from '../store';

/** Tokens at rest: encrypted under the keyring's current key, bound to their company and version. */
export interface TokenSealing {
  /** The row's token in clear; undefined when there is none or it cannot be decrypted (logged). */
  open(companyId: string, row: TokenRow): Promise<string | undefined>;
  /** Loads the current key once; the result encrypts `token` for any company and version. */
  sealer(token: string): Promise<(companyId: string, version: string) => string>;
}

export function createTokenSealing(keyring: KeyringSource, log: LogSink): TokenSealing {
  return {
    async open(companyId, row) {
      const stored = row.encryptedToken;
      if (stored === null || !isEncryptedToken(stored)) return undefined;
      const binding = { companyId, version: row.version };
      try {
        return decryptToken(await keyring.get(), stored, binding);
      } catch (error) {
        if (!(error instanceof TokenDecryptionError)) throw error;
        // A key added by a rotation after this container loaded the keyring: re-read once.
        try {
          return decryptToken(await keyring.get({ refresh: true }), stored, binding);
        } catch (retryError) {
          if (!(retryError instanceof TokenDecryptionError)) throw retryError;
          log.error('A stored token could not be decrypted; treating it as missing', {
            companyId,
            version: row.version,
            reason: retryError.message,
          });
          return undefined;
        }
      }
    },

    async sealer(token) {
      const ring = await keyring.get();
      return (companyId, version) => encryptToken(ring, token, { companyId, version });
    },
  };
}
