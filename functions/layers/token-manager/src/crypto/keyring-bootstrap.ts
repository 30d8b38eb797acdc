import { KEYRING_PLACEHOLDER } from '../constants';
import { SecretsUnavailableError } from '../errors';
import type { SecretsApi } from '../secrets/secrets-api';
import { generateTokenKeyringSecret, parseTokenKeyring } from './token-cipher';

export { KEYRING_PLACEHOLDER };

export type KeyringInitialization = 'created' | 'present';

/** True only for the placeholder: a real keyring, even a malformed one, is never replaced. */
export function isKeyringPlaceholder(secretString: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return false;
  }
  return (
    typeof parsed === 'object' &&
    parsed !== null &&
    (parsed as Record<string, unknown>)[KEYRING_PLACEHOLDER.field] === KEYRING_PLACEHOLDER.value &&
    !('keys' in parsed)
  );
}

/**
 * Writes a fresh keyring over the placeholder (or into an empty secret); leaves an existing keyring
 * alone after checking it parses, so a hand-edited, broken keyring fails loudly instead of every request.
 *
 * @throws ConfigurationError when the secret holds something that is neither the placeholder nor a keyring
 * @throws SecretsUnavailableError when Secrets Manager cannot be read or written
 */
export async function initializeKeyringSecret(
  secrets: SecretsApi,
  secretId: string,
  generate: () => string = () => generateTokenKeyringSecret(),
): Promise<KeyringInitialization> {
  let current: string | undefined;
  try {
    current = await secrets.getSecretString(secretId);
  } catch (error) {
    throw new SecretsUnavailableError('Could not read the token encryption key secret', { cause: error });
  }
  if (current !== undefined && !isKeyringPlaceholder(current)) {
    parseTokenKeyring(current);
    return 'present';
  }
  try {
    await secrets.putSecretString(secretId, generate());
  } catch (error) {
    throw new SecretsUnavailableError('Could not write the token encryption keyring', { cause: error });
  }
  return 'created';
}
