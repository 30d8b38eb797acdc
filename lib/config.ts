/**
 * The deployment's settings: one typed object read from CDK context (`cdk.json` or `-c key=value`),
 * validated before any construct is built so a bad value fails `cdk synth` with the setting's name.
 */

export type DatabaseRemovalPolicy = 'destroy' | 'retain' | 'snapshot';
export type RateLimitScope = 'account' | 'global';
export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';
export type ApiExecutionLogLevel = 'ERROR' | 'INFO' | 'OFF';

export interface DatabaseConfig {
  /** PostgreSQL database the service's tables live in. @default 'bluestakes' */
  readonly name: string;
  /** Aurora Serverless v2 minimum ACUs; 0 lets the cluster auto-pause. @default 0 */
  readonly minCapacity: number;
  /** Aurora Serverless v2 maximum ACUs. @default 4 */
  readonly maxCapacity: number;
  /** Idle seconds before an auto-pause (only with minCapacity 0). @default 300 */
  readonly autoPauseSeconds: number;
  /** @default true */
  readonly deletionProtection: boolean;
  /** What happens to the cluster when the stack deletes it. @default 'snapshot' */
  readonly removalPolicy: DatabaseRemovalPolicy;
}

export interface TokenConfig {
  /** Token lifetime when the JWT carries no earlier `exp` (TOKEN_TTL_SECONDS). @default 3600 */
  readonly ttlSeconds: number;
  /** Blue Stakes API root (BLUESTAKES_BASE_URL). @default 'https://newtin-api.bluestakes.org' */
  readonly bluestakesBaseUrl: string;
  /** Credentials secrets are `<prefix>/companies/<id>/bluestakes`. @default 'bluestakes-token-service' */
  readonly credentialsSecretPrefix: string;
}

export interface RateLimitConfig {
  /** Upstream calls allowed per window, fleet-wide (RATE_LIMIT_MAX_REQUESTS). @default 10 */
  readonly maxRequests: number;
  /** The sliding window (RATE_LIMIT_WINDOW_MS). @default 60000 */
  readonly windowMs: number;
  /** One budget per Bluestakes account, or one for everything (RATE_LIMIT_SCOPE). @default 'account' */
  readonly scope: RateLimitScope;
}

export interface ApiConfig {
  /** @default 'v1' */
  readonly stageName: string;
  /** Steady requests per second per API key (usage plan). @default 20 */
  readonly throttleRateLimit: number;
  /** Burst per API key (usage plan). @default 40 */
  readonly throttleBurstLimit: number;
  /** Requests per quota period per API key. @default 100000 */
  readonly quotaLimit: number;
  /** @default 'DAY' */
  readonly quotaPeriod: QuotaPeriod;
  /** One API key is created per name; API Gateway generates every value. @default ['default'] */
  readonly keyNames: readonly string[];
  /** API Gateway execution logs (never request bodies). @default 'ERROR' */
  readonly executionLogLevel: ApiExecutionLogLevel;
  /**
   * Create the account-level role API Gateway needs to write execution logs. Turn off when the
   * account already has one.
   * @default true
   */
  readonly createCloudWatchRole: boolean;
}

export interface FunctionsConfig {
  /** @default 512 */
  readonly memoryMb: number;
  /** Timeout of the HTTP functions; API Gateway gives up at 29 s. @default 25 */
  readonly httpTimeoutSeconds: number;
  /** CloudWatch Logs retention of every function and of the API access and execution logs. @default 30 */
  readonly logRetentionDays: number;
  /**
   * Ship source maps and run with `--enable-source-maps` (TypeScript lines in stack traces, at a
   * cold-start cost). @default false
   */
  readonly sourceMaps: boolean;
}

export interface AlarmsConfig {
  /** Subscribed to the alarm topic when set. @default - no subscription */
  readonly email: string | undefined;
  /** LoginFailure count in 5 minutes that raises the alarm. @default 5 */
  readonly loginFailureThreshold: number;
  /** Upstream429 count in 5 minutes that raises the alarm. @default 1 */
  readonly upstream429Threshold: number;
}

export interface ServiceConfig {
  /** @default 'BluestakesTokenService' */
  readonly stackName: string;
  readonly database: DatabaseConfig;
  readonly tokens: TokenConfig;
  readonly rateLimit: RateLimitConfig;
  readonly api: ApiConfig;
  readonly functions: FunctionsConfig;
  /** EventBridge schedule of the cleanup function. @default 'rate(30 minutes)' */
  readonly cleanupSchedule: string;
  readonly tickets: TicketsConfig;
  readonly alarms: AlarmsConfig;
}

