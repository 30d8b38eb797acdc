/** Secrets Manager wiring: adapts the SDK client to the `SecretsApi` port the library depends on. */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { CredentialsStore } from '../credentials/credentials-store';
import { createSecretsCredentialsStore } from '../credentials/secrets-credentials-store';
import { initializeKeyringSecret, type KeyringInitialization } from '../crypto/keyring-bootstrap';
import { type KeyringRotation, rotateKeyringSecret } from '../crypto/keyring-rotation';
import { createSecretsKeyringSource, type KeyringSource } from '../crypto/keyring-source';
import type { SecretsApi } from '../secrets/secrets-api';

export function secretsManagerApi(client: SecretsManagerClient): SecretsApi {
  return {
    async getSecretString(secretId) {
      return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    },
    async putSecretString(secretId, secretString) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString }));
    },
    async createSecret(name, secretString, description) {
      await client.send(
        new CreateSecretCommand({ Name: name, SecretString: secretString, Description: description }),
      );
    },
    async deleteSecretNow(secretId) {
      await client.send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));
    },
    isNotFound: (error) => error instanceof ResourceNotFoundException,
  };
}

export function createSecretsManagerCredentialsStore(options: {
  client: SecretsManagerClient;
  secretPrefix: string;
  /** Called for every read, so benchmarks can count Secrets Manager reads per login. */
  onRead?: () => void;
}): CredentialsStore {
  const { client, ...rest } = options;
  return createSecretsCredentialsStore({ ...rest, secrets: secretsManagerApi(client) });
}

export function createSecretsManagerKeyringSource(options: {
  client: SecretsManagerClient;
  secretId: string;
  /** Re-read at most this often, so a rotation reaches warm containers. Default 10 min. */
  maxAgeMs?: number;
  now?: () => number;
}): KeyringSource {
  const { client, ...rest } = options;
  return createSecretsKeyringSource({ ...rest, secrets: secretsManagerApi(client) });
}

/** `initializeKeyringSecret` over the SDK client (the deploy-time migration function has no other). */
export function initializeTokenKeyring(
  client: SecretsManagerClient = new SecretsManagerClient({}),
  secretId: string,
  generate?: () => string,
): Promise<KeyringInitialization> {
  return initializeKeyringSecret(secretsManagerApi(client), secretId, generate);
}

/** `rotateKeyringSecret` over the SDK client (the operator's rotation command). */
export function rotateTokenKeyring(
  client: SecretsManagerClient,
  secretId: string,
  keyId?: string,
): Promise<KeyringRotation> {
  return rotateKeyringSecret(secretsManagerApi(client), secretId, keyId);
}
