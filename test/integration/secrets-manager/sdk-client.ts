import { randomUUID } from 'node:crypto';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';

/** The real SDK client, changed only in its endpoint and credentials, as the production code will run. */
export function secretsClient(url: string, config: SecretsManagerClientConfig = {}): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' },
    ...config,
  });
}

export const uniqueName = (label: string): string => `test/${label}-${randomUUID().slice(0, 8)}`;

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`Rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('Expected the call to fail, but it succeeded.');
}