export interface TicketsConfig {
  /** EventBridge schedule that enqueues one ticket sync per company. @default 'rate(1 hour)' */
  readonly syncSchedule: string;
  /** Most sync workers running at once (SQS event source maximum concurrency). @default 5 */
  readonly workerMaxConcurrency: number;
  /**
   * Deliveries of one sync message before it goes to the dead-letter queue. A sync that runs out of time
   * fails its message so the next delivery continues, so this allows several. @default 5
   */
  readonly maxReceiveCount: number;
}

/** Anything that answers context lookups: `app.node`, or a plain map in tests. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

/** Every context key this app reads, so docs and tests can list them. */
export const CONTEXT_KEYS = [
  'stackName',
  'databaseName',
  'databaseMinCapacity',
  'databaseMaxCapacity',
  'databaseAutoPauseSeconds',
  'databaseDeletionProtection',
  'databaseRemovalPolicy',
  'tokenTtlSeconds',
  'bluestakesBaseUrl',
  'credentialsSecretPrefix',
  'rateLimitMaxRequests',
  'rateLimitWindowMs',
  'rateLimitScope',
  'apiStageName',
  'apiThrottleRateLimit',
  'apiThrottleBurstLimit',
  'apiQuotaLimit',
  'apiQuotaPeriod',
  'apiKeyNames',
  'apiExecutionLogLevel',
  'apiCreateCloudWatchRole',
  'functionMemoryMb',
  'httpFunctionTimeoutSeconds',
  'logRetentionDays',
  'functionSourceMaps',
  'cleanupSchedule',
  'ticketSyncSchedule',
  'ticketSyncMaxConcurrency',
  'ticketSyncMaxReceiveCount',
  'alarmEmail',
  'loginFailureAlarmThreshold',
  'upstream429AlarmThreshold',
] as const;

export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** The values CloudWatch Logs accepts for a retention. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const DEFAULT_CONFIG: ServiceConfig = {
  stackName: 'BluestakesTokenService',
  database: {
    name: 'bluestakes',
    minCapacity: 0,
    maxCapacity: 4,
    autoPauseSeconds: 300,
    deletionProtection: true,
    removalPolicy: 'snapshot',
  },
  tokens: {
    ttlSeconds: 3600,
    bluestakesBaseUrl: 'https://newtin-api.bluestakes.org',
    credentialsSecretPrefix: 'bluestakes-token-service',
  },
  rateLimit: { maxRequests: 10, windowMs: 60_000, scope: 'account' },
  api: {
    stageName: 'v1',
    throttleRateLimit: 20,
    throttleBurstLimit: 40,
    quotaLimit: 100_000,
    quotaPeriod: 'DAY',
    keyNames: ['default'],
    executionLogLevel: 'ERROR',
    createCloudWatchRole: true,
  },
  functions: { memoryMb: 512, httpTimeoutSeconds: 25, logRetentionDays: 30, sourceMaps: false },
  cleanupSchedule: 'rate(30 minutes)',
  tickets: { syncSchedule: 'rate(1 hour)', workerMaxConcurrency: 5, maxReceiveCount: 5 },
  alarms: { email: undefined, loginFailureThreshold: 5, upstream429Threshold: 1 },
};

/** The longest a Data API call keeps retrying while an auto-paused cluster resumes. */
export const MAX_DATA_API_RESUME_BUDGET_MS = 45_000;
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

class ContextReader {
  readonly problems: string[] = [];

  constructor(private readonly source: ContextSource) {}

  isSet(key: ContextKey): boolean {
    return this.raw(key) !== undefined;
  }

  private raw(key: ContextKey): unknown {
    const value = this.source.tryGetContext(key);
    return typeof value === 'string' && value.trim() === '' ? undefined : value;
  }

  private fail<T>(key: ContextKey, expectation: string, value: unknown, fallback: T): T {
    this.problems.push(`"${key}" ${expectation} (got ${JSON.stringify(value)})`);
    return fallback;
  }

