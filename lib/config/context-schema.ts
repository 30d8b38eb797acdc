/**
 * Every CDK context key the app reads, with its schema and its default. Defaults the Lambda functions
 * also have (token lifetime, rate limit, Bluestakes URL, secret prefix) come from the library's own
 * constants, so a deployment without context runs exactly as the library does by default.
 */
import {
  DEFAULT_BLUESTAKES_BASE_URL,
  DEFAULT_CREDENTIALS_SECRET_PREFIX,
  DEFAULT_RATE_LIMIT_MAX_REQUESTS,
  DEFAULT_RATE_LIMIT_SCOPE,
  DEFAULT_RATE_LIMIT_WINDOW_MS,
  DEFAULT_TOKEN_REFRESH_BEFORE_SECONDS,
  DEFAULT_TOKEN_TTL_SECONDS,
  RATE_LIMIT_SCOPES,
} from '@bluestakes/token-manager/constants';
import {
  booleanField,
  type ContextField,
  choiceField,
  listField,
  numberChoiceField,
  numberField,
  optionalTextField,
  textField,
} from './context-fields';

/** The values CloudWatch Logs accepts for a retention. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const SCHEDULE_EXPRESSION =
  /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\([^()]+\))$/;
const SCHEDULE_HINT =
  'must be an EventBridge expression such as "rate(30 minutes)", "rate(1 hour)" or "cron(0/30 * * * ? *)"';

/** In the order problems are reported. */
export const CONTEXT_FIELDS = {
  stackName: textField(
    'BluestakesTokenService',
    /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    'must start with a letter and hold only letters, digits and hyphens (at most 128)',
  ),
  databaseName: textField(
    'bluestakes',
    /^[a-z][a-z0-9_]{0,62}$/,
    'must be a lowercase PostgreSQL identifier (letter first, then letters, digits, _; at most 63)',
  ),
  databaseMinCapacity: numberField(0, { min: 0, max: 256, step: 0.5 }),
  databaseMaxCapacity: numberField(4, { min: 1, max: 256, step: 0.5 }),
  databaseAutoPauseSeconds: numberField(300, { min: 300, max: 86_400 }),
  databaseDeletionProtection: booleanField(true),
  databaseRemovalPolicy: choiceField(['destroy', 'retain', 'snapshot'], 'snapshot'),
  // A lifetime shorter than twice the refresh margin would have tokens refreshed on nearly every read.
  tokenTtlSeconds: numberField(DEFAULT_TOKEN_TTL_SECONDS, {
    min: 2 * DEFAULT_TOKEN_REFRESH_BEFORE_SECONDS,
    max: 86_400,
  }),
  bluestakesBaseUrl: textField(
    DEFAULT_BLUESTAKES_BASE_URL,
    /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[^\s?#]*)?$/,
    'must be an https URL without query or fragment (credentials are sent to it)',
  ),
  credentialsSecretPrefix: textField(
    DEFAULT_CREDENTIALS_SECRET_PREFIX,
    /^[A-Za-z0-9_+=.@-]{1,100}(\/[A-Za-z0-9_+=.@-]{1,100}){0,4}$/,
    'must be a Secrets Manager name path without a leading or trailing slash, wildcards or spaces',
  ),
  rateLimitMaxRequests: numberField(DEFAULT_RATE_LIMIT_MAX_REQUESTS, { min: 1, max: 10_000 }),
  rateLimitWindowMs: numberField(DEFAULT_RATE_LIMIT_WINDOW_MS, { min: 100, max: 3_600_000 }),
  rateLimitScope: choiceField(RATE_LIMIT_SCOPES, DEFAULT_RATE_LIMIT_SCOPE),
  apiStageName: textField('v1', /^[A-Za-z0-9_]{1,64}$/, 'must hold only letters, digits and _ (at most 64)'),
  apiThrottleRateLimit: numberField(20, { min: 1, max: 10_000 }),
  apiThrottleBurstLimit: numberField(40, { min: 1, max: 5_000 }),
  apiQuotaLimit: numberField(100_000, { min: 1, max: 1_000_000_000 }),
  apiQuotaPeriod: choiceField(['DAY', 'WEEK', 'MONTH'], 'DAY'),
  apiKeyNames: listField(
    ['default'],
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'must be a non-empty list of unique lowercase names (letters, digits, hyphens)',
  ),
  apiExecutionLogLevel: choiceField(['ERROR', 'INFO', 'OFF'], 'ERROR'),
  apiCreateCloudWatchRole: booleanField(true),
  apiIamAuthorization: booleanField(false),
  functionMemoryMb: numberField(512, { min: 128, max: 10_240 }),
  httpFunctionTimeoutSeconds: numberField(25, { min: 5, max: 29 }),
  logRetentionDays: numberChoiceField(30, LOG_RETENTION_DAYS),
  functionSourceMaps: booleanField(false),
  cleanupSchedule: textField('rate(30 minutes)', SCHEDULE_EXPRESSION, SCHEDULE_HINT),
  ticketSyncSchedule: textField('rate(1 hour)', SCHEDULE_EXPRESSION, SCHEDULE_HINT),
  // SQS event sources accept a maximum concurrency of 2 to 1000.
  ticketSyncMaxConcurrency: numberField(5, { min: 2, max: 1000 }),
  ticketSyncMaxReceiveCount: numberField(5, { min: 1, max: 100 }),
  alarmEmail: optionalTextField(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address'),
  loginFailureAlarmThreshold: numberField(5, { min: 1, max: 100_000 }),
  upstream429AlarmThreshold: numberField(1, { min: 1, max: 100_000 }),
} as const;

export type ContextKey = keyof typeof CONTEXT_FIELDS;

/** Every context key, each with the type its schema gives. */
export type ContextValues = {
  readonly [K in ContextKey]: (typeof CONTEXT_FIELDS)[K] extends ContextField<infer T> ? T : never;
};

/** Every context key this app reads, so docs and tests can list them. */
export const CONTEXT_KEYS = Object.keys(CONTEXT_FIELDS) as readonly ContextKey[];
