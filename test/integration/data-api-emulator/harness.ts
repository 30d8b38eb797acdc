/** Shared set-up for the emulator conformance tests: one emulator per backend per file, real SDK client. */
import {
  BatchExecuteStatementCommand,
  type BatchExecuteStatementCommandInput,
  type BatchExecuteStatementCommandOutput,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type ExecuteStatementCommandOutput,
  type RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
  type TypeHint,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll } from 'vitest';
import {
  type DataApiBackendKind,
  type StartTestDataApiOptions,
  startTestDataApi,
  type TestDataApi,
} from '../../support/data-api';

export type ExecuteExtras = Omit<
  ExecuteStatementCommandInput,
  'resourceArn' | 'secretArn' | 'sql' | 'parameters'
>;

export interface DataApiFixture {
  readonly api: TestDataApi;
  /** A client that does not retry, so each error is the one the emulator sent. */
  readonly client: RDSDataClient;
  execute(
    sql: string,
    parameters?: SqlParameter[],
    extras?: ExecuteExtras,
  ): Promise<ExecuteStatementCommandOutput>;
  batch(
    sql: string,
    parameterSets: SqlParameter[][],
    extras?: Partial<BatchExecuteStatementCommandInput>,
  ): Promise<BatchExecuteStatementCommandOutput>;
  begin(): Promise<string>;
  commit(transactionId: string): Promise<string | undefined>;
  rollback(transactionId: string): Promise<string | undefined>;
}

/** Starts an emulator for `backend` before the file's tests and closes it after them. */
export function useDataApi(
  backend: DataApiBackendKind,
  options: Omit<StartTestDataApiOptions, 'backend'> = {},
) {
  let fixture: DataApiFixture | undefined;
  beforeAll(async () => {
    const api = await startTestDataApi({ ...options, backend });
    const client = api.createClient({ maxAttempts: 1 });
    const target = { resourceArn: api.resourceArn, secretArn: api.secretArn, database: api.database };
    fixture = {
      api,
      client,
      execute: (sql, parameters, extras = {}) =>
        client.send(new ExecuteStatementCommand({ ...target, sql, parameters, ...extras })),
      batch: (sql, parameterSets, extras = {}) =>
        client.send(new BatchExecuteStatementCommand({ ...target, sql, parameterSets, ...extras })),
      begin: async () => {
        const output = await client.send(new BeginTransactionCommand(target));
        return output.transactionId ?? '';
      },
      commit: async (transactionId) => {
        const output = await client.send(
          new CommitTransactionCommand({
            resourceArn: api.resourceArn,
            secretArn: api.secretArn,
            transactionId,
          }),
        );
        return output.transactionStatus;
      },
      rollback: async (transactionId) => {
        const output = await client.send(
          new RollbackTransactionCommand({
            resourceArn: api.resourceArn,
            secretArn: api.secretArn,
            transactionId,
          }),
        );
        return output.transactionStatus;
      },
    };
  });
  afterAll(async () => {
    await fixture?.api.close();
  });
  return (): DataApiFixture => {
    if (!fixture) throw new Error('The Data API fixture is used before beforeAll ran');
    return fixture;
  };
}

export const str = (name: string, value: string, typeHint?: TypeHint): SqlParameter =>
  typeHint ? { name, value: { stringValue: value }, typeHint } : { name, value: { stringValue: value } };
export const long = (name: string, value: number): SqlParameter => ({ name, value: { longValue: value } });
export const nul = (name: string): SqlParameter => ({ name, value: { isNull: true } });

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('Expected the call to fail, but it succeeded');
}
