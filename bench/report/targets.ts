/** The benchmark's targets for ours, checked against the measured figures. */
import type { LatencyReport } from '../latency/fleet-latency';
import type { MeasuredFigures } from '../metrics/strategy-figures';
import type { ScenarioReport, TargetCheck } from './bench-report';

export const L1_P99_TARGET_US = 50;

/**
 * One login per company per lifetime: never two for a company within half a refresh period (that
 * would be a duplicate) and at most one per lifetime; exactly that many with one lifetime. Over
 * several, the last refresh may come due just as the run ends (a busy machine stretches the run), so
 * the count may fall one short per company without any caller noticing.
 */
export function loginsAsIdeal(figures: MeasuredFigures): boolean {
  const { companies, lifetimes, logins, closestLoginsMs, refreshPeriodMs } = figures;
  const noDuplicates = closestLoginsMs === null || closestLoginsMs >= refreshPeriodMs / 2;
  const atLeast = lifetimes <= 1 ? companies * lifetimes : companies * (lifetimes - 1);
  return noDuplicates && logins >= atLeast && logins <= companies * lifetimes;
}

function oursIn(scenario: ScenarioReport): MeasuredFigures | undefined {
  const figures = scenario.strategies.find((entry) => entry.strategy === 'fleet-cache');
  return figures?.applicable ? figures : undefined;
}

export function scenarioTargets(scenario: ScenarioReport): TargetCheck[] {
  const ours = oursIn(scenario);
  if (ours === undefined) return [];
  const checks: TargetCheck[] = [];
  const add = (target: string, figure: string, met: boolean) =>
    checks.push({ target, scenario: scenario.id, figure, met: met && ours.error === undefined });
  if (scenario.targets.upstreamWorks) {
    const closest =
      ours.closestLoginsMs === null
        ? ''
        : `, closest two ${(ours.closestLoginsMs / 1000).toFixed(2)} s apart`;
    add(
      'exactly 1 login per company per lifetime',
      `${ours.logins} logins for ${ours.companies} companies x ${ours.lifetimes} lifetimes${closest}`,
      loginsAsIdeal(ours),
    );
  }
  if (scenario.targets.limitMatchesUpstream) {
    add('0 upstream 429s', `${ours.upstream429} 429s`, ours.upstream429 === 0);
  }
  add(
    'never more than the limit in any window',
    `max ${ours.maxSentInWindow} sent per ${ours.limit.windowMs} ms (limit ${ours.limit.limit})`,
    ours.maxSentInWindow <= ours.limit.limit,
  );
  if (scenario.targets.validTokenExists) {
    const codes = Object.entries(ours.failuresByCode)
      .map(([code, count]) => `${code} x${count}`)
      .join(', ');
    add(
      '0 caller failures while a valid token exists',
      `${ours.callerFailures} of ${ours.callerRequests} failed${codes ? ` (${codes})` : ''}`,
      ours.callerFailures === 0,
    );
  }
  if (ours.error !== undefined) add('scenario ran to the end', ours.error, false);
  return checks;
}

export function latencyTargets(latency: LatencyReport | null): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const l1 = latency?.operations.find((entry) => entry.operation === 'l1-hit');
  if (l1 !== undefined) {
    checks.push({
      target: `L1 hit p99 under ${L1_P99_TARGET_US} us`,
      scenario: 'latency',
      figure: `p99 ${l1.latencyUs.p99.toFixed(1)} us over ${l1.latencyUs.samples} samples`,
      met: l1.latencyUs.p99 < L1_P99_TARGET_US,
    });
  }
  const l2 = latency?.operations.find((entry) => entry.operation === 'l2-hit');
  if (l2 !== undefined) {
    checks.push({
      target: 'an L2 hit costs one Data API call',
      scenario: 'latency',
      figure: `${l2.dataApiCallsEach.toFixed(2)} Data API calls per L2 hit`,
      met: l2.dataApiCallsEach === 1,
    });
  }
  return checks;
}
