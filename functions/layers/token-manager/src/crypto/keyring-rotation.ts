import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SecretsUnavailableError } from '../errors';
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
export async function rotateTokenKeyring(
  client: SecretsManagerClient,
  secretId: string,
  keyId?: string,
): Promise<KeyringRotation> {
  let current: string | undefined;
  try {
    current = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new SecretsUnavailableError('Could not read the token encryption key secret', { cause: error });
  }
  const keyring = parseTokenKeyring(current ?? '');
  const next = generateTokenKeyringSecret(keyId, keyring);
  try {
    await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: next }));
  } catch (error) {
    throw new SecretsUnavailableError('Could not write the token encryption keyring', { cause: error });
  }
  const parsed = parseTokenKeyring(next);
  return { currentKeyId: parsed.currentKeyId, keyIds: Object.keys(parsed.keys) };
}
