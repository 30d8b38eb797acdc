import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigurationError, TokenDecryptionError } from '../errors';

/**
 * Keys for encrypting tokens at rest. `currentKeyId` encrypts; every listed key decrypts, so a key
 * can be rotated by adding a new one and making it current while old rows still read.
 */
export interface TokenKeyring {
  readonly currentKeyId: string;
  readonly keys: Readonly<Record<string, Uint8Array>>;
}

/** What binds a ciphertext to its row: moving it to another company or version fails to decrypt. */
export interface TokenBinding {
  readonly companyId: string;
  readonly version: string;
}

const PREFIX = 'enc:v1:';
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function aad(binding: TokenBinding): Buffer {
  return Buffer.from(`bluestakes-token:${binding.companyId}:${binding.version}`, 'utf8');
}

/** Parses the key secret `{"currentKeyId": "k1", "keys": {"k1": "<base64 of 32 bytes>"}}`. */
export function parseTokenKeyring(secretString: string): TokenKeyring {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch (error) {
    throw new ConfigurationError('The token encryption key secret is not valid JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new ConfigurationError('The token encryption key secret must be a JSON object');
  }
  const { currentKeyId, keys } = parsed as { currentKeyId?: unknown; keys?: unknown };
  if (typeof currentKeyId !== 'string' || typeof keys !== 'object' || keys === null) {
    throw new ConfigurationError('The token encryption key secret needs "currentKeyId" and "keys"');
  }
  const decoded: Record<string, Uint8Array> = {};
  for (const [id, value] of Object.entries(keys)) {
    const key = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    if (!KEY_ID.test(id) || key.length !== 32) {
      throw new ConfigurationError(`Token encryption key "${id.slice(0, 64)}" must be 32 bytes of base64`);
    }
    decoded[id] = key;
  }
  if (decoded[currentKeyId] === undefined) {
    throw new ConfigurationError(
      `The current token encryption key "${currentKeyId.slice(0, 64)}" is not in "keys"`,
    );
  }
  return { currentKeyId, keys: decoded };
}

/** A fresh keyring secret value with one random key (for bootstrapping and rotation scripts). */
export function generateTokenKeyringSecret(keyId = `k${Date.now()}`, existing?: TokenKeyring): string {
  const keys: Record<string, string> = {};
  for (const [id, key] of Object.entries(existing?.keys ?? {}))
    keys[id] = Buffer.from(key).toString('base64');
  keys[keyId] = randomBytes(32).toString('base64');
  return JSON.stringify({ currentKeyId: keyId, keys });
}

export function isEncryptedToken(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function encryptToken(keyring: TokenKeyring, token: string, binding: TokenBinding): string {
  const key = keyring.keys[keyring.currentKeyId];
  if (key === undefined) throw new ConfigurationError('The current token encryption key is missing');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(binding));
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
  return `${PREFIX}${keyring.currentKeyId}:${sealed}`;
}

/** The key id a stored value was encrypted with, or undefined when it is not an encrypted value. */
export function encryptedTokenKeyId(value: string): string | undefined {
  if (!isEncryptedToken(value)) return undefined;
  return value.slice(PREFIX.length).split(':', 1)[0];
}

export function decryptToken(keyring: TokenKeyring, stored: string, binding: TokenBinding): string {
  const keyId = encryptedTokenKeyId(stored);
  if (keyId === undefined) {
    throw new TokenDecryptionError('The stored token is not in the encrypted format');
  }
  const key = keyring.keys[keyId];
  if (key === undefined) {
    throw new TokenDecryptionError(`The stored token was encrypted with unknown key "${keyId.slice(0, 64)}"`);
  }
  const sealed = Buffer.from(stored.slice(PREFIX.length + keyId.length + 1), 'base64');
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new TokenDecryptionError('The stored token is truncated');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch (error) {
    throw new TokenDecryptionError('The stored token failed authentication (wrong key, company or version)', {
      cause: error,
    });
  }
}
