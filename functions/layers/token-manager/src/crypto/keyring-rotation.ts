import { SecretsUnavailableError } from '../errors';
import type { SecretsApi } from '../secrets/secrets-api';
import { generateTokenKeyringSecret, parseTokenKeyring } from './token-cipher';

export interface KeyringRotation {
  /** The new key, now current. */
  readonly currentKeyId: string;
  /** Every key still in the keyring (old ones keep decrypting tokens written with them). */
  readonly keyIds: string[];
}

/**
 * Adds a fresh key to the token keyring and makes it current; the old keys stay, so tokens written
 * with them still decrypt. Never replaces the keyring (that would make every cached token unreadable).
 *
 * @throws ConfigurationError when the secret is not a keyring (e.g. still the deploy-time placeholder)
 * @throws SecretsUnavailableError when Secrets Manager cannot be read or written
 */
export async function rotateKeyringSecret(
  secrets: SecretsApi,
  secretId: string,
  keyId?: string,
): Promise<KeyringRotation> {
  let current: string | undefined;
  try {
    current = await secrets.getSecretString(secretId);
  } catch (error) {
    throw new SecretsUnavailableError('Could not read the token encryption key secret', { cause: error });
  }
  const keyring = parseTokenKeyring(current ?? '');
  const next = generateTokenKeyringSecret(keyId, keyring);
  try {
    await secrets.putSecretString(secretId, next);
  } catch (error) {
    throw new SecretsUnavailableError('Could not write the token encryption keyring', { cause: error });
  }
  const parsed = parseTokenKeyring(next);
  return { currentKeyId: parsed.currentKeyId, keyIds: Object.keys(parsed.keys) };
}
