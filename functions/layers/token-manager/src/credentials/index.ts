export { createSecretsManagerCredentialsStore } from '../wiring/secrets-manager';
export {
  type BluestakesCredentials,
  type CredentialsStore,
  credentialsSecretName,
  validateCredentials,
} from './credentials-store';
export { createSecretsCredentialsStore } from './secrets-credentials-store';
