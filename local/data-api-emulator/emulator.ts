/** Wires backend, service, faults and the HTTP server into a running emulator. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultQueue } from '../http/fault-queue';
import type { SqlBackend } from './backend';
import { DataApiService } from './data-api-service';
import { type FaultKind, type FaultSpec, isFaultSpec } from './faults';
import { checkedLimits, DEFAULT_LIMITS, type EmulatorLimits } from './limits';
import { createRequestListener } from './server';
import { type DataApiEmulatorStats, StatsRecorder } from './stats';

export const DEFAULT_RESOURCE_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:local-data-api';
export const DEFAULT_SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:local-data-api-AbCdEf';

export interface DataApiEmulatorOptions extends Partial<EmulatorLimits> {
  readonly backend: SqlBackend;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The only cluster ARN accepted; others get HttpEndpointNotEnabledException. */
  readonly resourceArn?: string;
  /** The only secret ARN accepted. */
  readonly secretArn?: string;
  /** Name clients use for the database. @default the backend's database */
  readonly database?: string;
  /** Refuse calls that carry no SigV4 Authorization header. @default true */
  readonly requireSignature?: boolean;
  /** Unexpected emulator failures (answered as InternalServerErrorException). @default console.error */
  readonly onInternalError?: (error: unknown) => void;
}

export interface DataApiEmulator {
  /** http://host:port, for the client's `endpoint`. */
  readonly url: string;
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
  readonly stats: DataApiEmulatorStats;
  readonly limits: EmulatorLimits;
  /** Makes the next `count` Data API calls fail with the given fault (queued behind earlier ones). */
  injectFaults(fault: FaultSpec): void;
  clearFaults(): void;
  resetStats(): void;
  /** Changes limits at run time, e.g. a short idle timeout for one test. */
  configure(limits: Partial<EmulatorLimits>): void;
  /** Closes the server, rolls back open transactions and closes the backend. */
  close(): Promise<void>;
}

const IDLE_CONNECTION_TIMEOUT_MS = 120_000;

export async function startDataApiEmulator(options: DataApiEmulatorOptions): Promise<DataApiEmulator> {
  const resourceArn = options.resourceArn ?? DEFAULT_RESOURCE_ARN;
  const secretArn = options.secretArn ?? DEFAULT_SECRET_ARN;
  const database = options.database ?? options.backend.database;
  let limits = checkedLimits(DEFAULT_LIMITS, {
    responseSizeLimitBytes: options.responseSizeLimitBytes,
    transactionIdleTimeoutMs: options.transactionIdleTimeoutMs,
    transactionMaxLifetimeMs: options.transactionMaxLifetimeMs,
    statementTimeoutMs: options.statementTimeoutMs,
    latencyMs: options.latencyMs,
  });
  const service = new DataApiService(options.backend, { resourceArn, secretArn, database }, () => limits);
  const faults = new FaultQueue<FaultKind>();
  const stats = new StatsRecorder();

  const configure = (changes: Partial<EmulatorLimits>): void => {
    limits = checkedLimits(limits, changes);
    service.limitsChanged();
  };
  const injectFaults = (fault: FaultSpec): void => {
    if (!isFaultSpec(fault)) throw new Error(`Invalid fault: ${JSON.stringify(fault)}`);
    faults.add(fault.kind, fault.count);
  };

  // The AWS SDK keeps idle connections open and does not read `Keep-Alive: timeout`; with Node's 5 s
  // default, a call sent as the server drops an idle connection fails with "socket hang up". AWS
  // endpoints keep idle connections far longer.
  const server = createServer(
    { keepAliveTimeout: IDLE_CONNECTION_TIMEOUT_MS },
    createRequestListener({
      service,
      faults,
      stats,
      resourceArn,
      requireSignature: options.requireSignature ?? true,
      onInternalError: options.onInternalError ?? ((error) => console.error('data-api-emulator:', error)),
      admin: {
        injectFaults,
        clearFaults: () => faults.clear(),
        pendingFaults: () =>
          faults.pending().map(({ fault, remaining }) => ({ kind: fault, count: remaining })),
        configure,
        limits: () => limits,
        stats: () => stats.snapshot(service.activeTransactions),
        resetStats: () => stats.reset(),
      },
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await stopped;
    await service.close();
    await options.backend.close();
  };

  return {
    url: `http://${host}:${address.port}`,
    resourceArn,
    secretArn,
    database,
    get stats() {
      return stats.snapshot(service.activeTransactions);
    },
    get limits() {
      return limits;
    },
    injectFaults,
    clearFaults: () => faults.clear(),
    resetStats: () => stats.reset(),
    configure,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
