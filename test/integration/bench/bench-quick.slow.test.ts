import { beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../../bench/bench-runner';
import type { MeasuredFigures } from '../../../bench/metrics/strategy-figures';
import type { BenchReport } from '../../../bench/report/bench-report';
import { buildScenarios } from '../../../bench/scenarios';

/**
 * The quick benchmark, run in-process for ours only (the baselines are what `npm run bench` compares
 * against; here only our correctness figures matter). No timing is asserted: only counts.
 */
const scenarios = buildScenarios(true);
const ids = (keep: (scenario: (typeof scenarios)[number]) => boolean) =>
  scenarios.filter(keep).map((scenario) => scenario.id);

/** The upstream refuses one call per window without warning here: a first 429 cannot be avoided. */
const UNANNOUNCED_429 = 'upstream-429';

describe('npm run bench -- --quick, ours', () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench({ quick: true, strategies: ['fleet-cache'], latency: true });
  }, 180_000);

  const ours = (scenarioId: string): MeasuredFigures => {
    const scenario = report.scenarios.find((entry) => entry.id === scenarioId);
    const figures = scenario?.strategies.find((entry) => entry.strategy === 'fleet-cache');
    if (figures === undefined || !figures.applicable) throw new Error(`ours did not run ${scenarioId}`);
    return figures;
  };

  it('runs every quick scenario to the end', () => {
    expect(report.scenarios.map((scenario) => scenario.id)).toEqual(scenarios.map((scenario) => scenario.id));
    for (const scenario of scenarios) expect(ours(scenario.id).error, scenario.id).toBeUndefined();
  });

  it.each(ids((scenario) => scenario.targets.upstreamWorks))(
    'logs in exactly once per company per token lifetime: %s',
    (id) => {
      const figures = ours(id);
      // Never two logins for a company within half a refresh period: no duplicate, however late.
      if (figures.closestLoginsMs !== null) {
        expect(figures.closestLoginsMs).toBeGreaterThanOrEqual(figures.refreshPeriodMs / 2);
      }
      expect(figures.logins).toBeLessThanOrEqual(figures.companies * figures.lifetimes);
      if (figures.lifetimes <= 1) expect(figures.logins).toBe(figures.companies * figures.lifetimes);
      // Over several lifetimes the last refresh may come due just as the run ends (on a busy machine).
      else expect(figures.logins).toBeGreaterThanOrEqual(figures.companies * (figures.lifetimes - 1));
      expect(figures.loginsAccepted).toBe(figures.logins);
    },
  );

  it('logs in successfully once after the login endpoint comes back, and tries a bounded number of times', () => {
    const figures = ours('login-outage');
    expect(figures.loginsAccepted).toBe(1);
    expect(figures.logins).toBeLessThanOrEqual(3);
  });

  it('throws a rejected password at Bluestakes once, not once per caller', () => {
    const figures = ours('wrong-password');
    expect(figures.logins).toBe(1);
    expect(Object.keys(figures.failuresByCode).sort()).toEqual(['CREDENTIALS_REJECTED', 'LOGIN_HELD']);
  });

  it.each(ids((scenario) => scenario.targets.limitMatchesUpstream))('receives no upstream 429: %s', (id) => {
    expect(ours(id).upstream429).toBe(0);
  });

  it.each(scenarios.map((scenario) => scenario.id))(
    'never sends more than the limit in any window: %s',
    (id) => {
      const figures = ours(id);
      expect(figures.maxSentInWindow).toBeLessThanOrEqual(figures.limit.limit);
      expect(figures.maxAcceptedInWindow).toBeLessThanOrEqual(figures.limit.limit);
    },
  );

  it.each(ids((scenario) => scenario.targets.validTokenExists && scenario.id !== UNANNOUNCED_429))(
    'fails no caller while a valid token exists: %s',
    (id) => {
      const figures = ours(id);
      expect(figures.failuresByCode).toEqual({});
      expect(figures.callerRequests).toBeGreaterThan(0);
    },
  );

  it('fails no caller while a valid token exists: upstream-429', () => {
    expect(ours(UNANNOUNCED_429).callerFailures).toBe(0);
  });

  it('after an unannounced upstream 429 pauses the fleet and retries the refused call once', () => {
    const figures = ours(UNANNOUNCED_429);
    expect(figures.upstream429).toBeGreaterThanOrEqual(1);
    expect(figures.upstream429).toBeLessThanOrEqual(3);
    expect(figures.failuresByCode).toEqual({});
  });

  it('serves an L2 hit with one Data API call and an L1 hit with none', () => {
    const operations = report.latency?.operations ?? [];
    const of = (operation: string) => operations.find((entry) => entry.operation === operation);
    expect(of('l2-hit')?.dataApiCallsEach).toBe(1);
    expect(of('l1-hit')?.dataApiCallsEach).toBe(0);
    expect(of('miss')?.loginsEach).toBe(1);
  });

  it("meets every scenario target in the bench's own check", () => {
    // The latency targets are timings and stay out of this test.
    const missed = report.targets
      .filter((check) => !check.met && check.scenario !== 'latency')
      .map((check) => `${check.scenario}: ${check.target}`);
    expect(missed).toEqual([]);
  });
});
