/** (e) Ours: `createTokenManager` from the library, one per container, wired as a Lambda would be. */
import { randomUUID } from 'node:crypto';
import { createTokenManager, type LogSink, readTokenManagerConfig } from '@bluestakes/token-manager';
import { createSecretsClient } from '../environment/aws-clients';
import { countedCredentialsStore } from './baseline-upstream';
import type { StrategyDependencies, TokenStrategy } from './token-strategy';

/** The benchmark reads figures, not logs; warnings would only interleave with the table. */
const silentLog: LogSink = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function createFleetCacheStrategy(deps: StrategyDependencies): TokenStrategy {
  const database = deps.database;
  const environment = deps.fleetEnvironment;
  if (database === undefined || environment === undefined) {
    throw new Error('The fleet-cache strategy needs a database and its environment');
  }
  const config = readTokenManagerConfig(environment);

  return {
    id: 'fleet-cache',
    createContainer() {
      const rdsDataClient = database.createClient();
      deps.counters.countDataApiCalls(rdsDataClient);
      const secretsManagerClient = createSecretsClient(deps.secretsEndpoint);
      const manager = createTokenManager({
        config,
        rdsDataClient,
        secretsManagerClient,
        credentialsStore: countedCredentialsStore(deps, secretsManagerClient),
        dispatcher: deps.dispatcher,
        logger: silentLog,
        metrics: deps.counters.metricsSink(),
        instanceId: `bench-${randomUUID()}`,
      });
      return {
        getToken: (companyId) => manager.getOrRefreshToken(companyId),
        async call(companyId, ticketNumber) {
          await manager.makeAuthenticatedRequest(companyId, (api) => api.getTicket(ticketNumber));
        },
        async close() {
          rdsDataClient.destroy();
          secretsManagerClient.destroy();
        },
      };
    },
  };
}