  /** A number from cdk.json or a `-c` string; "12abc", "", NaN are refused, never guessed. */
  number(key: ContextKey, fallback: number, rule: { min: number; max: number; step?: number }): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const parsed = parseNumber(value);
    const step = rule.step ?? 1;
    const stepText = step === 1 ? 'a whole number' : `a multiple of ${step}`;
    if (parsed === undefined || parsed < rule.min || parsed > rule.max || !isMultiple(parsed, step)) {
      return this.fail(key, `must be ${stepText} between ${rule.min} and ${rule.max}`, value, fallback);
    }
    return parsed;
  }

  /** A number that must be one of `allowed` (e.g. the retentions CloudWatch Logs accepts). */
  numberIn(key: ContextKey, fallback: number, allowed: readonly number[]): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const parsed = parseNumber(value);
    return parsed !== undefined && allowed.includes(parsed)
      ? parsed
      : this.fail(key, `must be one of ${allowed.join(', ')}`, value, fallback);
  }

  boolean(key: ContextKey, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    return this.fail(key, 'must be true or false', value, fallback);
  }

  choice<const T extends string>(key: ContextKey, choices: readonly T[], fallback: T): T {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const match = choices.find((choice) => choice === value);
    return match ?? this.fail(key, `must be one of ${choices.join(', ')}`, value, fallback);
  }

  string(key: ContextKey, fallback: string, pattern: RegExp, expectation: string): string {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !pattern.test(value))
      return this.fail(key, expectation, value, fallback);
    return value;
  }

  optionalString(key: ContextKey, pattern: RegExp, expectation: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value))
      return this.fail(key, expectation, value, undefined);
    return value;
  }

  /** A JSON array from cdk.json, or a comma-separated `-c` string. */
  stringList(key: ContextKey, fallback: readonly string[], pattern: RegExp, expectation: string): string[] {
    const value = this.raw(key);
    if (value === undefined) return [...fallback];
    const items = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
    if (
      !Array.isArray(items) ||
      items.length === 0 ||
      !items.every((item): item is string => typeof item === 'string' && pattern.test(item)) ||
      new Set(items).size !== items.length
    ) {
      return this.fail(key, expectation, value, [...fallback]);
    }
    return items;
  }

  check(condition: boolean, problem: string): void {
    if (!condition) this.problems.push(problem);
  }
}

function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

function isMultiple(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

/**
 * Reads and validates every setting. All problems are reported together so one synth shows them all.
 *
 * @param source - usually `app.node`; any object answering `tryGetContext`
 * @throws ServiceConfigError naming each invalid context key
 */
const SCHEDULE_EXPRESSION =
  /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\([^()]+\))$/;
const SCHEDULE_HINT =
  'must be an EventBridge expression such as "rate(30 minutes)", "rate(1 hour)" or "cron(0/30 * * * ? *)"';

