/** Call counters; benchmarks read them to count Data API round trips per token operation. */

export type DataApiOperation =
  | 'ExecuteStatement'
  | 'BatchExecuteStatement'
  | 'BeginTransaction'
  | 'CommitTransaction'
  | 'RollbackTransaction'
  | 'ExecuteSql';

export const DATA_API_OPERATIONS: readonly DataApiOperation[] = [
  'ExecuteStatement',
  'BatchExecuteStatement',
  'BeginTransaction',
  'CommitTransaction',
  'RollbackTransaction',
  'ExecuteSql',
];

export interface DataApiEmulatorStats {
  /** Every Data API call received, including failed and fault-injected ones. */
  readonly calls: number;
  readonly byOperation: Readonly<Record<DataApiOperation, number>>;
  /** Calls answered with an error (injected faults included). */
  readonly errors: number;
  readonly faultsInjected: number;
  /** Statements run: one per ExecuteStatement, one per parameter set of BatchExecuteStatement. */
  readonly statements: number;
  readonly activeTransactions: number;
}

const zeroCounts = (): Record<DataApiOperation, number> =>
  Object.fromEntries(DATA_API_OPERATIONS.map((operation) => [operation, 0])) as Record<
    DataApiOperation,
    number
  >;

export class StatsRecorder {
  #byOperation = zeroCounts();
  #errors = 0;
  #faults = 0;
  #statements = 0;

  call(operation: DataApiOperation): void {
    this.#byOperation[operation] += 1;
  }

  error(): void {
    this.#errors += 1;
  }

  fault(): void {
    this.#faults += 1;
  }

  statements(count: number): void {
    this.#statements += count;
  }

  reset(): void {
    this.#byOperation = zeroCounts();
    this.#errors = 0;
    this.#faults = 0;
    this.#statements = 0;
  }

  snapshot(activeTransactions: number): DataApiEmulatorStats {
    const byOperation = { ...this.#byOperation };
    return {
      calls: Object.values(byOperation).reduce((total, count) => total + count, 0),
      byOperation,
      errors: this.#errors,
      faultsInjected: this.#faults,
      statements: this.#statements,
      activeTransactions,
    };
  }
}
