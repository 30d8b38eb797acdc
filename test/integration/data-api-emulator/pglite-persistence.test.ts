import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPgliteBackend,
  type DataApiEmulator,
  startDataApiEmulator,
} from '../../../local/data-api-emulator';
import { loadPgliteTemplate } from '../../support/pglite-template';

describe('Data API emulator on PGlite with a data folder', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'data-api-pglite-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  // The first start fills the empty folder from the run's initialised cluster (initdb is the slow part);
  // the restart reads only what the folder holds.
  let started = false;
  async function withEmulator<T>(work: (run: (sql: string) => Promise<unknown>) => Promise<T>): Promise<T> {
    const loadDataDir = started ? undefined : await loadPgliteTemplate();
    started = true;
    const emulator: DataApiEmulator = await startDataApiEmulator({
      backend: await createPgliteBackend({ dataDir, ...(loadDataDir ? { loadDataDir } : {}) }),
      database: 'bluestakes',
    });
    const client = new RDSDataClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDTESTTESTTESTTEST', secretAccessKey: 'test-secret-not-real' },
      maxAttempts: 1,
    });
    try {
      return await work(async (sql) => {
        const output = await client.send(
          new ExecuteStatementCommand({
            resourceArn: emulator.resourceArn,
            secretArn: emulator.secretArn,
            database: 'bluestakes',
            sql,
          }),
        );
        return output.records;
      });
    } finally {
      client.destroy();
      await emulator.close();
    }
  }

  it('keeps committed data across restarts and answers to the configured database name', async () => {
    await withEmulator(async (run) => {
      await run('CREATE TABLE kept (v text)');
      await run("INSERT INTO kept VALUES ('survives')");
    });
    const records = await withEmulator((run) => run('SELECT v FROM kept'));
    expect(records).toEqual([[{ stringValue: 'survives' }]]);
  });
});
