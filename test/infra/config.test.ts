import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, DEFAULT_CONFIG, readServiceConfig, ServiceConfigError } from '../../lib/config';

const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

function problemsOf(values: Record<string, unknown>): readonly string[] {
  try {
    readServiceConfig(context(values));
  } catch (error) {
    if (error instanceof ServiceConfigError) return error.problems;
    throw error;
  }
  return expect.unreachable('expected a ServiceConfigError');
}

describe('readServiceConfig', () => {
  it('returns the documented defaults when no context is set', () => {
    expect(readServiceConfig(context({}))).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.database.minCapacity).toBe(0);
    expect(DEFAULT_CONFIG.cleanupSchedule).toBe('rate(30 minutes)');
  });

  it('parses the strings `cdk -c key=value` passes', () => {
    const config = readServiceConfig(
      context({
        databaseMinCapacity: '0.5',
        databaseMaxCapacity: '8',
        databaseDeletionProtection: 'false',
        databaseRemovalPolicy: 'destroy',
        tokenTtlSeconds: '1800',
        rateLimitMaxRequests: '5',
        rateLimitScope: 'global',
        apiKeyNames: 'team-a, team-b',
        apiQuotaPeriod: 'MONTH',
        logRetentionDays: '90',
        functionSourceMaps: 'true',
        alarmEmail: 'ops@example.com',
        cleanupSchedule: 'rate(1 hour)',
      }),
    );
    expect(config.database).toMatchObject({
      minCapacity: 0.5,
      maxCapacity: 8,
      deletionProtection: false,
      removalPolicy: 'destroy',
    });
    expect(config.tokens.ttlSeconds).toBe(1800);
    expect(config.rateLimit).toMatchObject({ maxRequests: 5, scope: 'global' });
    expect(config.api.keyNames).toEqual(['team-a', 'team-b']);
    expect(config.api.quotaPeriod).toBe('MONTH');
    expect(config.functions.logRetentionDays).toBe(90);
    expect(config.functions.sourceMaps).toBe(true);
    expect(config.alarms.email).toBe('ops@example.com');
    expect(config.cleanupSchedule).toBe('rate(1 hour)');
  });

  it('accepts the JSON types cdk.json holds', () => {
    const config = readServiceConfig(
      context({ databaseMaxCapacity: 16, databaseDeletionProtection: false, apiKeyNames: ['a', 'b'] }),
    );
    expect(config.database.maxCapacity).toBe(16);
    expect(config.database.deletionProtection).toBe(false);
    expect(config.api.keyNames).toEqual(['a', 'b']);
  });

  it.each([
    ['databaseMinCapacity', '0.3', /"databaseMinCapacity" must be a multiple of 0.5 between 0 and 256/],
    ['databaseMinCapacity', 'zero', /"databaseMinCapacity"/],
    ['databaseMaxCapacity', '0.5', /"databaseMaxCapacity" must be a multiple of 0.5 between 1 and 256/],
    ['databaseAutoPauseSeconds', '60', /"databaseAutoPauseSeconds" must be a whole number between 300/],
    ['databaseDeletionProtection', 'yes', /"databaseDeletionProtection" must be true or false/],
    ['databaseRemovalPolicy', 'keep', /"databaseRemovalPolicy" must be one of destroy, retain, snapshot/],
    ['databaseName', 'Bluestakes-DB', /"databaseName" must be a lowercase PostgreSQL identifier/],
    ['tokenTtlSeconds', '10s', /"tokenTtlSeconds" must be a whole number between 600 and 86400/],
    ['tokenTtlSeconds', 60, /"tokenTtlSeconds"/],
    ['bluestakesBaseUrl', 'http://newtin-api.bluestakes.org', /"bluestakesBaseUrl" must be an https URL/],
    ['credentialsSecretPrefix', 'team/*', /"credentialsSecretPrefix" must be a Secrets Manager name path/],
    ['credentialsSecretPrefix', 'team/', /"credentialsSecretPrefix"/],
    ['rateLimitMaxRequests', '0', /"rateLimitMaxRequests" must be a whole number between 1 and 10000/],
    ['rateLimitWindowMs', '1e3', /"rateLimitWindowMs"/],
    ['rateLimitScope', 'company', /"rateLimitScope" must be one of account, global/],
    ['apiStageName', 'v1/beta', /"apiStageName"/],
    ['apiQuotaPeriod', 'YEAR', /"apiQuotaPeriod" must be one of DAY, WEEK, MONTH/],
    ['apiKeyNames', 'a,a', /"apiKeyNames" must be a non-empty list of unique/],
    ['apiKeyNames', 'Team A', /"apiKeyNames"/],
    ['apiExecutionLogLevel', 'DEBUG', /"apiExecutionLogLevel" must be one of ERROR, INFO, OFF/],
    ['functionMemoryMb', '64', /"functionMemoryMb" must be a whole number between 128 and 10240/],
    [
      'httpFunctionTimeoutSeconds',
      '30',
      /"httpFunctionTimeoutSeconds" must be a whole number between 5 and 29/,
    ],
    ['logRetentionDays', '10', /"logRetentionDays" must be one of 1, 3, 5, 7, 14, 30/],
    ['functionSourceMaps', 'yes', /"functionSourceMaps" must be true or false/],
    ['cleanupSchedule', 'every 30 minutes', /"cleanupSchedule" must be an EventBridge expression/],
    ['cleanupSchedule', 'rate(30 minute)', /"cleanupSchedule"/],
    ['cleanupSchedule', 'rate(1 hours)', /"cleanupSchedule"/],
    ['alarmEmail', 'ops', /"alarmEmail" must be an email address/],
    ['loginFailureAlarmThreshold', '-1', /"loginFailureAlarmThreshold"/],
    ['stackName', '9lives', /"stackName" must start with a letter/],
  ])('refuses %s = %j with a message naming the setting', (key, value, message) => {
    const problems = problemsOf({ [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).toContain(JSON.stringify(value));
  });

  it('checks settings against each other', () => {
    expect(problemsOf({ databaseMinCapacity: 8, databaseMaxCapacity: 4 })).toEqual([
      '"databaseMaxCapacity" (4) must not be below "databaseMinCapacity" (8)',
    ]);
    expect(problemsOf({ databaseMinCapacity: 1, databaseAutoPauseSeconds: 600 })).toEqual([
      '"databaseAutoPauseSeconds" applies only when "databaseMinCapacity" is 0',
    ]);
    expect(problemsOf({ apiThrottleRateLimit: 100, apiThrottleBurstLimit: 50 })).toEqual([
      '"apiThrottleBurstLimit" (50) must not be below "apiThrottleRateLimit" (100)',
    ]);
  });

  it('reports every invalid setting at once, in one error naming each', () => {
    const error = (() => {
      try {
        readServiceConfig(context({ databaseMinCapacity: 'x', rateLimitScope: 'y', alarmEmail: 'z' }));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ServiceConfigError);
    expect(String((error as Error).message)).toMatch(
      /databaseMinCapacity[\s\S]*rateLimitScope[\s\S]*alarmEmail/,
    );
  });

  it('treats an empty string as unset, like an omitted -c', () => {
    expect(readServiceConfig(context({ databaseName: '  ' })).database.name).toBe('bluestakes');
  });

  it('reads only the keys it documents', () => {
    const asked = new Set<string>();
    readServiceConfig({
      tryGetContext: (key) => {
        asked.add(key);
        return undefined;
      },
    });
    expect([...asked].sort()).toEqual([...CONTEXT_KEYS].sort());
  });
});