export function readServiceConfig(source: ContextSource): ServiceConfig {
  const read = new ContextReader(source);
  const d = DEFAULT_CONFIG;

  const minCapacity = read.number('databaseMinCapacity', d.database.minCapacity, {
    min: 0,
    max: 256,
    step: 0.5,
  });
  const maxCapacity = read.number('databaseMaxCapacity', d.database.maxCapacity, {
    min: 1,
    max: 256,
    step: 0.5,
  });
  read.check(
    maxCapacity >= minCapacity,
    `"databaseMaxCapacity" (${maxCapacity}) must not be below "databaseMinCapacity" (${minCapacity})`,
  );
  read.check(
    !(read.isSet('databaseAutoPauseSeconds') && minCapacity > 0),
    '"databaseAutoPauseSeconds" applies only when "databaseMinCapacity" is 0',
  );

  const throttleRateLimit = read.number('apiThrottleRateLimit', d.api.throttleRateLimit, {
    min: 1,
    max: 10_000,
  });
  const throttleBurstLimit = read.number('apiThrottleBurstLimit', d.api.throttleBurstLimit, {
    min: 1,
    max: 5_000,
  });

  const config: ServiceConfig = {
    stackName: read.string(
      'stackName',
      d.stackName,
      /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
      'must start with a letter and hold only letters, digits and hyphens (at most 128)',
    ),
    database: {
      name: read.string(
        'databaseName',
        d.database.name,
        /^[a-z][a-z0-9_]{0,62}$/,
        'must be a lowercase PostgreSQL identifier (letter first, then letters, digits, _; at most 63)',
      ),
      minCapacity,
      maxCapacity,
      autoPauseSeconds: read.number('databaseAutoPauseSeconds', d.database.autoPauseSeconds, {
        min: 300,
        max: 86_400,
      }),
      deletionProtection: read.boolean('databaseDeletionProtection', d.database.deletionProtection),
      removalPolicy: read.choice(
        'databaseRemovalPolicy',
        ['destroy', 'retain', 'snapshot'],
        d.database.removalPolicy,
      ),
    },
    tokens: {
      // Tokens refresh 5 minutes (plus jitter) before expiry: a shorter lifetime would log in on every read.
      ttlSeconds: read.number('tokenTtlSeconds', d.tokens.ttlSeconds, { min: 600, max: 86_400 }),
      bluestakesBaseUrl: read.string(
        'bluestakesBaseUrl',
        d.tokens.bluestakesBaseUrl,
        /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[^\s?#]*)?$/,
        'must be an https URL without query or fragment (credentials are sent to it)',
      ),
      credentialsSecretPrefix: read.string(
        'credentialsSecretPrefix',
        d.tokens.credentialsSecretPrefix,
        /^[A-Za-z0-9_+=.@-]{1,100}(\/[A-Za-z0-9_+=.@-]{1,100}){0,4}$/,
        'must be a Secrets Manager name path without a leading or trailing slash, wildcards or spaces',
      ),
    },
    rateLimit: {
      maxRequests: read.number('rateLimitMaxRequests', d.rateLimit.maxRequests, { min: 1, max: 10_000 }),
      windowMs: read.number('rateLimitWindowMs', d.rateLimit.windowMs, { min: 100, max: 3_600_000 }),
      scope: read.choice('rateLimitScope', ['account', 'global'], d.rateLimit.scope),
    },
    api: {
      stageName: read.string(
        'apiStageName',
        d.api.stageName,
        /^[A-Za-z0-9_]{1,64}$/,
        'must hold only letters, digits and _ (at most 64)',
      ),
      throttleRateLimit,
      throttleBurstLimit,
      quotaLimit: read.number('apiQuotaLimit', d.api.quotaLimit, { min: 1, max: 1_000_000_000 }),
      quotaPeriod: read.choice('apiQuotaPeriod', ['DAY', 'WEEK', 'MONTH'], d.api.quotaPeriod),
      keyNames: read.stringList(
        'apiKeyNames',
        d.api.keyNames,
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'must be a non-empty list of unique lowercase names (letters, digits, hyphens)',
      ),
      executionLogLevel: read.choice(
        'apiExecutionLogLevel',
        ['ERROR', 'INFO', 'OFF'],
        d.api.executionLogLevel,
      ),
      createCloudWatchRole: read.boolean('apiCreateCloudWatchRole', d.api.createCloudWatchRole),
    },
    functions: {
      memoryMb: read.number('functionMemoryMb', d.functions.memoryMb, { min: 128, max: 10_240 }),
      httpTimeoutSeconds: read.number('httpFunctionTimeoutSeconds', d.functions.httpTimeoutSeconds, {
        min: 5,
        max: 29,
      }),
      logRetentionDays: read.numberIn('logRetentionDays', d.functions.logRetentionDays, LOG_RETENTION_DAYS),
      sourceMaps: read.boolean('functionSourceMaps', d.functions.sourceMaps),
    },
    cleanupSchedule: read.string('cleanupSchedule', d.cleanupSchedule, SCHEDULE_EXPRESSION, SCHEDULE_HINT),
    tickets: {
      syncSchedule: read.string(
        'ticketSyncSchedule',
        d.tickets.syncSchedule,
        SCHEDULE_EXPRESSION,
        SCHEDULE_HINT,
      ),
      // SQS event sources accept a maximum concurrency of 2 to 1000.
      workerMaxConcurrency: read.number('ticketSyncMaxConcurrency', d.tickets.workerMaxConcurrency, {
        min: 2,
        max: 1000,
      }),
      maxReceiveCount: read.number('ticketSyncMaxReceiveCount', d.tickets.maxReceiveCount, {
        min: 1,
        max: 100,
      }),
    },
    alarms: {
      email: read.optionalString('alarmEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address'),
      loginFailureThreshold: read.number('loginFailureAlarmThreshold', d.alarms.loginFailureThreshold, {
        min: 1,
        max: 100_000,
      }),
      upstream429Threshold: read.number('upstream429AlarmThreshold', d.alarms.upstream429Threshold, {
        min: 1,
        max: 100_000,
      }),
    },
  };

  read.check(
    throttleBurstLimit >= throttleRateLimit,
    `"apiThrottleBurstLimit" (${throttleBurstLimit}) must not be below "apiThrottleRateLimit" (${throttleRateLimit})`,
  );
  if (read.problems.length > 0) throw new ServiceConfigError(read.problems);
  return config;
}
