/** AWS SDK clients as the stand-ins expect them: local endpoints, one region, dummy static credentials. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const REGION = 'us-east-1';
export const DUMMY_CREDENTIALS = { accessKeyId: 'AKIDBENCHLOCAL', secretAccessKey: 'bench-secret-not-real' };

export function createSecretsClient(endpoint: string): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint, region: REGION, credentials: DUMMY_CREDENTIALS });
}
