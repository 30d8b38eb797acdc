/** The deployment's settings as the stack reads them; each `@default` is what an unset context key gives. */
import type { RateLimitScope } from '@bluestakes/token-manager/constants';

export type { RateLimitScope };
export type DatabaseRemovalPolicy = 'destroy' | 'retain' | 'snapshot';
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
  /**
   * Also require IAM (SigV4) authorization on every method, for callers that are AWS workloads: they
   * sign each request and still send an API key (the usage plan's limits stay per key).
   * @default false
   */
  readonly iamAuthorization: boolean;
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
