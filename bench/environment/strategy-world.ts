/**
 * One strategy's world for one scenario: its own Bluestakes simulator (own accounts, limiter, faults
 * and statistics), its companies seeded into its database and the secrets stand-in, its request
 * recorder and counters, and the strategy itself.
 */
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Environment } from '@bluestakes/token-manager';
import { credentialsSecretName } from '@bluestakes/token-manager/internal';
import {
  type BluestakesSimulator,
  type RateLimitSwitch,
  startBluestakesSimulator,
} from '../../local/bluestakes-simulator';
import {
  type BenchCompany,
  type ScenarioProfile,
  UPSTREAM_LATENCY,
  type UpstreamLimit,
} from '../scenarios/scenario';
import {
  createStrategy,
  type StrategyDependencies,
  type StrategyId,
  type TokenStrategy,
  usesDatabase,
} from '../strategies';
import type { BenchDatabase } from './bench-database';
import { type BenchEnvironment, KEY_SECRET_ID } from './bench-environment';
import { StrategyCounters } from './strategy-counters';
import { createUpstreamRecorder, type UpstreamRecorder } from './upstream-recorder';

const LOGIN_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 3_000;

export interface WorldOptions {
  readonly strategy: StrategyId;
  readonly profile: ScenarioProfile;
  readonly companies: number;
  readonly wrongPassword?: boolean;
}

export interface StrategyWorld {
  readonly strategy: TokenStrategy;
  readonly dependencies: StrategyDependencies;
  readonly simulator: BluestakesSimulator;
  readonly recorder: UpstreamRecorder;
  readonly counters: StrategyCounters;
  readonly companies: readonly BenchCompany[];
  readonly database: BenchDatabase | undefined;
  close(): Promise<void>;
}

/** The upstream limit as the simulator takes it: per account, logins counted, Retry-After in seconds. */
export function upstreamRateLimit(limit: UpstreamLimit): RateLimitSwitch {
  return {
    limit: limit.limit,
    windowMs: limit.windowMs,
    scope: 'account',
    countLogins: true,
    sendRetryAfter: true,
    retryAfterFormat: 'seconds',
  };
}

/** Our token manager's settings for a profile: the same lifetime, lead and limit the others get. */
function fleetEnvironment(
  database: BenchDatabase,
  simulatorUrl: string,
  secretPrefix: string,
  profile: ScenarioProfile,
): Environment {
  return {
    DATABASE_RESOURCE_ARN: database.resourceArn,
    DATABASE_SECRET_ARN: database.secretArn,
    DATABASE_NAME: database.database,
    BLUESTAKES_BASE_URL: simulatorUrl,
    CREDENTIALS_SECRET_PREFIX: secretPrefix,
    TOKEN_ENCRYPTION_KEY_SECRET_ID: KEY_SECRET_ID,
    TOKEN_TTL_SECONDS: String(profile.lifetimeSeconds),
    TOKEN_REFRESH_BEFORE_SECONDS: String(profile.refreshLeadSeconds),
    // No jitter: every strategy replaces its token at the same point of its life.
    TOKEN_REFRESH_JITTER_SECONDS: '0',
    TOKEN_L1_MAX_STALENESS_MS: '1000',
    TOKEN_LEASE_SECONDS: '30',
    TOKEN_WAIT_TIMEOUT_MS: '15000',
    RATE_LIMIT_MAX_REQUESTS: String(profile.rateLimit.limit),
    RATE_LIMIT_WINDOW_MS: String(profile.rateLimit.windowMs),
    RATE_LIMIT_SCOPE: 'account',
    // The library's default margin (500 ms) is kept: here it covers the stalls of one event loop shared
    // by the upstream, the emulators and every container on two cores (at 150 ms the upstream saw 11
    // calls in a window when the machine was busy).
    RATE_LIMIT_SAFETY_MARGIN_MS: '500',
    RATE_LIMIT_MAX_WAIT_MS: '20000',
    BLUESTAKES_LOGIN_TIMEOUT_MS: String(LOGIN_TIMEOUT_MS),
    BLUESTAKES_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    DATA_API_RESUME_BUDGET_MS: '5000',
    LOGIN_FAILURE_BACKOFF_BASE_SECONDS: '1',
    LOGIN_FAILURE_BACKOFF_MAX_SECONDS: '5',
    LOGIN_REJECTED_HOLD_SECONDS: '3600',
    ...profile.fleetEnvironment,
  };
}

export async function createStrategyWorld(
  environment: BenchEnvironment,
  options: WorldOptions,
): Promise<StrategyWorld> {
  const { strategy: strategyId, profile } = options;
  const database = usesDatabase(strategyId) ? environment.database(strategyId) : undefined;
  if (usesDatabase(strategyId) && database === undefined) {
    throw new Error(`No database was started for ${strategyId}`);
  }
  const secretPrefix = `bench/${strategyId}`;
  const seeds = Array.from({ length: options.companies }, () => {
    const id = environment.nextCompanyId(strategyId);
    return { id, username: `${strategyId}-${id}`, password: `pw-${randomUUID()}` };
  });

  for (const seed of seeds) {
    await database?.executor.execute('INSERT INTO companies (id, name) VALUES (CAST(:id AS bigint), :name)', {
      id: seed.id,
      name: `Bench company ${seed.id}`,
    });
    await environment.secretsClient.send(
      new CreateSecretCommand({
        Name: credentialsSecretName(secretPrefix, seed.id),
        SecretString: JSON.stringify({
          username: seed.username,
          password: options.wrongPassword ? 'not-the-password' : seed.password,
        }),
      }),
    );
  }

  const simulator = await startBluestakesSimulator({
    accounts: seeds.map((seed) => ({ username: seed.username, password: seed.password, tickets: 2 })),
    tokenLifetimeSeconds: profile.lifetimeSeconds,
    rateLimit: upstreamRateLimit(profile.rateLimit),
    latencyMs: UPSTREAM_LATENCY,
    ...profile.simulator,
  });
  const recorder = createUpstreamRecorder();
  const counters = new StrategyCounters();
  const dependencies: StrategyDependencies = {
    simulatorUrl: simulator.url,
    dispatcher: recorder.dispatcher,
    secretsEndpoint: environment.secrets.url,
    secretPrefix,
    counters,
    timing: {
      lifetimeSeconds: profile.lifetimeSeconds,
      refreshLeadSeconds: profile.refreshLeadSeconds,
      loginTimeoutMs: LOGIN_TIMEOUT_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    },
    ...(database === undefined
      ? {}
      : { database, fleetEnvironment: fleetEnvironment(database, simulator.url, secretPrefix, profile) }),
  };

  return {
    strategy: createStrategy(strategyId, dependencies),
    dependencies,
    simulator,
    recorder,
    counters,
    companies: seeds.map((seed) => ({
      id: seed.id,
      username: seed.username,
      ticket: simulator.tickets(seed.username)[0]!.ticket,
    })),
    database,
    async close() {
      await recorder.close();
      await simulator.close();
    },
  };
}
