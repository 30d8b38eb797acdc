import { setTimeout as sleep } from 'node:timers/promises';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import { ConfigurationError } from '@bluestakes/token-manager';
import { createCountingMetricsSink } from '@bluestakes/token-manager/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  beforeStatement,
  outcomeOf,
  type StatementKind,
  statementKind,
  typedError,
  within,
} from '../../support/reliability-checks';
import { startTokenServiceHarness, type TokenServiceHarness } from '../../support/token-service-harness';

const LIMIT = 8;
const WINDOW_MS = 1_000;
/** RATE_LIMIT_DEGRADED_MAX_REQUESTS is left to its default: a quarter of the limit. */
const DEGRADED_BUDGET = LIMIT / 4;

/**
 * A socket reset the way Node reports it, thrown by this client once for the first statement `aimed`
 * matches: before it is sent, or after it ran and committed (its answer lost).
 */
function resetConnection(
  client: RDSDataClient,
  aimed: (input: { sql?: string; parameters?: { name?: string }[] }) => boolean,
  when: 'before-send' | 'after-commit',
): { sent: StatementKind[] } {
  const sent: StatementKind[] = [];
  let remaining = 1;
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { sql?: string; parameters?: { name?: string }[] };
      sent.push(statementKind(input));
      const hit = aimed(input);
      const reset = () =>
        Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read', errno: -104 });
      if (hit && remaining > 0 && when === 'before-send') {
        remaining -= 1;
        throw reset();
      }
      const result = await next(args);
      if (hit && remaining > 0 && when === 'after-commit') {
        remaining -= 1;
        throw reset();
      }
      return result;
    },
    { step: 'initialize', name: `resetConnection-${Math.random()}` },
  );
  return { sent };
}

/**
 * The Data API goes away while containers hold valid tokens: they keep calling Bluestakes under a
 * per-container budget, serve their in-process token instead of waiting out the retry budget, and go
 * back to the fleet-wide limiter as soon as the database answers. Dropped connections are retried
 * where that is safe and reconciled where it is not.
 */
