export {
  createSecretsManagerKeyringSource,
  initializeTokenKeyring,
  rotateTokenKeyring,
} from '../wiring/secrets-manager';
export {
  initializeKeyringSecret,
  isKeyringPlaceholder,
  KEYRING_PLACEHOLDER,
  type KeyringInitialization,
} from './keyring-bootstrap';
export { type KeyringRotation, rotateKeyringSecret } from './keyring-rotation';
export { createSecretsKeyringSource, type KeyringSource, staticKeyringSource } from './keyring-source';
export {
  decryptToken,
  encryptedTokenKeyId,
  encryptToken,
  generateTokenKeyringSecret,
  isEncryptedToken,
  parseTokenKeyring,
  type TokenBinding,
  type TokenKeyring,
} from './token-cipher';
