/** CloudFormation custom resource logic: event -> library migrations or keyring bootstrap -> result. */
import { setTimeout as delay } from 'node:timers/promises';
import { DatabaseUnavailableError, type LogSink } from '@bluestakes/token-manager';
import {
  backoffDelayMs,
  type KeyringInitialization,
  type MigrationReport,
} from '@bluestakes/token-manager/internal';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export const SCHEMA_PHYSICAL_ID = 'bluestakes-token-service-schema';
export const KEYRING_PHYSICAL_ID = 'bluestakes-token-service-keyring';

/** The result the CDK Provider framework hands back to CloudFormation. */
export interface CustomResourceResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

export interface UnavailableRetryOptions {
  /** Runs in all, the first included. @default 3 */
  readonly attempts?: number;
  /** Wait between runs. @default 15 s */
  readonly delayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Re-runs `work` while the database is unavailable (resuming, failing over, timing out). The executor
 * already waits out a resume per call; this covers a resume slower than its budget and a wake-up
 * timeout inside a migration transaction. Safe because each migration commits with its record.
 */
export async function retryWhileUnavailable<T>(
  work: () => Promise<T>,
  log: LogSink,
  options: UnavailableRetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 3;
  const waitMs = options.delayMs ?? 15_000;
  const sleep = options.sleep ?? delay;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || attempt >= attempts) throw error;
      // Capped at its base, so every wait is the same: the executor already backs off inside each run,
      // and this loop only gives a resume slower than that budget more time.
      const delayMs = backoffDelayMs({ attempt, baseMs: waitMs, capMs: waitMs, jitter: 'none' });
      log.warn('Database unavailable; retrying the migrations', { attempt, delayMs, error: error.message });
      await sleep(delayMs);
    }
  }
}

export interface MigrationHandlerDependencies {
  /** Applies every bundled migration not yet applied. */
  readonly applyMigrations: () => Promise<MigrationReport>;
  /** Writes the first keyring when the secret still holds the placeholder. */
  readonly initializeKeyring: () => Promise<KeyringInitialization>;
  readonly log: LogSink;
  readonly retry?: UnavailableRetryOptions;
}

/**
 * The custom resource handler for the Provider framework. `Task` in the resource properties selects
 * the work. Delete does nothing: tables and keys outlive the resource (the cluster's and the secret's
 * removal policies decide their fate).
 */
export function createMigrationHandler(
  dependencies: MigrationHandlerDependencies,
): (event: CloudFormationCustomResourceEvent) => Promise<CustomResourceResult> {
  const { log } = dependencies;
  return async (event): Promise<CustomResourceResult> => {
    const task = event.ResourceProperties.Task;
    if (event.RequestType === 'Delete') {
      log.info('Custom resource deleted; nothing to undo', { task });
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    switch (task) {
      case 'apply-migrations': {
        const report = await retryWhileUnavailable(dependencies.applyMigrations, log, dependencies.retry);
        log.info('Migrations done', {
          applied: report.applied,
          alreadyApplied: report.alreadyApplied.length,
        });
        const latest = [...report.alreadyApplied, ...report.applied].sort().at(-1) ?? '';
        return {
          PhysicalResourceId: SCHEMA_PHYSICAL_ID,
          Data: { Applied: report.applied.join(','), LatestMigration: latest },
        };
      }
      case 'initialize-keyring': {
        const outcome = await dependencies.initializeKeyring();
        log.info('Token keyring checked', { outcome });
        return { PhysicalResourceId: KEYRING_PHYSICAL_ID, Data: { Keyring: outcome } };
      }
      default:
        throw new Error(`Unknown custom resource Task ${JSON.stringify(task)}`);
    }
  };
}
