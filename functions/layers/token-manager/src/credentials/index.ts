export {
  type BluestakesCredentials,
  type CredentialsStore,
  createSecretsManagerCredentialsStore,
  credentialsSecretName,
  validateCredentials,
} from './credentials-store';
