import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import {
  ConfigurationError,
  DatabaseError,
  DatabaseUnavailableError,
  type LogSink,
  MigrationError,
  SecretsUnavailableError,
} from '@bluestakes/token-manager';
import {
  initializeTokenKeyring,
  isKeyringPlaceholder,
  type MigrationReport,
  parseTokenKeyring,
} from '@bluestakes/token-manager/internal';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMigrationHandler,
  KEYRING_PHYSICAL_ID,
  type MigrationHandlerDependencies,
  SCHEMA_PHYSICAL_ID,
} from '../../functions/migrate-database/migrate-database';
import { KEYRING_PLACEHOLDER } from '../../lib/constructs/secrets';

const secretsManager = mockClient(SecretsManagerClient);
afterEach(() => secretsManager.reset());

const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:keys-AbCdEf';
const PLACEHOLDER = JSON.stringify({
  [KEYRING_PLACEHOLDER.field]: KEYRING_PLACEHOLDER.value,
  placeholder: 'Xy12',
});
const VALID_KEYRING = JSON.stringify({
  currentKeyId: 'k1',
  keys: { k1: Buffer.alloc(32, 7).toString('base64') },
});

const silentLog: LogSink = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const report = (applied: string[], alreadyApplied: string[] = []): MigrationReport => ({
  applied,
  alreadyApplied,
});

function event(requestType: 'Create' | 'Update' | 'Delete', task: string): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://example.com/response',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/tokens/1',
    RequestId: 'request-1',
    LogicalResourceId: 'SchemaMigrations',
    ResourceType: 'Custom::DatabaseMigrations',
    ResourceProperties: { ServiceToken: 'arn', Task: task },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: 'existing-id',
      OldResourceProperties: { ServiceToken: 'arn' },
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'existing-id' };
}

