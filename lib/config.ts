/**
 * The deployment's settings: one typed object read from CDK context (`cdk.json` or `-c key=value`),
 * validated against a schema before any construct is built, so a bad value fails `cdk synth` with the
 * setting's name.
 */
import { DEFAULT_DATA_API_RESUME_BUDGET_MS } from '@bluestakes/token-manager/constants';
import type { ContextField } from './config/context-fields';
import { CONTEXT_FIELDS, CONTEXT_KEYS, type ContextKey, type ContextValues } from './config/context-schema';
import type { ServiceConfig } from './config/service-config';

export { CONTEXT_KEYS, type ContextKey, LOG_RETENTION_DAYS } from './config/context-schema';
export type * from './config/service-config';

/** Anything that answers context lookups: `app.node`, or a plain map in tests. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/** The longest a Data API call keeps retrying while an auto-paused cluster resumes. */
export const MAX_DATA_API_RESUME_BUDGET_MS = DEFAULT_DATA_API_RESUME_BUDGET_MS;
/** API Gateway REST's integration timeout: past it the caller gets 504, whatever the function does. */
export const API_GATEWAY_INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * A function's Data API resume budget: {@link MAX_DATA_API_RESUME_BUDGET_MS}, or its timeout minus 5 s
 * when that is shorter, so a resume that outlasts the budget is still answered (503 with Retry-After)
 * before Lambda or API Gateway cut the request off. The local stack uses it too, so local timings
 * are the deployed ones.
 *
 * @param functionTimeoutMs - the function's timeout
 */
export function dataApiResumeBudgetMs(functionTimeoutMs: number): number {
  return Math.max(1_000, Math.min(MAX_DATA_API_RESUME_BUDGET_MS, functionTimeoutMs - 5_000));
}

/** Thrown at synth; the message names every offending context key. */
export class ServiceConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid CDK context:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ServiceConfigError';
    this.problems = problems;
  }
}

function toServiceConfig(v: ContextValues): ServiceConfig {
  return {
    stackName: v.stackName,
    database: {
      name: v.databaseName,
      minCapacity: v.databaseMinCapacity,
      maxCapacity: v.databaseMaxCapacity,
      autoPauseSeconds: v.databaseAutoPauseSeconds,
      deletionProtection: v.databaseDeletionProtection,
      removalPolicy: v.databaseRemovalPolicy,
    },
    tokens: {
      ttlSeconds: v.tokenTtlSeconds,
      bluestakesBaseUrl: v.bluestakesBaseUrl,
      credentialsSecretPrefix: v.credentialsSecretPrefix,
    },
    rateLimit: {
      maxRequests: v.rateLimitMaxRequests,
      windowMs: v.rateLimitWindowMs,
      scope: v.rateLimitScope,
    },
    api: {
      stageName: v.apiStageName,
      throttleRateLimit: v.apiThrottleRateLimit,
      throttleBurstLimit: v.apiThrottleBurstLimit,
      quotaLimit: v.apiQuotaLimit,
      quotaPeriod: v.apiQuotaPeriod,
      keyNames: [...v.apiKeyNames],
      executionLogLevel: v.apiExecutionLogLevel,
      createCloudWatchRole: v.apiCreateCloudWatchRole,
      iamAuthorization: v.apiIamAuthorization,
    },
    functions: {
      memoryMb: v.functionMemoryMb,
      httpTimeoutSeconds: v.httpFunctionTimeoutSeconds,
      logRetentionDays: v.logRetentionDays,
      sourceMaps: v.functionSourceMaps,
    },
    cleanupSchedule: v.cleanupSchedule,
    tickets: {
      syncSchedule: v.ticketSyncSchedule,
      workerMaxConcurrency: v.ticketSyncMaxConcurrency,
      maxReceiveCount: v.ticketSyncMaxReceiveCount,
    },
    alarms: {
      email: v.alarmEmail,
      loginFailureThreshold: v.loginFailureAlarmThreshold,
      upstream429Threshold: v.upstream429AlarmThreshold,
    },
  };
}

const fallbacks = Object.fromEntries(
  CONTEXT_KEYS.map((key) => [key, (CONTEXT_FIELDS[key] as ContextField<unknown>).fallback]),
) as ContextValues;

/** The settings of a deployment without context. */
export const DEFAULT_CONFIG: ServiceConfig = toServiceConfig(fallbacks);

/** A setting given as an empty string (`-c key=`) counts as unset. */
function contextValue(source: ContextSource, key: ContextKey): unknown {
  const value = source.tryGetContext(key);
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/** Settings that are valid alone but not together. */
function conflicts(v: ContextValues, isSet: (key: ContextKey) => boolean): string[] {
  const problems: string[] = [];
  if (v.databaseMaxCapacity < v.databaseMinCapacity) {
    problems.push(
      `"databaseMaxCapacity" (${v.databaseMaxCapacity}) must not be below "databaseMinCapacity" (${v.databaseMinCapacity})`,
    );
  }
  if (isSet('databaseAutoPauseSeconds') && v.databaseMinCapacity > 0) {
    problems.push('"databaseAutoPauseSeconds" applies only when "databaseMinCapacity" is 0');
  }
  if (v.apiThrottleBurstLimit < v.apiThrottleRateLimit) {
    problems.push(
      `"apiThrottleBurstLimit" (${v.apiThrottleBurstLimit}) must not be below "apiThrottleRateLimit" (${v.apiThrottleRateLimit})`,
    );
  }
  return problems;
}

/**
 * Reads and validates every setting. All problems are reported together so one synth shows them all;
 * a key with an invalid value counts as its default while the others are checked against it.
 *
 * @param source - usually `app.node`; any object answering `tryGetContext`
 * @throws ServiceConfigError naming each invalid context key
 */
export function readServiceConfig(source: ContextSource): ServiceConfig {
  const problems: string[] = [];
  const given = new Map(CONTEXT_KEYS.map((key) => [key, contextValue(source, key)]));
  const values = Object.fromEntries(
    CONTEXT_KEYS.map((key) => {
      const field = CONTEXT_FIELDS[key] as ContextField<unknown>;
      const value = given.get(key);
      if (value === undefined) return [key, field.fallback];
      const parsed = field.schema.safeParse(value);
      if (parsed.success) return [key, parsed.data];
      problems.push(`"${key}" ${field.expectation} (got ${JSON.stringify(value)})`);
      return [key, field.fallback];
    }),
  ) as ContextValues;
  problems.push(...conflicts(values, (key) => given.get(key) !== undefined));
  if (problems.length > 0) throw new ServiceConfigError(problems);
  return toServiceConfig(values);
}
