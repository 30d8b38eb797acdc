/**
 * What lives for the whole run: the Secrets Manager stand-in (with the token encryption key) and one
 * database per strategy that keeps state in one. Company ids keep counting up across scenarios, so
 * every scenario starts from rows and secrets nobody has touched.
 */
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { generateTokenKeyringSecret } from '@bluestakes/token-manager/internal';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../local/secrets-manager';
import { type StrategyId, usesDatabase } from '../strategies';
import { createSecretsClient } from './aws-clients';
import { type BackendKind, type BenchDatabase, startBenchDatabase } from './bench-database';

export const KEY_SECRET_ID = 'bench/token-encryption-key';

export interface BenchEnvironment {
  readonly backend: BackendKind;
  readonly secrets: SecretsManagerStandIn;
  /** For seeding only (not counted against any strategy). */
  readonly secretsClient: SecretsManagerClient;
  database(strategy: StrategyId): BenchDatabase | undefined;
  nextCompanyId(strategy: StrategyId): string;
  close(): Promise<void>;
}

export async function startBenchEnvironment(
  strategies: readonly StrategyId[],
  backend: BackendKind,
): Promise<BenchEnvironment> {
  const secrets = await startSecretsManagerStandIn();
  const secretsClient = createSecretsClient(secrets.url);
  const databases = new Map<StrategyId, BenchDatabase>();
  try {
    await secretsClient.send(
      new CreateSecretCommand({ Name: KEY_SECRET_ID, SecretString: generateTokenKeyringSecret('k1') }),
    );
    // Side by side: an in-memory database takes seconds to boot and migrate.
    const needed = strategies.filter(usesDatabase);
    const started = await Promise.allSettled(needed.map(() => startBenchDatabase(backend)));
    started.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') databases.set(needed[index]!, outcome.value);
    });
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } catch (error) {
    for (const database of databases.values()) await database.close();
    secretsClient.destroy();
    await secrets.close();
    throw error;
  }
  const counters = new Map<StrategyId, number>();

  return {
    backend,
    secrets,
    secretsClient,
    database: (strategy) => databases.get(strategy),
    nextCompanyId(strategy) {
      const next = (counters.get(strategy) ?? 0) + 1;
      counters.set(strategy, next);
      return String(next);
    },
    async close() {
      for (const database of databases.values()) await database.close();
      secretsClient.destroy();
      await secrets.close();
    },
  };
}