describe('degraded mode during a Data API outage', () => {
  let harness: TokenServiceHarness;

  beforeAll(async () => {
    harness = await startTokenServiceHarness({
      companies: 6,
      simulator: { rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, scope: 'account', countLogins: true } },
      env: {
        RATE_LIMIT_MAX_REQUESTS: String(LIMIT),
        RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
        RATE_LIMIT_SAFETY_MARGIN_MS: '100',
        RATE_LIMIT_MAX_WAIT_MS: '5000',
        DATA_API_RESUME_BUDGET_MS: '5000',
      },
    });
  });

  afterEach(() => {
    harness.dataApi.emulator.clearFaults();
  });

  afterAll(async () => {
    await harness?.close();
  });

  const company = (index: number) => harness.companies[index]!;

  it('keeps calling Bluestakes with the cached token under the per-container budget, then resumes the shared limiter', async () => {
    const { id, username } = company(0);
    const ticket = harness.simulator.tickets(username)[0]!.ticket;
    const metrics = createCountingMetricsSink();
    const manager = harness.createManager({ metrics });
    await manager.getOrRefreshToken(id);
    const before = harness.simulator.stats().requestsByAccount[username] ?? 0;

    harness.dataApi.emulator.injectFaults({ kind: 'unavailable', count: 100_000 });
    const startedAt = Date.now();
    const sentAt: number[] = [];
    for (let call = 0; call < 3 * DEGRADED_BUDGET; call++) {
      await within(
        manager.makeAuthenticatedRequest(id, async (api) => {
          const detail = await api.getTicket(ticket);
          sentAt.push(Date.now() - startedAt);
          return detail;
        }),
        `call ${call} during the outage`,
      );
    }

    // Every call was served, never more than the per-container budget in any window.
    expect(harness.simulator.stats().requestsByAccount[username]! - before).toBe(3 * DEGRADED_BUDGET);
    for (let index = DEGRADED_BUDGET; index < sentAt.length; index++) {
      expect(sentAt[index]! - sentAt[index - DEGRADED_BUDGET]!).toBeGreaterThanOrEqual(WINDOW_MS);
    }
    expect(metrics.counts.get('RateLimitDegraded')).toBeGreaterThanOrEqual(3 * DEGRADED_BUDGET);

    harness.dataApi.emulator.clearFaults();
    const degradedBefore = metrics.counts.get('RateLimitDegraded');
    await manager.makeAuthenticatedRequest(id, (api) => api.getTicket(ticket));
    expect(metrics.counts.get('RateLimitDegraded')).toBe(degradedBefore);
    const [row] = await harness.sql(
      "SELECT cardinality(hits) AS hits FROM bluestakes_rate_limits WHERE key LIKE 'account:%' AND updated_at > now() - interval '2 seconds'",
    );
    expect(Number(row?.hits)).toBeGreaterThanOrEqual(1);
  });

  it('serves the in-process token when the staleness re-check meets the outage, without waiting out the retry budget, and re-checks on later calls', async () => {
    const { id } = company(1);
    const client = harness.createRdsDataClient();
    const reads = beforeStatement(client, 'read', () => undefined, 0);
    const manager = harness.createManager({
      rdsDataClient: client,
      env: { TOKEN_L1_MAX_STALENESS_MS: '100' },
    });
    const token = await manager.getOrRefreshToken(id);
    await sleep(150);

    // Resuming is retried within DATA_API_RESUME_BUDGET_MS (5 s) by callers that have nothing else.
    harness.dataApi.emulator.injectFaults({ kind: 'resuming', count: 100_000 });
    const startedAt = Date.now();
    expect(await within(manager.getOrRefreshToken(id), 'the re-check')).toBe(token);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    const readsDuringOutage = reads.sent.filter((kind) => kind === 'read').length;

    // Within the re-check interval further calls are L1 hits; after it, a call tries the database again.
    await manager.getOrRefreshToken(id);
    expect(reads.sent.filter((kind) => kind === 'read').length).toBe(readsDuringOutage);
    harness.dataApi.emulator.clearFaults();
    await sleep(1_100);
    expect(await manager.getOrRefreshToken(id)).toBe(token);
    expect(reads.sent.filter((kind) => kind === 'read').length).toBe(readsDuringOutage + 1);
  });

  it('fails a container with no token with DATABASE_UNAVAILABLE: there is nothing it may serve', async () => {
    const { id } = company(2);
    const manager = harness.createManager({ env: { DATA_API_RESUME_BUDGET_MS: '300' } });
    harness.dataApi.emulator.injectFaults({ kind: 'unavailable', count: 100_000 });
    const error = typedError(await outcomeOf(manager.getOrRefreshToken(id), 'cold container'));
    expect(error.code).toBe('DATABASE_UNAVAILABLE');
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });

  it('retries a read whose connection was reset, instead of failing with DATABASE_ERROR', async () => {
    const { id } = company(3);
    const client = harness.createRdsDataClient();
    const tap = resetConnection(client, (input) => statementKind(input) === 'read', 'before-send');
    const manager = harness.createManager({ rdsDataClient: client });

    const token = await within(manager.getOrRefreshToken(id), 'getOrRefreshToken');

    expect(token).toEqual(expect.any(String));
    expect(tap.sent.filter((kind) => kind === 'read').length).toBeGreaterThanOrEqual(2);
  });

  it('reconciles a clear whose connection reset after it committed: cleared once, one audit event', async () => {
    const { id } = company(4);
    await harness.createManager().getOrRefreshToken(id);
    const client = harness.createRdsDataClient();
    const tap = resetConnection(
      client,
      (input) => input.sql?.includes("'token_cleared'") === true,
      'after-commit',
    );
    const manager = harness.createManager({ rdsDataClient: client });

    expect(await within(manager.clearToken(id), 'clearToken')).toBe(true);

    const [row] = await harness.sql(
      `SELECT bluestakes_token AS token,
              (SELECT count(*) FROM token_auth_events e WHERE e.company_id = c.id AND e.event = 'token_cleared') AS clears
       FROM companies c WHERE id = CAST(:id AS bigint)`,
      { id },
    );
    expect(row).toMatchObject({ token: null, clears: '1' });
    // The clear was re-sent once (compare-and-set on the fence: it matched nothing) and re-read.
    expect(tap.sent.length).toBeGreaterThanOrEqual(4);
  });

  it('turns HttpEndpointNotEnabledException into a configuration error that says what to enable', async () => {
    const { id } = company(5);
    const manager = harness.createManager();
    harness.dataApi.emulator.injectFaults({ kind: 'endpointNotEnabled', count: 1 });

    const error = typedError(await outcomeOf(manager.getOrRefreshToken(id), 'getOrRefreshToken'));

    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.code).toBe('CONFIGURATION_INVALID');
    expect(error.message).toMatch(/Data API.*not enabled|not have the RDS Data API enabled/);
  });
});
