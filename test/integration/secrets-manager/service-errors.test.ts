import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../../local/secrets-manager';
import { rejectionOf, secretsClient, uniqueName } from './sdk-client';

let standIn: SecretsManagerStandIn;
let client: SecretsManagerClient;

beforeAll(async () => {
  standIn = await startSecretsManagerStandIn();
  client = secretsClient(standIn.url);
});

afterAll(async () => {
  client.destroy();
  await standIn.close();
});

async function existingSecret(label: string, value = 'value'): Promise<string> {
  const name = uniqueName(label);
  await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return name;
}

async function scheduledForDeletion(label: string): Promise<string> {
  const name = await existingSecret(label);
  await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
  return name;
}

/** ValidationException is not modelled by the SDK: it arrives as the service's base exception, by name. */
function expectValidationError(error: Error, field: string): void {
  expect(error).toBeInstanceOf(SecretsManagerServiceException);
  expect(error.name).toBe('ValidationException');
  expect(error.message).toContain(`'${field}'`);
}

describe('ResourceNotFoundException', () => {
  const notFound = "Secrets Manager can't find the specified secret.";

  it.each([
    ['an unknown name', 'test/no-such-secret'],
    ['an unknown ARN', 'arn:aws:secretsmanager:us-east-1:000000000000:secret:test/no-such-secret-AbCdEf'],
  ])('surfaces for %s as the typed SDK exception with the real message', async (_, secretId) => {
    const error = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: secretId })));

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(notFound);
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
    expect((error as ResourceNotFoundException).$fault).toBe('client');
  });

  it.each<[string, (id: string) => Promise<unknown>]>([
    ['DescribeSecret', (id) => client.send(new DescribeSecretCommand({ SecretId: id }))],
    ['PutSecretValue', (id) => client.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'x' }))],
    ['UpdateSecret', (id) => client.send(new UpdateSecretCommand({ SecretId: id, SecretString: 'x' }))],
    ['DeleteSecret', (id) => client.send(new DeleteSecretCommand({ SecretId: id }))],
  ])('surfaces from %s for a missing secret', async (_, call) => {
    expect(await rejectionOf(call('test/missing'))).toBeInstanceOf(ResourceNotFoundException);
  });

  it.each<[string, Omit<GetSecretValueCommandInput, 'SecretId'>, string]>([
    ['an unknown version id', { VersionId: 'f'.repeat(32) }, `VersionId: ${'f'.repeat(32)}`],
    ['a stage no version carries', { VersionStage: 'AWSPREVIOUS' }, 'staging label: AWSPREVIOUS'],
  ])('surfaces for %s of an existing secret', async (_, selector, detail) => {
    const name = await existingSecret('versions');
    const error = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name, ...selector })));

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(`Secrets Manager can't find the specified secret value for ${detail}.`);
  });
});

describe('ResourceExistsException', () => {
  it('refuses to create a name that is taken', async () => {
    const name = await existingSecret('taken');
    const error = await rejectionOf(
      client.send(new CreateSecretCommand({ Name: name, SecretString: 'other' })),
    );

    expect(error).toBeInstanceOf(ResourceExistsException);
    expect(error.message).toBe(`The operation failed because the secret ${name} already exists.`);
  });

  it('refuses a reused ClientRequestToken that carries a different value', async () => {
    const name = await existingSecret('reused-token');
    const token = randomUUID();
    await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'a', ClientRequestToken: token }),
    );

    const error = await rejectionOf(
      client.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: 'b', ClientRequestToken: token }),
      ),
    );

    expect(error).toBeInstanceOf(ResourceExistsException);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('a');
  });
});

