export {
  initializeTokenKeyring,
  isKeyringPlaceholder,
  KEYRING_PLACEHOLDER,
  type KeyringInitialization,
} from './keyring-bootstrap';
export { type KeyringRotation, rotateTokenKeyring } from './keyring-rotation';
export { createSecretsManagerKeyringSource, type KeyringSource, staticKeyringSource } from './keyring-source';
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
