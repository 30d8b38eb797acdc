import { setTimeout as sleep } from 'node:timers/promises';
import {
  BadRequestException,
  DatabaseErrorException,
  DatabaseResumingException,
  DatabaseUnavailableException,
  ExecuteSqlCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  HttpEndpointNotEnabledException,
  InternalServerErrorException,
  SecretsErrorException,
  ServiceUnavailableError,
  StatementTimeoutException,
  UnsupportedResultException,
} from '@aws-sdk/client-rds-data';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../local/data-api-emulator';
import { availableBackends } from '../../support/data-api';
import { rejectionOf, str, useDataApi } from './harness';

const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/rds-data/aws4_request' };

describe.each(availableBackends)('Data API emulator protocol and limits (%s)', (backend) => {
  const db = useDataApi(backend);

  beforeAll(async () => {
    await db().execute('CREATE TABLE events (id int)');
  });

  beforeEach(async () => {
    db().api.emulator.configure(DEFAULT_LIMITS);
    db().api.emulator.clearFaults();
    await db().execute('DELETE FROM events');
  });

  const single = async (sql: string) => (await db().execute(sql)).records?.[0]?.[0];

  /** A raw POST, for what the SDK cannot send. */
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${db().api.endpoint}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...SIGNED, ...headers },
      body,
    });

  describe('session state between autocommit calls', () => {
    it('runs every session in UTC', async () => {
      expect(await single("SELECT current_setting('TimeZone')")).toEqual({ stringValue: 'UTC' });
    });

    it('forgets SET after the call', async () => {
      await db().execute("SET TimeZone = 'America/Denver'");
      await db().execute("SELECT set_config('app.user', 'alice', false)");
      expect(await single("SELECT current_setting('TimeZone')")).toEqual({ stringValue: 'UTC' });
      expect(await single("SELECT coalesce(current_setting('app.user', true), '')")).toEqual({
        stringValue: '',
      });
    });

    it('drops temporary tables after the call', async () => {
      await db().execute('CREATE TEMP TABLE scratch (x int)');
      const error = await rejectionOf(db().execute('SELECT * FROM scratch'));
      expect(error.message).toMatch(/relation "scratch" does not exist.*SQLState: 42P01$/s);
    });

    it('releases session advisory locks after the call', async () => {
      await db().execute('SELECT pg_advisory_lock(4242)');
      expect(await single('SELECT pg_try_advisory_lock(4242)')).toEqual({ booleanValue: true });
    });
  });

  describe('limits', () => {
    it('fails a response over the size limit and serves smaller ones', async () => {
      db().api.emulator.configure({ responseSizeLimitBytes: 2000 });
      const error = await rejectionOf(db().execute("SELECT repeat('x', 1000) FROM generate_series(1, 3)"));
      expect(error).toBeInstanceOf(UnsupportedResultException);
      expect(error.message).toBe('Database response exceeded size limit');
      expect((await db().execute("SELECT repeat('x', 1000)")).records).toHaveLength(1);
    });

    it('times out a long statement with StatementTimeoutException and undoes its work', async () => {
      db().api.emulator.configure({ statementTimeoutMs: 100 });
      const error = await rejectionOf(db().execute('INSERT INTO events SELECT 1 FROM pg_sleep(0.4)'));
      expect(error).toBeInstanceOf(StatementTimeoutException);
      expect(typeof (error as unknown as StatementTimeoutException).dbConnectionId).toBe('number');
      db().api.emulator.configure({ statementTimeoutMs: DEFAULT_LIMITS.statementTimeoutMs });
      expect(await single('SELECT count(*) FROM events')).toEqual({ longValue: 0 });
    });

    it('answers a statement timeout on time, while the statement still runs, and undoes its work', async () => {
      db().api.emulator.configure({ statementTimeoutMs: 200 });
      const started = performance.now();
      const error = await rejectionOf(db().execute('INSERT INTO events SELECT 3 FROM pg_sleep(4)'));
      const answeredAfterMs = performance.now() - started;
      expect(error).toBeInstanceOf(StatementTimeoutException);
      // The statement sleeps 4 s; an answer within half of that came long before it could have ended.
      expect(answeredAfterMs).toBeLessThan(2_000);
      db().api.emulator.configure({ statementTimeoutMs: DEFAULT_LIMITS.statementTimeoutMs });
      expect(await single('SELECT count(*) FROM events')).toEqual({ longValue: 0 });
    });

    it('lets the statement finish with continueAfterTimeout while still reporting the timeout', async () => {
      db().api.emulator.configure({ statementTimeoutMs: 100 });
      const error = await rejectionOf(
        db().execute('INSERT INTO events SELECT 2 FROM pg_sleep(0.4)', [], { continueAfterTimeout: true }),
      );
      expect(error).toBeInstanceOf(StatementTimeoutException);
      db().api.emulator.configure({ statementTimeoutMs: DEFAULT_LIMITS.statementTimeoutMs });
      let rows: number | undefined = 0;
      for (let attempt = 0; attempt < 40 && rows === 0; attempt += 1) {
        rows = (await single('SELECT count(*) FROM events'))?.longValue;
        if (rows === 0) await sleep(50);
      }
      expect(rows).toBe(1);
    });

    it('leaves a transaction aborted after a statement timeout', async () => {
      const transactionId = await db().begin();
      db().api.emulator.configure({ statementTimeoutMs: 100 });
      const error = await rejectionOf(db().execute('SELECT pg_sleep(0.4)', [], { transactionId }));
      expect(error).toBeInstanceOf(StatementTimeoutException);
      db().api.emulator.configure({ statementTimeoutMs: DEFAULT_LIMITS.statementTimeoutMs });
      const next = await rejectionOf(db().execute('SELECT 1', [], { transactionId }));
      expect(next.message).toMatch(/SQLState: 25P02$/);
      expect(await db().rollback(transactionId)).toBe('Rollback Complete');
    });
  });

  describe('errors', () => {
    it('reports SQL errors as DatabaseErrorException with the v2 message shape', async () => {
      await db().execute('CREATE TABLE uniq (id int PRIMARY KEY)');
      await db().execute('INSERT INTO uniq VALUES (1)');
      const error = await rejectionOf(db().execute('INSERT INTO uniq VALUES (1)'));
      expect(error).toBeInstanceOf(DatabaseErrorException);
      expect(error.message).toBe(
        'ERROR: duplicate key value violates unique constraint "uniq_pkey"\n  Detail: Key (id)=(1) already exists.; SQLState: 23505',
      );
      expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode).toBe(400);
    });

    it('reports error positions in the SQL as sent', async () => {
      const error = await rejectionOf(db().execute('SELECT :p::text || no_such_column', [str('p', 'x')]));
      expect(error.message).toContain(`Position: ${'SELECT :p::text || '.length + 1}`);
    });

    it('sends x-amzn-ErrorType and a JSON message body', async () => {
      const response = await post(
        '/Execute',
        JSON.stringify({
          resourceArn: db().api.resourceArn,
          secretArn: db().api.secretArn,
          sql: 'SELECT 1/0',
        }),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toMatch(/^DatabaseErrorException:/);
      expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
      expect(await response.json()).toEqual({ message: 'ERROR: division by zero; SQLState: 22012' });
    });

    it('refuses an unknown cluster ARN, secret ARN and database', async () => {
      const client = db().client;
      const base = { resourceArn: db().api.resourceArn, secretArn: db().api.secretArn, sql: 'SELECT 1' };
      const wrongCluster = { ...base, resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:other' };
      expect(await rejectionOf(client.send(new ExecuteStatementCommand(wrongCluster)))).toBeInstanceOf(
        HttpEndpointNotEnabledException,
      );
      const wrongSecret = {
        ...base,
        secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other',
      };
      expect(await rejectionOf(client.send(new ExecuteStatementCommand(wrongSecret)))).toBeInstanceOf(
        SecretsErrorException,
      );
      const wrongDatabase = await rejectionOf(
        client.send(new ExecuteStatementCommand({ ...base, database: 'nope' })),
      );
      expect(wrongDatabase.message).toMatch(/database "nope" does not exist; SQLState: 3D000$/);
    });

    it("refuses the schema parameter, which v2 doesn't support", async () => {
      const error = await rejectionOf(db().execute('SELECT 1', [], { schema: 'public' }));
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe("The schema parameter isn't supported");
    });

    it('refuses the deprecated ExecuteSql operation', async () => {
      const command = new ExecuteSqlCommand({
        dbClusterOrInstanceArn: db().api.resourceArn,
        awsSecretStoreArn: db().api.secretArn,
        sqlStatements: 'SELECT 1',
      });
      expect(await rejectionOf(db().client.send(command))).toBeInstanceOf(BadRequestException);
    });

    it('serves an endpoint with a path prefix', async () => {
      const client = db().api.createClient({ endpoint: `${db().api.endpoint}/prefix` });
      const output = await client.send(
        new ExecuteStatementCommand({
          resourceArn: db().api.resourceArn,
          secretArn: db().api.secretArn,
          sql: 'SELECT 1',
        }),
      );
      expect(output.records).toEqual([[{ longValue: 1 }]]);
      expect(output.$metadata.requestId).toBeTruthy();
    });
  });

  describe('malformed requests', () => {
    it('answers bad JSON with a 400 SerializationException', async () => {
      const response = await post('/Execute', '{"sql": ');
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toMatch(/^SerializationException/);
      expect(await response.json()).toHaveProperty('message');
    });

    it('answers a wrong content type with a 400', async () => {
      const response = await post('/Execute', 'sql=SELECT 1', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toMatch(/^UnsupportedMediaTypeException/);
    });

    it('answers an unsigned request with 403', async () => {
      const response = await fetch(`${db().api.endpoint}/Execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(403);
    });

    it('answers a missing sql member with a ValidationException', async () => {
      // The SDK sends whatever it is given; only the types insist on sql.
      const input = {
        resourceArn: db().api.resourceArn,
        secretArn: db().api.secretArn,
      } as ExecuteStatementCommandInput;
      const error = await rejectionOf(db().client.send(new ExecuteStatementCommand(input)));
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain("'sql'");
    });

    it('refuses a body over 4 MiB and keeps serving', async () => {
      const error = await rejectionOf(db().execute(`SELECT '${'x'.repeat(4 * 1024 * 1024)}'`));
      expect(error.name).toBe('RequestEntityTooLargeException');
      expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode).toBe(413);
      expect(await single('SELECT 1')).toEqual({ longValue: 1 });
    });

    it('answers an unknown route with 404 and keeps serving', async () => {
      const response = await post('/NoSuchOperation', '{}');
      expect(response.status).toBe(404);
      expect(await single('SELECT 2')).toEqual({ longValue: 2 });
    });
  });

  describe('fault injection', () => {
    it.each([
      ['resuming', DatabaseResumingException, 400],
      ['unavailable', DatabaseUnavailableException, 504],
      ['statementTimeout', StatementTimeoutException, 400],
      ['serviceUnavailable', ServiceUnavailableError, 503],
      ['internalError', InternalServerErrorException, 500],
      ['endpointNotEnabled', HttpEndpointNotEnabledException, 400],
    ] as const)('surfaces a %s fault as the SDK typed exception', async (kind, type, status) => {
      db().api.emulator.injectFaults({ kind, count: 1 });
      const error = await rejectionOf(db().execute('SELECT 1'));
      expect(error).toBeInstanceOf(type);
      expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode).toBe(status);
      expect(await single('SELECT 1')).toEqual({ longValue: 1 });
    });

    it('lets the SDK retry a DatabaseUnavailableException and succeed', async () => {
      const client = db().api.createClient();
      db().api.emulator.injectFaults({ kind: 'unavailable', count: 1 });
      const before = db().api.emulator.stats.byOperation.ExecuteStatement;
      const output = await client.send(
        new ExecuteStatementCommand({
          resourceArn: db().api.resourceArn,
          secretArn: db().api.secretArn,
          sql: 'SELECT 3',
        }),
      );
      expect(output.records).toEqual([[{ longValue: 3 }]]);
      expect(db().api.emulator.stats.byOperation.ExecuteStatement - before).toBe(2);
    });

    it('does not let the SDK retry DatabaseResumingException', async () => {
      const client = db().api.createClient();
      db().api.emulator.injectFaults({ kind: 'resuming', count: 1 });
      const before = db().api.emulator.stats.calls;
      const error = await rejectionOf(
        client.send(
          new ExecuteStatementCommand({
            resourceArn: db().api.resourceArn,
            secretArn: db().api.secretArn,
            sql: 'SELECT 1',
          }),
        ),
      );
      expect(error).toBeInstanceOf(DatabaseResumingException);
      expect(error.message).toContain('is resuming after being auto-paused');
      expect(db().api.emulator.stats.calls - before).toBe(1);
    });

    it('takes faults from the admin HTTP route', async () => {
      const response = await fetch(`${db().api.endpoint}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'resuming', count: 2 }),
      });
      expect(response.status).toBe(200);
      expect(await rejectionOf(db().execute('SELECT 1'))).toBeInstanceOf(DatabaseResumingException);
      expect(await rejectionOf(db().execute('SELECT 1'))).toBeInstanceOf(DatabaseResumingException);
      expect(await single('SELECT 1')).toEqual({ longValue: 1 });
    });
  });
});