describe('InvalidParameterException', () => {
  it('refuses a string and a binary value together', async () => {
    const error = await rejectionOf(
      client.send(
        new CreateSecretCommand({
          Name: uniqueName('both'),
          SecretString: 'text',
          SecretBinary: Uint8Array.from([1]),
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it('refuses ForceDeleteWithoutRecovery together with a recovery window', async () => {
    const name = await existingSecret('force-and-window');
    const error = await rejectionOf(
      client.send(
        new DeleteSecretCommand({
          SecretId: name,
          ForceDeleteWithoutRecovery: true,
          RecoveryWindowInDays: 7,
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it.each([6, 31])('refuses a recovery window of %i days', async (days) => {
    const name = await existingSecret('window-range');
    const error = await rejectionOf(
      client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: days })),
    );

    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('value');
  });

  it('refuses PutSecretValue without a value', async () => {
    const name = await existingSecret('put-nothing');
    const error = await rejectionOf(client.send(new PutSecretValueCommand({ SecretId: name })));
    expect(error).toBeInstanceOf(InvalidParameterException);
  });
});

describe('InvalidRequestException for a secret scheduled for deletion', () => {
  it.each<[string, (id: string) => Promise<unknown>]>([
    ['PutSecretValue', (id) => client.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'x' }))],
    ['UpdateSecret', (id) => client.send(new UpdateSecretCommand({ SecretId: id, SecretString: 'x' }))],
    ['DeleteSecret again', (id) => client.send(new DeleteSecretCommand({ SecretId: id }))],
  ])('comes from %s', async (_, call) => {
    const name = await scheduledForDeletion('scheduled');
    expect(await rejectionOf(call(name))).toBeInstanceOf(InvalidRequestException);
  });

  it('comes from CreateSecret with the same name', async () => {
    const name = await scheduledForDeletion('scheduled-name');
    const error = await rejectionOf(client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' })));
    expect(error).toBeInstanceOf(InvalidRequestException);
  });

  it('does not stop ForceDeleteWithoutRecovery', async () => {
    const name = await scheduledForDeletion('scheduled-force');
    await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    expect(await rejectionOf(client.send(new DescribeSecretCommand({ SecretId: name })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('ValidationException for malformed input', () => {
  it('answers a request without SecretId', async () => {
    const input = {} as GetSecretValueCommandInput;
    const error = await rejectionOf(client.send(new GetSecretValueCommand(input)));
    expectValidationError(error, 'secretId');
  });

  it('answers a name longer than 512 characters', async () => {
    const error = await rejectionOf(
      client.send(new CreateSecretCommand({ Name: 'n'.repeat(513), SecretString: 'x' })),
    );
    expectValidationError(error, 'name');
  });

  it('accepts a name of exactly 512 allowed characters', async () => {
    const name = `a/b_c+d=e.f@g-${'n'.repeat(498)}`;
    const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    expect(created.Name).toBe(name);
  });

  it.each(['has space', 'semi;colon', 'colon:name', 'quote"d', 'ümlaut'])(
    'answers the invalid name %j',
    async (name) => {
      const error = await rejectionOf(
        client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' })),
      );
      expectValidationError(error, 'name');
    },
  );

  it('answers a string value over 65,536 bytes without quoting it', async () => {
    const value = `SECRET-${'é'.repeat(32_766)}`;
    expect(value.length).toBeLessThan(65_536);
    const error = await rejectionOf(
      client.send(new CreateSecretCommand({ Name: uniqueName('big'), SecretString: value })),
    );

    expectValidationError(error, 'secretString');
    expect(error.message).not.toContain('SECRET-');
  });

  it('accepts a string value of exactly 65,536 bytes', async () => {
    const name = uniqueName('max');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'x'.repeat(65_536) }));
    const value = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(value.SecretString).toHaveLength(65_536);
  });

  it('answers a binary value over 65,536 bytes', async () => {
    const name = await existingSecret('big-binary');
    const error = await rejectionOf(
      client.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: new Uint8Array(65_537) })),
    );
    expectValidationError(error, 'secretBinary');
  });

  it('answers a ClientRequestToken shorter than 32 characters', async () => {
    const error = await rejectionOf(
      client.send(
        new CreateSecretCommand({
          Name: uniqueName('token'),
          SecretString: 'x',
          ClientRequestToken: 'short',
        }),
      ),
    );
    expectValidationError(error, 'clientRequestToken');
  });
});
