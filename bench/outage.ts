/**
 * Data API outage figures: how many `makeAuthenticatedRequest` calls a small fleet serves and fails
 * while the Data API answers nothing but DatabaseUnavailableException, for a 30 s and a 60 s outage.
 *
 *   npx tsx bench/outage.ts                # time-scaled by 0.2 (6 s and 12 s), about half a minute
 *   npx tsx bench/outage.ts --scale=1      # the real 30 s and 60 s
 *
 * Every container holds a valid token when the outage starts and calls Bluestakes in a loop, one call
 * at a time. Time-scaled settings: the upstream allows 10 calls per 1 s window (the bench's world),
 * the L1 staleness bound and the outage are scaled by `--scale`, tokens outlive the run.
 * Prints one line per outage; the figures are measured in the run, never written down in the code.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type TokenManager, TokenServiceError } from '@bluestakes/token-manager';
import { startTokenServiceHarness } from '../test/support/token-service-harness';

interface OutageFigures {
  readonly outageSeconds: number;
  readonly served: number;
  readonly failed: number;
  readonly failuresByCode: Record<string, number>;
  readonly upstreamCalls: number;
  readonly maxUpstreamInWindow: number;
}

function flag(name: string, fallback: number): number {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const scale = flag('scale', 0.2);
const containers = flag('containers', 4);
const LIMIT = 10;
const WINDOW_MS = 1_000;

async function measure(outageSeconds: number): Promise<OutageFigures> {
  const harness = await startTokenServiceHarness({
    companies: 1,
    simulator: { rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, scope: 'account', countLogins: true } },
    env: {
      RATE_LIMIT_MAX_REQUESTS: String(LIMIT),
      RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
      RATE_LIMIT_SAFETY_MARGIN_MS: '500',
      RATE_LIMIT_MAX_WAIT_MS: '2000',
      TOKEN_L1_MAX_STALENESS_MS: String(Math.round(30_000 * scale)),
      DATA_API_RESUME_BUDGET_MS: String(Math.round(20_000 * scale)),
    },
  });
  try {
    const { id, username } = harness.companies[0]!;
    const ticket = harness.simulator.tickets(username)[0]!.ticket;
    const fleet: TokenManager[] = Array.from({ length: containers }, () => harness.createManager());
    for (const manager of fleet) await manager.getOrRefreshToken(id);
    harness.simulator.resetStats();

    let served = 0;
    let failed = 0;
    const failuresByCode: Record<string, number> = {};
    harness.dataApi.emulator.injectFaults({ kind: 'unavailable', count: 10_000_000 });
    const endsAt = Date.now() + outageSeconds * 1000 * scale;
    await Promise.all(
      fleet.map(async (manager) => {
        while (Date.now() < endsAt) {
          try {
            await manager.makeAuthenticatedRequest(id, (api) => api.getTicket(ticket));
            if (Date.now() <= endsAt) served += 1;
          } catch (error) {
            if (Date.now() > endsAt) break;
            failed += 1;
            const code = error instanceof TokenServiceError ? error.code : 'UNEXPECTED';
            failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
            // A failing caller backs off a little, as a real job would, instead of spinning.
            await sleep(10);
          }
        }
      }),
    );
    harness.dataApi.emulator.clearFaults();
    const stats = harness.simulator.stats();
    return {
      outageSeconds,
      served,
      failed,
      failuresByCode,
      upstreamCalls: stats.requestsByAccount[username] ?? 0,
      maxUpstreamInWindow: stats.maxAcceptedInWindow.byKey[username] ?? 0,
    };
  } finally {
    await harness.close();
  }
}

console.log(
  `Data API outage, ${containers} containers with a valid token, upstream limit ${LIMIT} per ${WINDOW_MS} ms, time scale ${scale}`,
);
for (const outageSeconds of [30, 60]) {
  const figures = await measure(outageSeconds);
  const codes = Object.entries(figures.failuresByCode)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  console.log(
    `${outageSeconds} s outage (${outageSeconds * scale} s scaled): served ${figures.served}, failed ${figures.failed}` +
      `${codes ? ` (${codes})` : ''}; upstream saw ${figures.upstreamCalls} calls, at most ${figures.maxUpstreamInWindow} in one window`,
  );
}
