// Type-only (erased): the wire shapes of a Data API cell and parameter, which the SDK spells out best.
import type { Field, SqlParameter } from '@aws-sdk/client-rds-data';

/**
 * The RDS Data API calls the executor makes: the port between it and the SDK client, which
 * `wiring/rds-data.ts` adapts. Errors are the SDK's own, so `retry-policy.ts` can classify them.
 */
export interface RdsDataApi {
  executeStatement(request: ExecuteStatementRequest): Promise<ExecuteStatementReply>;
  beginTransaction(target: DataApiTarget): Promise<{ readonly transactionId?: string }>;
  commitTransaction(target: DataApiTransaction): Promise<void>;
  rollbackTransaction(target: DataApiTransaction): Promise<void>;
}

/** Which cluster, credentials secret and database a call goes to. */
export interface DataApiTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

export interface DataApiTransaction extends DataApiTarget {
  readonly transactionId: string;
}

export interface ExecuteStatementRequest extends DataApiTarget {
  readonly sql: string;
  readonly parameters: SqlParameter[];
  readonly includeResultMetadata: boolean;
  readonly resultSetOptions: { readonly longReturnType: 'STRING'; readonly decimalReturnType: 'STRING' };
  readonly transactionId?: string;
}

export interface ExecuteStatementReply {
  readonly columnMetadata?: readonly { readonly label?: string; readonly name?: string }[];
  readonly records?: readonly Field[][];
  readonly numberOfRecordsUpdated?: number;
}
