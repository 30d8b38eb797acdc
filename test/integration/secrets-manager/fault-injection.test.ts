import {
  CreateSecretCommand,
  GetSecretValueCommand,
  InternalServiceError,
  type SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../../local/secrets-manager';
import { rejectionOf, secretsClient, uniqueName } from './sdk-client';

let standIn: SecretsManagerStandIn;
let threeAttempts: SecretsManagerClient;
let twoAttempts: SecretsManagerClient;
let oneAttempt: SecretsManagerClient;
let name: string;

beforeAll(async () => {
  standIn = await startSecretsManagerStandIn();
  threeAttempts = secretsClient(standIn.url, { maxAttempts: 3 });
  twoAttempts = secretsClient(standIn.url, { maxAttempts: 2 });
  oneAttempt = secretsClient(standIn.url, { maxAttempts: 1 });
  name = uniqueName('faulty');
  await threeAttempts.send(new CreateSecretCommand({ Name: name, SecretString: 'value' }));
});

afterEach(() => {
  standIn.clearFaults();
});

afterAll(async () => {
  for (const client of [threeAttempts, twoAttempts, oneAttempt]) client.destroy();
  await standIn.close();
});

const reads = (): number => standIn.stats.calls.GetSecretValue ?? 0;
const read = (client: SecretsManagerClient) => client.send(new GetSecretValueCommand({ SecretId: name }));

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${standIn.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('throttling', () => {
  it('is retried by the SDK when fewer calls fail than it attempts', async () => {
    standIn.injectFaults({ kind: 'throttling', count: 2 });
    const before = reads();

    const value = await read(threeAttempts);

    expect(value.SecretString).toBe('value');
    expect(value.$metadata.attempts).toBe(3);
    expect(reads() - before).toBe(3);
  });

  it('surfaces as ThrottlingException once the SDK runs out of attempts', async () => {
    standIn.injectFaults({ kind: 'throttling', count: 5 });

    const error = await rejectionOf(read(twoAttempts));

    expect(error).toBeInstanceOf(SecretsManagerServiceException);
    expect(error.name).toBe('ThrottlingException');
    expect((error as SecretsManagerServiceException).$metadata).toMatchObject({
      httpStatusCode: 400,
      attempts: 2,
    });
  });

  it('stops once cleared', async () => {
    standIn.injectFaults({ kind: 'throttling', count: 5 });
    standIn.clearFaults();
    expect((await read(oneAttempt)).SecretString).toBe('value');
  });
});

describe('internal errors', () => {
  it('are retried by the SDK as transient server errors', async () => {
    standIn.injectFaults({ kind: 'internal', count: 1 });
    const value = await read(threeAttempts);
    expect(value.$metadata.attempts).toBe(2);
  });

  it('surface as the typed InternalServiceError with status 500 when they outlast the attempts', async () => {
    standIn.injectFaults({ kind: 'internal', count: 3 });

    const error = await rejectionOf(read(threeAttempts));

    expect(error).toBeInstanceOf(InternalServiceError);
    expect((error as InternalServiceError).$fault).toBe('server');
    expect((error as InternalServiceError).$metadata).toMatchObject({ httpStatusCode: 500, attempts: 3 });
    expect((await read(oneAttempt)).SecretString).toBe('value');
  });
});

describe('the fault count', () => {
  it('fails exactly the next N calls, whatever the operation', async () => {
    standIn.injectFaults({ kind: 'internal', count: 2 });

    expect(
      await rejectionOf(oneAttempt.send(new CreateSecretCommand({ Name: uniqueName('x') }))),
    ).toBeInstanceOf(InternalServiceError);
    expect(await rejectionOf(read(oneAttempt))).toBeInstanceOf(InternalServiceError);
    expect((await read(oneAttempt)).SecretString).toBe('value');
  });

  it('rejects a bad fault in process', () => {
    expect(() => standIn.injectFaults({ kind: 'throttling', count: -1 })).toThrow(TypeError);
    expect(() => standIn.injectFaults({ kind: 'meteor' as 'internal', count: 1 })).toThrow(TypeError);
  });
});

describe('the admin routes', () => {
  it('inject faults with POST /__secrets/faults', async () => {
    const answer = await admin('POST', '/__secrets/faults', { kind: 'throttling', count: 1 });

    expect(answer).toEqual({ status: 200, body: { pending: { kind: 'throttling', count: 1 } } });
    expect((await rejectionOf(read(oneAttempt))).name).toBe('ThrottlingException');
    expect((await read(oneAttempt)).SecretString).toBe('value');
  });

  it('clear faults with DELETE /__secrets/faults', async () => {
    standIn.injectFaults({ kind: 'internal', count: 3 });
    expect(await admin('DELETE', '/__secrets/faults')).toEqual({ status: 200, body: { pending: null } });
    expect((await read(oneAttempt)).SecretString).toBe('value');
  });

  it.each([{ kind: 'throttling' }, { kind: 'flood', count: 1 }, { kind: 'internal', count: 1.5 }, 'text'])(
    'refuse the bad fault %j with 400',
    async (fault) => {
      const answer = await admin('POST', '/__secrets/faults', fault);
      expect(answer.status).toBe(400);
      expect((await read(oneAttempt)).SecretString).toBe('value');
    },
  );

  it('report calls per operation with GET /__secrets/stats, matching the in-process stats', async () => {
    const before = reads();
    await read(oneAttempt);
    await read(oneAttempt);

    const answer = await admin('GET', '/__secrets/stats');

    expect(reads()).toBe(before + 2);
    expect(answer).toEqual({ status: 200, body: { calls: standIn.stats.calls } });
    expect(standIn.stats.calls.CreateSecret).toBeGreaterThanOrEqual(1);
  });
});