function handlerWith(overrides: Partial<MigrationHandlerDependencies> = {}) {
  const sleeps: number[] = [];
  const dependencies: MigrationHandlerDependencies = {
    applyMigrations: vi.fn(async () => report(['0002_b.sql'], ['0001_a.sql'])),
    initializeKeyring: vi.fn(async () => 'present' as const),
    log: silentLog,
    retry: {
      attempts: 3,
      delayMs: 15_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    ...overrides,
  };
  return { handler: createMigrationHandler(dependencies), dependencies, sleeps };
}

describe('migration custom resource handler', () => {
  it('applies the migrations on Create and reports them to CloudFormation', async () => {
    const { handler, dependencies } = handlerWith();
    await expect(handler(event('Create', 'apply-migrations'))).resolves.toEqual({
      PhysicalResourceId: SCHEMA_PHYSICAL_ID,
      Data: { Applied: '0002_b.sql', LatestMigration: '0002_b.sql' },
    });
    expect(dependencies.applyMigrations).toHaveBeenCalledTimes(1);
    expect(dependencies.initializeKeyring).not.toHaveBeenCalled();
  });

  it('applies them again on Update (the SQL hash changed) keeping the physical id stable', async () => {
    const { handler } = handlerWith({ applyMigrations: async () => report([], ['0001_a.sql']) });
    await expect(handler(event('Update', 'apply-migrations'))).resolves.toEqual({
      PhysicalResourceId: SCHEMA_PHYSICAL_ID,
      Data: { Applied: '', LatestMigration: '0001_a.sql' },
    });
  });

  it('does nothing on Delete: tables outlive the resource', async () => {
    const { handler, dependencies } = handlerWith();
    await expect(handler(event('Delete', 'apply-migrations'))).resolves.toEqual({
      PhysicalResourceId: 'existing-id',
    });
    expect(dependencies.applyMigrations).not.toHaveBeenCalled();
  });

  it('waits and retries while the database is unavailable (an auto-paused cluster resuming)', async () => {
    const applyMigrations = vi
      .fn<() => Promise<MigrationReport>>()
      .mockRejectedValueOnce(new DatabaseUnavailableError('resuming'))
      .mockResolvedValueOnce(report(['0001_a.sql']));
    const { handler, sleeps } = handlerWith({ applyMigrations });
    await expect(handler(event('Create', 'apply-migrations'))).resolves.toMatchObject({
      Data: { Applied: '0001_a.sql' },
    });
    expect(applyMigrations).toHaveBeenCalledTimes(2);
    expect(sleeps).toEqual([15_000]);
  });

  it('gives up after the last attempt so CloudFormation sees the failure', async () => {
    const applyMigrations = vi.fn(async (): Promise<MigrationReport> => {
      throw new DatabaseUnavailableError('still resuming');
    });
    const { handler, sleeps } = handlerWith({ applyMigrations });
    await expect(handler(event('Create', 'apply-migrations'))).rejects.toThrow('still resuming');
    expect(applyMigrations).toHaveBeenCalledTimes(3);
    expect(sleeps).toHaveLength(2);
  });

  it.each([
    new MigrationError('Migration 0001_a.sql was edited after it was applied'),
    new DatabaseError('syntax error'),
  ])('fails at once on %s (retrying cannot fix it)', async (failure) => {
    const applyMigrations = vi.fn(async (): Promise<MigrationReport> => {
      throw failure;
    });
    const { handler, sleeps } = handlerWith({ applyMigrations });
    await expect(handler(event('Create', 'apply-migrations'))).rejects.toBe(failure);
    expect(applyMigrations).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  it('bootstraps the keyring for the initialize-keyring task', async () => {
    const { handler, dependencies } = handlerWith({ initializeKeyring: async () => 'created' });
    await expect(handler(event('Create', 'initialize-keyring'))).resolves.toEqual({
      PhysicalResourceId: KEYRING_PHYSICAL_ID,
      Data: { Keyring: 'created' },
    });
    expect(dependencies.applyMigrations).not.toHaveBeenCalled();
  });

  it('refuses an unknown task', async () => {
    const { handler } = handlerWith();
    await expect(handler(event('Create', 'drop-everything'))).rejects.toThrow(
      'Unknown custom resource Task "drop-everything"',
    );
  });
});

describe('isKeyringPlaceholder', () => {
  it('recognises the value the stack generates, and nothing else', () => {
    expect(isKeyringPlaceholder(PLACEHOLDER)).toBe(true);
    expect(isKeyringPlaceholder(VALID_KEYRING)).toBe(false);
    expect(isKeyringPlaceholder('not json')).toBe(false);
    expect(isKeyringPlaceholder(JSON.stringify({ keyringStatus: 'uninitialized', keys: {} }))).toBe(false);
  });
});

describe('initializeTokenKeyring', () => {
  const client = () => new SecretsManagerClient({ region: 'us-east-1' });

  it('replaces the placeholder with a fresh keyring of one 32-byte key', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: PLACEHOLDER });
    secretsManager.on(PutSecretValueCommand).resolves({});
    await expect(initializeTokenKeyring(client(), SECRET_ID)).resolves.toBe('created');
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ID });
    expect(secretsManager).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    const written = secretsManager.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(written.SecretId).toBe(SECRET_ID);
    const keyring = parseTokenKeyring(written.SecretString!);
    expect(Object.keys(keyring.keys)).toEqual([keyring.currentKeyId]);
    expect(keyring.keys[keyring.currentKeyId]).toHaveLength(32);
  });

  it('leaves an existing keyring alone, so a redeploy never loses keys', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: VALID_KEYRING });
    await expect(initializeTokenKeyring(client(), SECRET_ID)).resolves.toBe('present');
    expect(secretsManager).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  it('fails the deployment on a broken keyring instead of overwriting it', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"currentKeyId":"k2","keys":{}}' });
    await expect(initializeTokenKeyring(client(), SECRET_ID)).rejects.toBeInstanceOf(ConfigurationError);
    expect(secretsManager).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  it('reports an unreadable secret as a Secrets Manager failure', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'missing', $metadata: {} }));
    await expect(initializeTokenKeyring(client(), SECRET_ID)).rejects.toBeInstanceOf(SecretsUnavailableError);
  });

  it('uses the generator it is given (a deterministic keyring in tests)', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: PLACEHOLDER });
    secretsManager.on(PutSecretValueCommand).resolves({});
    const generate = vi.fn(() => VALID_KEYRING);
    await initializeTokenKeyring(client(), SECRET_ID, generate);
    expect(generate).toHaveBeenCalledTimes(1);
    expect(secretsManager).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretString: VALID_KEYRING });
  });
});
