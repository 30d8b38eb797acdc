import { coldStampedeScenario } from './cold-stampede';
import { databaseResumingScenario } from './database-resuming';
import { killedLeaseHolderScenario } from './killed-lease-holder';
import { loginOutageScenario } from './login-outage';
import { offeredLoadScenario } from './offered-load';
import { refreshWindowScenario } from './refresh-window';
import { revokedTokenScenario } from './revoked-token';
import type { ScenarioDefinition } from './scenario';
import { steadyStateScenario } from './steady-state';
import { upstream429Scenario } from './upstream-429';
import { wrongPasswordScenario } from './wrong-password';

export * from './scenario';

/** Every scenario, in the order they run; `quick` shrinks sizes and durations, never the checks. */
export function buildScenarios(quick: boolean): ScenarioDefinition[] {
  const stampedes = quick ? [50] : [50, 200, 1_000];
  return [
    ...stampedes.map(coldStampedeScenario),
    steadyStateScenario(quick),
    refreshWindowScenario(quick),
    revokedTokenScenario(),
    killedLeaseHolderScenario(quick),
    offeredLoadScenario(quick),
    upstream429Scenario(quick),
    loginOutageScenario(quick),
    wrongPasswordScenario(quick),
    databaseResumingScenario(quick),
  ];
}
