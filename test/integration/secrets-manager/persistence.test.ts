import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  SecretsDataFileError,
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../../../local/secrets-manager';
import { rejectionOf, secretsClient } from './sdk-client';

let dir: string;
const running: { standIn: SecretsManagerStandIn; client: SecretsManagerClient }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secrets-stand-in-'));
});

afterEach(async () => {
  for (const { standIn, client } of running.splice(0)) {
    client.destroy();
    await standIn.close();
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function start(dataFile: string | undefined, maxAttempts = 3) {
  const standIn = await startSecretsManagerStandIn({ dataFile });
  const client = secretsClient(standIn.url, { maxAttempts });
  running.push({ standIn, client });
  return { standIn, client };
}

async function stop(standIn: SecretsManagerStandIn): Promise<void> {
  const index = running.findIndex((entry) => entry.standIn === standIn);
  const [entry] = running.splice(index, 1);
  entry?.client.destroy();
  await standIn.close();
}

const fileIn = (name: string): string => join(dir, name);

describe('a restart with the same data file', () => {
  it('keeps secrets, versions, stages, ARNs and scheduled deletions', async () => {
    const dataFile = fileIn('restart.json');
    const first = await start(dataFile);
    const created = await first.client.send(
      new CreateSecretCommand({
        Name: 'company/7',
        SecretString: 'v1',
        Tags: [{ Key: 'company', Value: '7' }],
      }),
    );
    const put = await first.client.send(
      new PutSecretValueCommand({ SecretId: 'company/7', SecretString: 'v2' }),
    );
    await first.client.send(
      new CreateSecretCommand({ Name: 'key', SecretBinary: Uint8Array.from([9, 8, 7]) }),
    );
    await first.client.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'x' }));
    await first.client.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
    await stop(first.standIn);

    const { client } = await start(dataFile);

    const current = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(current).toMatchObject({ SecretString: 'v2', VersionId: put.VersionId, Name: 'company/7' });
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'company/7', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous).toMatchObject({ SecretString: 'v1', VersionId: created.VersionId });
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'company/7' }));
    expect(described.Tags).toEqual([{ Key: 'company', Value: '7' }]);
    const binary = await client.send(new GetSecretValueCommand({ SecretId: 'key' }));
    expect(Array.from(binary.SecretBinary ?? [])).toEqual([9, 8, 7]);
    expect(await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: 'doomed' })))).toBeInstanceOf(
      InvalidRequestException,
    );
  });

  it('keeps a force-deleted secret deleted', async () => {
    const dataFile = fileIn('force-deleted.json');
    const first = await start(dataFile);
    await first.client.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'x' }));
    await first.client.send(new DeleteSecretCommand({ SecretId: 'gone', ForceDeleteWithoutRecovery: true }));
    await stop(first.standIn);

    const { client } = await start(dataFile);
    expect(await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: 'gone' })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('writing the data file', () => {
  it('creates a missing file and its folder on the first change, readable by the owner only', async () => {
    const dataFile = join(dir, 'nested', 'deeper', 'state.json');
    const { client } = await start(dataFile);
    await client.send(new CreateSecretCommand({ Name: 'first', SecretString: 'x' }));

    const mode = (await stat(dataFile)).mode & 0o777;
    expect(mode).toBe(0o600);
    const saved = JSON.parse(await readFile(dataFile, 'utf8'));
    expect(saved.secrets.map((secret: { name: string }) => secret.name)).toEqual(['first']);
  });

  it('replaces the file by rename, leaving no temp files behind', async () => {
    const folder = await mkdtemp(join(dir, 'atomic-'));
    const dataFile = join(folder, 'state.json');
    const { client } = await start(dataFile);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.send(new CreateSecretCommand({ Name: `parallel-${i}`, SecretString: `v${i}` })),
      ),
    );

    expect(await readdir(folder)).toEqual(['state.json']);
    const saved = JSON.parse(await readFile(dataFile, 'utf8'));
    expect(saved.secrets).toHaveLength(20);
  });

  it('answers InternalServiceError when the file cannot be written, without logging the value', async () => {
    const blocked = join(dir, 'blocked');
    const { client } = await start(join(blocked, 'state.json'), 1);
    // A plain file where the data file's folder should be makes every save fail.
    await writeFile(blocked, 'not a folder');
    const logged = [vi.spyOn(console, 'log'), vi.spyOn(console, 'error'), vi.spyOn(console, 'warn')];

    const error = await rejectionOf(
      client.send(new CreateSecretCommand({ Name: 'unsaved', SecretString: 'hunter2-do-not-log' })),
    );

    expect(error.name).toBe('InternalServiceError');
    expect(error.message).not.toContain('hunter2');
    for (const spy of logged) expect(JSON.stringify(spy.mock.calls)).not.toContain('hunter2');
  });

  it('keeps everything in memory when no data file is given', async () => {
    const first = await start(undefined);
    await first.client.send(new CreateSecretCommand({ Name: 'ephemeral', SecretString: 'x' }));
    await stop(first.standIn);

    const { client } = await start(undefined);
    expect(
      await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: 'ephemeral' }))),
    ).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('an unusable data file', () => {
  it.each([
    ['empty', '', 'is empty'],
    ['only whitespace', '  \n', 'is empty'],
    [
      'corrupted',
      '{"format":"secrets-manager-stand-in/v1","secrets":[{"name":"a","value":"hunter2',
      'not valid JSON',
    ],
    ['of another shape', JSON.stringify({ secrets: {} }), 'does not hold stand-in state'],
  ])('stops the start when %s, naming the file and leaving it untouched', async (_, content, problem) => {
    const dataFile = fileIn(`unusable-${problem.replaceAll(' ', '-')}-${content.length}.json`);
    await writeFile(dataFile, content);

    const error = await rejectionOf(startSecretsManagerStandIn({ dataFile }));

    expect(error).toBeInstanceOf(SecretsDataFileError);
    expect(error.message).toContain(dataFile);
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain('hunter2');
    expect(await readFile(dataFile, 'utf8')).toBe(content);
  });

  it('stops the start when a secret name appears twice', async () => {
    const dataFile = fileIn('duplicate.json');
    const first = await start(dataFile);
    await first.client.send(new CreateSecretCommand({ Name: 'twice', SecretString: 'x' }));
    await stop(first.standIn);
    const saved = JSON.parse(await readFile(dataFile, 'utf8'));
    saved.secrets.push(saved.secrets[0]);
    await writeFile(dataFile, JSON.stringify(saved));

    const error = await rejectionOf(startSecretsManagerStandIn({ dataFile }));
    expect(error).toBeInstanceOf(SecretsDataFileError);
    expect(error.message).toContain('twice');
  });
});

describe('a recovery window that ended while the stand-in was down', () => {
  it('purges the secret on the next call and frees its name', async () => {
    const dataFile = fileIn('expired.json');
    const first = await start(dataFile);
    await first.client.send(new CreateSecretCommand({ Name: 'expired', SecretString: 'old' }));
    await first.client.send(new DeleteSecretCommand({ SecretId: 'expired', RecoveryWindowInDays: 7 }));
    await stop(first.standIn);
    const saved = JSON.parse(await readFile(dataFile, 'utf8'));
    saved.secrets[0].deletionDate = Date.now() - 1000;
    await writeFile(dataFile, JSON.stringify(saved));

    const { client } = await start(dataFile);

    expect(await rejectionOf(client.send(new DescribeSecretCommand({ SecretId: 'expired' })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(JSON.parse(await readFile(dataFile, 'utf8')).secrets).toEqual([]);
    await client.send(new CreateSecretCommand({ Name: 'expired', SecretString: 'new' }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'expired' }))).SecretString).toBe('new');
  });
});
