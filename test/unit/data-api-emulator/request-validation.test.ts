import { describe, expect, it } from 'vitest';
import {
  parseBatchExecuteStatementInput,
  parseEndTransactionInput,
  parseExecuteStatementInput,
} from '../../../local/data-api-emulator/request-validation';
import { errorOf } from './support/error-of';

const target = {
  resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:c',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s',
};

describe('request validation', () => {
  it('fills in defaults for optional members', () => {
    expect(parseExecuteStatementInput({ ...target, sql: 'SELECT 1' })).toMatchObject({
      parameters: [],
      includeResultMetadata: false,
      continueAfterTimeout: false,
      formatRecordsAs: 'NONE',
      resultSetOptions: { decimalReturnType: 'STRING', longReturnType: 'LONG' },
    });
  });

  it('requires sql and names the member', () => {
    const error = errorOf(() => parseExecuteStatementInput({ ...target }));
    expect(error.errorType).toBe('ValidationException');
    expect(error.message).toContain("at 'sql' failed to satisfy constraint: Member must not be null");
  });

  it('checks ARN lengths', () => {
    const error = errorOf(() =>
      parseExecuteStatementInput({ ...target, resourceArn: 'arn:x', sql: 'SELECT 1' }),
    );
    expect(error.message).toContain('length greater than or equal to 11');
  });

  it("refuses the schema member, which v2 doesn't support", () => {
    const error = errorOf(() => parseExecuteStatementInput({ ...target, sql: 'SELECT 1', schema: 'public' }));
    expect(error.message).toBe("The schema parameter isn't supported");
  });

  it('refuses array parameters', () => {
    const parameters = [{ name: 'ids', value: { arrayValue: { longValues: [1, 2] } } }];
    const error = errorOf(() => parseExecuteStatementInput({ ...target, sql: 'SELECT :ids', parameters }));
    expect(error.errorType).toBe('ValidationException');
    expect(error.message).toBe('Array parameters are not supported.');
  });

  it('refuses a Field with zero or two members', () => {
    for (const value of [{}, { stringValue: 'a', longValue: 1 }]) {
      const parameters = [{ name: 'p', value }];
      expect(
        errorOf(() => parseExecuteStatementInput({ ...target, sql: 'SELECT :p', parameters })).errorType,
      ).toBe('ValidationException');
    }
  });

  it('refuses unknown typeHint, formatRecordsAs and resultSetOptions values', () => {
    const bad = [
      { parameters: [{ name: 'p', value: { stringValue: 'x' }, typeHint: 'INTEGER' }] },
      { formatRecordsAs: 'CSV' },
      { resultSetOptions: { longReturnType: 'BIGINT' } },
    ];
    for (const extra of bad) {
      const error = errorOf(() => parseExecuteStatementInput({ ...target, sql: 'SELECT :p', ...extra }));
      expect(error.message).toContain('Member must satisfy enum value set');
    }
  });

  it('refuses a longValue that is not an integer', () => {
    const parameters = [{ name: 'p', value: { longValue: '12' } }];
    expect(
      errorOf(() => parseExecuteStatementInput({ ...target, sql: 'SELECT :p', parameters })).errorType,
    ).toBe('ValidationException');
  });

  it('reads batch parameter sets and transaction ids', () => {
    const input = parseBatchExecuteStatementInput({
      ...target,
      sql: 'INSERT INTO t VALUES (:v)',
      parameterSets: [[{ name: 'v', value: { longValue: 1 } }], [{ name: 'v', value: { isNull: true } }]],
    });
    expect(input.parameterSets.map((set) => set[0]?.value.kind)).toEqual(['long', 'null']);
    expect(errorOf(() => parseEndTransactionInput({ ...target })).message).toContain("'transactionId'");
  });
});
