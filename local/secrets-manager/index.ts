import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallStats } from './call-stats';
import { loadSecrets, saveSecrets } from './data-file';
import { type Fault, FaultInjector } from './faults';
import { createRequestHandler } from './request-handler';
import { SecretStore } from './store';

export { SecretsDataFileError } from './data-file';
export type { Fault, FaultKind } from './faults';

/**
 * A local stand-in for AWS Secrets Manager that speaks its awsJson1.1 wire protocol, so the real
 * SecretsManagerClient works against it with only `endpoint` changed.
 */
export interface SecretsManagerStandInOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Region written into ARNs. @default 'us-east-1' */
  readonly region?: string;
  /** JSON file the state is saved to after every change and loaded from at start. @default in memory only */
  readonly dataFile?: string;
}

export interface SecretsManagerStandIn {
  readonly url: string;
  /** Requests per operation, throttled and failed ones included. */
  readonly stats: { readonly calls: Readonly<Record<string, number>> };
  /** The next `count` calls fail; replaces any fault still pending. */
  injectFaults(fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startSecretsManagerStandIn(
  options: SecretsManagerStandInOptions = {},
): Promise<SecretsManagerStandIn> {
  const { host = '127.0.0.1', port = 0, region = 'us-east-1', dataFile } = options;
  const store = new SecretStore(dataFile === undefined ? [] : await loadSecrets(dataFile), region);
  const faults = new FaultInjector();
  const stats = new CallStats();

  // Saves run one after another, each writing the state as it is when its turn comes.
  let saving: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => {
    if (dataFile === undefined) return Promise.resolve();
    const save = saving.then(() => saveSecrets(dataFile, store.snapshot()));
    saving = save.catch(() => undefined);
    return save;
  };

  // The AWS SDK reuses idle connections without reading `Keep-Alive: timeout`: a long idle timeout
  // keeps a call from meeting a connection Node's 5 s default is closing ("socket hang up").
  const server = createServer(
    { keepAliveTimeout: 120_000 },
    createRequestHandler({ store, faults, stats, persist }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    stats: {
      get calls() {
        return stats.snapshot();
      },
    },
    injectFaults: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await saving;
        // SDK clients keep connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
