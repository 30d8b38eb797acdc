import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseResumingException,
  DatabaseUnavailableException,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { ConfigurationError, DatabaseError, DatabaseUnavailableError } from '@bluestakes/token-manager';
import { createDataApiExecutor, sqlJson } from '@bluestakes/token-manager/internal';
import { afterEach, describe, expect, it } from 'vitest';

const rdsData = mockClient(RDSDataClient);
const target = {
  resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:tokens',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc123',
  database: 'bluestakes',
};

function executor(overrides: { retryBudgetMs?: number } = {}) {
  const sleeps: number[] = [];
  let clock = 0;
  const instance = createDataApiExecutor({
    ...target,
    client: new RDSDataClient({ region: 'us-east-1' }),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
    ...overrides,
  });
  return { instance, sleeps };
}

function resuming() {
  return new DatabaseResumingException({
    message: 'Database is resuming after being auto-paused',
    $metadata: {},
  });
}

afterEach(() => {
  rdsData.reset();
});

describe('DataApiExecutor', () => {
  it('sends named parameters with the members and typeHints their JS types need', async () => {
    rdsData.on(ExecuteStatementCommand).resolves({ records: [], columnMetadata: [] });
    const { instance } = executor();

    await instance.execute('SELECT 1', {
      name: 'acme',
      count: 3,
      ratio: 0.5,
      active: true,
      at: new Date('2026-01-02T03:04:05.006Z'),
      nothing: null,
      payload: sqlJson({ a: 1 }),
    });

    expect(rdsData).toHaveReceivedCommandWith(ExecuteStatementCommand, {
      ...target,
      sql: 'SELECT 1',
      includeResultMetadata: true,
      resultSetOptions: { longReturnType: 'STRING', decimalReturnType: 'STRING' },
      parameters: [
        { name: 'name', value: { stringValue: 'acme' } },
        { name: 'count', value: { longValue: 3 } },
        { name: 'ratio', value: { doubleValue: 0.5 } },
        { name: 'active', value: { booleanValue: true } },
        { name: 'at', value: { stringValue: '2026-01-02 03:04:05.006' }, typeHint: 'TIMESTAMP' },
        { name: 'nothing', value: { isNull: true } },
        { name: 'payload', value: { stringValue: '{"a":1}' }, typeHint: 'JSON' },
      ],
    });
  });

  it('hydrates records into objects keyed by column label', async () => {
    rdsData.on(ExecuteStatementCommand).resolves({
      columnMetadata: [{ label: 'id' }, { label: 'token' }, { label: 'tags' }],
      records: [[{ stringValue: '42' }, { isNull: true }, { arrayValue: { stringValues: ['a', 'b'] } }]],
      numberOfRecordsUpdated: 0,
    });
    const { instance } = executor();

    const result = await instance.execute('SELECT id, token, tags FROM companies');

    expect(result.rows).toEqual([{ id: '42', token: null, tags: ['a', 'b'] }]);
  });

  it('retries DatabaseResumingException with growing delays, even for writes', async () => {
    rdsData
      .on(ExecuteStatementCommand)
      .rejectsOnce(resuming())
      .rejectsOnce(resuming())
      .resolves({ numberOfRecordsUpdated: 1 });
    const { instance, sleeps } = executor();

    const result = await instance.execute('UPDATE companies SET name = :name', { name: 'x' });

    expect(result.rowsUpdated).toBe(1);
    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 3);
    expect(sleeps).toEqual([375, 750]);
  });

  it('gives up with DATABASE_UNAVAILABLE once the resume budget is spent, using all of it', async () => {
    rdsData.on(ExecuteStatementCommand).rejects(resuming());
    const { instance, sleeps } = executor({ retryBudgetMs: 2_000 });

    const failure = instance.execute('SELECT 1');

    await expect(failure).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(failure).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    // 375 + 750 ms, then the 1.5 s step is cut to the 875 ms left, and one last attempt is made.
    expect(sleeps).toEqual([375, 750, 875]);
    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 4);
  });

  it('never re-sends a non-idempotent write after DatabaseUnavailableException', async () => {
    rdsData
      .on(ExecuteStatementCommand)
      .rejectsOnce(new DatabaseUnavailableException({ message: 'writer unavailable', $metadata: {} }))
      .resolves({ numberOfRecordsUpdated: 1 });
    const { instance } = executor();

    await expect(instance.execute('INSERT INTO t VALUES (1)')).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 1);
  });

  it('retries an idempotent statement after DatabaseUnavailableException', async () => {
    rdsData
      .on(ExecuteStatementCommand)
      .rejectsOnce(new DatabaseUnavailableException({ message: 'writer unavailable', $metadata: {} }))
      .resolves({ records: [], columnMetadata: [] });
    const { instance } = executor();

    await instance.execute('SELECT 1', {}, { idempotent: true });

    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 2);
  });

  const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it.each([
    ['a reset connection', socketError('ECONNRESET', 'read ECONNRESET')],
    ['a socket hang-up', socketError('ECONNRESET', 'socket hang up')],
    [
      'the SDK handler timing out',
      Object.assign(new Error('Connection timed out'), { name: 'TimeoutError' }),
    ],
  ])('retries an idempotent statement after %s, and sends a non-idempotent one once', async (_, error) => {
    rdsData.on(ExecuteStatementCommand).rejectsOnce(error).resolves({ records: [], columnMetadata: [] });
    const { instance } = executor();
    await instance.execute('SELECT 1', {}, { idempotent: true });
    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 2);

    rdsData.reset();
    rdsData.on(ExecuteStatementCommand).rejectsOnce(error).resolves({ numberOfRecordsUpdated: 1 });
    // The outcome is unknown: DATABASE_UNAVAILABLE (retry later), never DATABASE_ERROR (a 500).
    await expect(instance.execute('INSERT INTO t VALUES (1)')).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 1);
  });

  it('fails at once with DATABASE_UNAVAILABLE when the connection is refused: the endpoint is down, not resuming', async () => {
    rdsData
      .on(ExecuteStatementCommand)
      .rejectsOnce(socketError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'))
      .resolves({ records: [], columnMetadata: [] });
    const { instance, sleeps } = executor();
    await expect(instance.execute('SELECT 1', {}, { idempotent: true })).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 1);
    expect(sleeps).toEqual([]);
  });

  it('makes one attempt when the statement brings a retry budget of 0', async () => {
    rdsData.on(ExecuteStatementCommand).rejects(resuming());
    const { instance, sleeps } = executor();
    await expect(
      instance.execute('SELECT 1', {}, { idempotent: true, retryBudgetMs: 0 }),
    ).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 1);
    expect(sleeps).toEqual([]);
  });

  it('turns HttpEndpointNotEnabledException into a configuration error naming what to enable, unretried', async () => {
    rdsData.on(ExecuteStatementCommand).rejects(
      Object.assign(new Error('HttpEndpoint is not enabled for cluster tokens.'), {
        name: 'HttpEndpointNotEnabledException',
      }),
    );
    const { instance } = executor();
    const error = await instance
      .execute('SELECT 1', {}, { idempotent: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIGURATION_INVALID' });
    expect((error as Error).message).toContain('enable the Data API');
    expect(rdsData).toHaveReceivedCommandTimes(ExecuteStatementCommand, 1);
  });

  it('turns SQL errors into DatabaseError carrying the SQLState', async () => {
    const sqlError = new Error(
      'ERROR: duplicate key value violates unique constraint "companies_pkey"\n  Detail: Key (id)=(1) already exists.; SQLState: 23505',
    );
    sqlError.name = 'DatabaseErrorException';
    rdsData.on(ExecuteStatementCommand).rejects(sqlError);
    const { instance } = executor();

    const failure = instance.execute('INSERT INTO companies (id) VALUES (1)');

    await expect(failure).rejects.toBeInstanceOf(DatabaseError);
    await expect(failure).rejects.toMatchObject({ code: 'DATABASE_ERROR', sqlState: '23505' });
  });

  it('commits a transaction whose work resolves and passes its id to every statement', async () => {
    rdsData.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
    rdsData.on(ExecuteStatementCommand).resolves({ numberOfRecordsUpdated: 1 });
    rdsData.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
    const { instance } = executor();

    const value = await instance.transaction(async (transactionId) => {
      await instance.execute('UPDATE t SET x = 1', {}, { transactionId });
      return 'done';
    });

    expect(value).toBe('done');
    expect(rdsData).toHaveReceivedCommandWith(ExecuteStatementCommand, { transactionId: 'tx-1' });
    expect(rdsData).toHaveReceivedCommandWith(CommitTransactionCommand, { ...target, transactionId: 'tx-1' });
    expect(rdsData).not.toHaveReceivedCommand(RollbackTransactionCommand);
  });

  it('rolls back a transaction whose work throws and rethrows the error', async () => {
    rdsData.on(BeginTransactionCommand).resolves({ transactionId: 'tx-2' });
    rdsData.on(RollbackTransactionCommand).resolves({ transactionStatus: 'Rollback Complete' });
    const { instance } = executor();

    const failure = instance.transaction(async () => {
      throw new DatabaseError('boom');
    });

    await expect(failure).rejects.toThrow('boom');
    expect(rdsData).toHaveReceivedCommandWith(RollbackTransactionCommand, { transactionId: 'tx-2' });
    expect(rdsData).not.toHaveReceivedCommand(CommitTransactionCommand);
  });
});
