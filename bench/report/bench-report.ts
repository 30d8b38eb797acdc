/** The shape of `bench/results/latest.json`. */
import type { MachineInfo } from '../environment/machine';
import type { LatencyReport } from '../latency/fleet-latency';
import type { StrategyFigures } from '../metrics/strategy-figures';
import type { ScenarioProfile, ScenarioTargets } from '../scenarios/scenario';
import type { StrategyId } from '../strategies';

export interface ScenarioReport {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly profile: ScenarioProfile;
  readonly targets: ScenarioTargets;
  readonly wallMs: number;
  readonly strategies: readonly StrategyFigures[];
}

export interface TargetCheck {
  readonly target: string;
  readonly scenario: string;
  readonly figure: string;
  readonly met: boolean;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly quick: boolean;
  /** Strategies ran one after another instead of side by side. */
  readonly sequential: boolean;
  readonly strategies: readonly StrategyId[];
  readonly machine: MachineInfo;
  readonly scenarios: readonly ScenarioReport[];
  readonly latency: LatencyReport | null;
  readonly targets: readonly TargetCheck[];
}
