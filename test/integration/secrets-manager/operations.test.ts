import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RestoreSecretCommand,
  type SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../../local/secrets-manager';
import { rejectionOf, secretsClient, uniqueName } from './sdk-client';

const DAY_MS = 86_400_000;

let standIn: SecretsManagerStandIn;
let client: SecretsManagerClient;

beforeAll(async () => {
  standIn = await startSecretsManagerStandIn({ region: 'us-west-2' });
  client = secretsClient(standIn.url);
});

afterAll(async () => {
  client.destroy();
  await standIn.close();
});

const credentials = (user: string): string => JSON.stringify({ username: user, password: `pw-${user}` });

async function createWithValue(label: string, value = credentials(label)) {
  const name = uniqueName(label);
  const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { name, arn: created.ARN!, versionId: created.VersionId! };
}

describe('CreateSecret', () => {
  it('answers with an ARN in the real shape and the request token as the first version id', async () => {
    const name = uniqueName('create');
    const token = randomUUID();
    const created = await client.send(
      new CreateSecretCommand({ Name: name, SecretString: 'v1', ClientRequestToken: token }),
    );

    expect(created.Name).toBe(name);
    expect(created.VersionId).toBe(token);
    expect(created.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:us-west-2:000000000000:secret:${name}-[A-Za-z0-9]{6}$`),
    );
  });

  it('treats a retry with the same ClientRequestToken and value as the same call', async () => {
    const name = uniqueName('idempotent');
    const request = { Name: name, SecretString: 'v1', ClientRequestToken: randomUUID() };
    const first = await client.send(new CreateSecretCommand(request));
    const retried = await client.send(new CreateSecretCommand(request));

    expect(retried).toMatchObject({ ARN: first.ARN, Name: name, VersionId: first.VersionId });
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual([first.VersionId]);
  });

  it('stores description, KMS key id and tags for DescribeSecret', async () => {
    const name = uniqueName('described');
    const before = Date.now();
    await client.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: 'v1',
        Description: 'Blue Stakes login for company 7',
        KmsKeyId: 'alias/ignored-locally',
        Tags: [{ Key: 'company', Value: '7' }],
      }),
    );
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));

    expect(described).toMatchObject({
      Name: name,
      Description: 'Blue Stakes login for company 7',
      KmsKeyId: 'alias/ignored-locally',
      Tags: [{ Key: 'company', Value: '7' }],
    });
    expect(described.CreatedDate).toBeInstanceOf(Date);
    expect(described.CreatedDate!.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(described.LastChangedDate).toBeInstanceOf(Date);
    expect(described.DeletedDate).toBeUndefined();
  });

  it('creates a secret without a value, which has no AWSCURRENT version until one is put', async () => {
    const name = uniqueName('empty');
    const created = await client.send(new CreateSecretCommand({ Name: name }));
    expect(created.VersionId).toBeUndefined();

    const error = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT.",
    );

    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'first' }));
    const value = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(value.SecretString).toBe('first');
  });
});

describe('GetSecretValue', () => {
  it('returns the current value by name with its version, stages and creation date', async () => {
    const { name, arn, versionId } = await createWithValue('by-name');
    const value = await client.send(new GetSecretValueCommand({ SecretId: name }));

    expect(value).toMatchObject({
      ARN: arn,
      Name: name,
      VersionId: versionId,
      SecretString: credentials('by-name'),
      VersionStages: ['AWSCURRENT'],
    });
    expect(value.SecretBinary).toBeUndefined();
    expect(value.CreatedDate).toBeInstanceOf(Date);
  });

  it('finds a secret by its full ARN and by its partial ARN without the random suffix', async () => {
    const { arn } = await createWithValue('by-arn', 'arn-value');

    const full = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const partial = await client.send(new GetSecretValueCommand({ SecretId: arn.slice(0, -7) }));

    expect(full.SecretString).toBe('arn-value');
    expect(partial.SecretString).toBe('arn-value');
  });

  it('round-trips a binary secret byte for byte', async () => {
    const name = uniqueName('binary');
    const bytes = Uint8Array.from([0, 1, 2, 254, 255, 10, 13]);
    await client.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));

    const value = await client.send(new GetSecretValueCommand({ SecretId: name }));

    expect(value.SecretString).toBeUndefined();
    expect(Array.from(value.SecretBinary ?? [])).toEqual(Array.from(bytes));
  });

  it('stamps LastAccessedDate with the day of the read', async () => {
    const { name } = await createWithValue('accessed');
    const startOfDay = new Date();
    startOfDay.setUTCHours(0, 0, 0, 0);
    await client.send(new GetSecretValueCommand({ SecretId: name }));

    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    const accessed = described.LastAccessedDate!.getTime();
    expect(accessed % DAY_MS).toBe(0);
    expect(accessed).toBeGreaterThanOrEqual(startOfDay.getTime());
    expect(accessed).toBeLessThanOrEqual(Date.now());
  });
});

describe('versions and staging labels', () => {
  it('makes a put value AWSCURRENT and moves the old one to AWSPREVIOUS', async () => {
    const { name, versionId: first } = await createWithValue('rotate', 'one');
    const put = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));

    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('two');
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous).toMatchObject({ SecretString: 'one', VersionId: first, VersionStages: ['AWSPREVIOUS'] });
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({
      [first]: ['AWSPREVIOUS'],
      [put.VersionId!]: ['AWSCURRENT'],
    });
  });

  it('drops a version that loses both labels from DescribeSecret but still serves it by VersionId', async () => {
    const { name, versionId: first } = await createWithValue('three-versions', 'one');
    const second = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
    const third = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'three' }));

    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({
      [second.VersionId!]: ['AWSPREVIOUS'],
      [third.VersionId!]: ['AWSCURRENT'],
    });
    const oldest = await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: first }));
    expect(oldest).toMatchObject({ SecretString: 'one', VersionStages: [] });
  });

  it('serves a version asked for by both VersionId and a stage it carries', async () => {
    const { name, versionId } = await createWithValue('id-and-stage', 'one');
    const value = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionId: versionId, VersionStage: 'AWSCURRENT' }),
    );
    expect(value.SecretString).toBe('one');
  });

  it('puts a version under a custom stage without touching AWSCURRENT', async () => {
    const { name } = await createWithValue('pending', 'current');
    const pending = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'next', VersionStages: ['AWSPENDING'] }),
    );

    expect(pending.VersionStages).toEqual(['AWSPENDING']);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('current');
    const staged = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' }),
    );
    expect(staged.SecretString).toBe('next');
  });

  it('treats a retried PutSecretValue (same token, same value) as one version', async () => {
    const { name } = await createWithValue('put-retry', 'one');
    const request = { SecretId: name, SecretString: 'two', ClientRequestToken: randomUUID() };
    const first = await client.send(new PutSecretValueCommand(request));
    const retried = await client.send(new PutSecretValueCommand(request));

    expect(retried.VersionId).toBe(first.VersionId);
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.SecretString).toBe('one');
  });
});

describe('UpdateSecret', () => {
  it('makes a new AWSCURRENT version from SecretString', async () => {
    const { name, versionId: first } = await createWithValue('update', 'old');
    const updated = await client.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'new' }));

    expect(updated.VersionId).toBeDefined();
    expect(updated.VersionId).not.toBe(first);
    const value = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(value).toMatchObject({ SecretString: 'new', VersionId: updated.VersionId });
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.SecretString).toBe('old');
  });

  it('changes only the description when no value is given, creating no version', async () => {
    const { name, versionId } = await createWithValue('update-description', 'kept');
    const updated = await client.send(
      new UpdateSecretCommand({ SecretId: name, Description: 'rotated by hand' }),
    );

    expect(updated.VersionId).toBeUndefined();
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.Description).toBe('rotated by hand');
    expect(described.VersionIdsToStages).toEqual({ [versionId]: ['AWSCURRENT'] });
  });
});

describe('DeleteSecret', () => {
  it('removes a secret at once with ForceDeleteWithoutRecovery and frees its name', async () => {
    const { name, arn } = await createWithValue('force');
    const deleted = await client.send(
      new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }),
    );

    expect(deleted).toMatchObject({ ARN: arn, Name: name });
    expect(deleted.DeletionDate).toBeInstanceOf(Date);
    expect(await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    const recreated = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'again' }));
    expect(recreated.ARN).not.toBe(arn);
  });

  it('schedules deletion after the recovery window and refuses reads meanwhile, as AWS does', async () => {
    const { name } = await createWithValue('window');
    const before = Date.now();
    const deleted = await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const after = Date.now();

    const deletionDate = deleted.DeletionDate!.getTime();
    expect(deletionDate).toBeGreaterThanOrEqual(before + 7 * DAY_MS - 1);
    expect(deletionDate).toBeLessThanOrEqual(after + 7 * DAY_MS + 1);
    const error = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect(error.message).toBe(
      "You can't perform this operation on the secret because it was marked for deletion.",
    );
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.DeletedDate?.getTime()).toBe(deletionDate);
  });

  it('uses a 30-day window by default, and RestoreSecret brings the secret back', async () => {
    const { name } = await createWithValue('restore', 'restored');
    const before = Date.now();
    const deleted = await client.send(new DeleteSecretCommand({ SecretId: name }));
    expect(deleted.DeletionDate!.getTime()).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1);

    await client.send(new RestoreSecretCommand({ SecretId: name }));

    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('restored');
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.DeletedDate).toBeUndefined();
  });
});
