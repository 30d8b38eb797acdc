/**
 * A local stand-in for the Blue Stakes of Utah 811 API: logins that
 * issue JWTs, ticket search/detail/responses/secondary-functions over generated data, and switches
 * for the behaviours nobody has pinned down upstream (token lifetime, revocation, rate limits, faults).
 */
import type { AddressInfo } from 'node:net';
import { AccountRegistry } from './accounts';
import { applySwitches, DEFAULT_SWITCHES, parseFault, switchesFromOptions } from './config';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { FaultInjector } from './faults';
import { SeededRandom } from './random';
import { createSimulatorServer } from './server';
import { SimulatorState } from './state';
import { StatsRecorder } from './stats';
import { generateTickets } from './ticket-generator';
import { normalizeTicketNumber, TicketStore } from './ticket-store';
import type {
  SimulatorAccount,
  SimulatorFault,
  SimulatorStats,
  SimulatorSwitches,
  SimulatorSwitchesPatch,
  SimulatorTicket,
  SimulatorTicketSeed,
} from './types';

export { SimulatorConfigError } from './config';
export { DEMO_ACCOUNTS } from './demo-accounts';
export type { SecondaryFunctions } from './ticket-store';
export type {
  GeoJsonFeature,
  LatencySwitch,
  MaxAcceptedInWindow,
  RateLimitSwitch,
  SimulatorAccount,
  SimulatorFault,
  SimulatorFaultKind,
  SimulatorStats,
  SimulatorSwitches,
  SimulatorSwitchesPatch,
  SimulatorTicket,
  SimulatorTicketSeed,
  TicketDelivery,
  TicketGrid,
  TicketMember,
  TicketResponse,
} from './types';

export interface BluestakesSimulatorOptions extends SimulatorSwitchesPatch {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Seeds the ticket data and the fault/latency draws. @default 811 */
  readonly seed?: number;
  /** @default DEMO_ACCOUNTS */
  readonly accounts?: readonly SimulatorAccount[];
  /** The moment generated ticket dates are relative to; fix it for byte-identical data. @default now */
  readonly referenceTime?: Date | number;
  /** Faults armed from the start. */
  readonly faults?: readonly SimulatorFault[];
  /**
   * The milliseconds the rate limiter and its statistics read; tests hold it still to make "these calls
   * arrive within one window" true however slow the machine is. @default performance.now
   */
  readonly rateLimitClock?: () => number;
}

export interface BluestakesSimulator {
  /** e.g. `http://127.0.0.1:54321`; clients append `/api/...`. */
  readonly url: string;
  readonly switches: SimulatorSwitches;
  /** Throws SimulatorConfigError for an invalid patch; `rateLimit` in the patch restarts the limiter. */
  configure(patch: SimulatorSwitchesPatch): void;
  injectFaults(fault: SimulatorFault): void;
  clearFaults(): void;
  revokeAll(): void;
  revokeTokensFor(username: string): void;
  /** Changes an account's password or disabled flag; tokens of a disabled account stop working. */
  updateAccount(username: string, patch: { readonly password?: string; readonly disabled?: boolean }): void;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Every row (one per revision) the account owns, as the detail route serves them. */
  tickets(username: string): readonly SimulatorTicket[];
  /** Resolves once the port is free, even with hung requests open. */
  close(): Promise<void>;
}

const MAX_TICKETS_PER_ACCOUNT = 5000;

function checkAccounts(accounts: readonly SimulatorAccount[]): void {
  for (const account of accounts) {
    if (
      typeof account.username !== 'string' ||
      account.username === '' ||
      typeof account.password !== 'string'
    ) {
      throw new Error('Every simulator account needs a non-empty username and a password');
    }
    const count = account.tickets;
    if (
      typeof count === 'number' &&
      !(Number.isInteger(count) && count >= 0 && count <= MAX_TICKETS_PER_ACCOUNT)
    ) {
      throw new Error(
        `tickets for ${account.username} must be an integer from 0 to ${MAX_TICKETS_PER_ACCOUNT}`,
      );
    }
  }
}

function urlFor(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export async function startBluestakesSimulator(
  options: BluestakesSimulatorOptions = {},
): Promise<BluestakesSimulator> {
  const seed = options.seed ?? 811;
  const accountList = options.accounts ?? DEMO_ACCOUNTS;
  checkAccounts(accountList);
  const switches = applySwitches(DEFAULT_SWITCHES, switchesFromOptions({ ...options }));
  const referenceMs = options.referenceTime === undefined ? Date.now() : Number(options.referenceTime);
  const accounts = new AccountRegistry(accountList);

  // Explicit numbers are reserved first so no generated ticket of an earlier account can take one.
  const explicit = accountList.flatMap((account) => (Array.isArray(account.tickets) ? account.tickets : []));
  const usedNumbers = new Set(
    explicit.map((ticket: SimulatorTicketSeed) => normalizeTicketNumber(ticket.ticket)),
  );
  const generatorContext = { seed, referenceMs, usedNumbers };
  const rows = new Map<string, readonly SimulatorTicket[]>();
  for (const account of accountList) {
    rows.set(account.username, generateTickets(account.username, account.tickets, generatorContext));
  }
  const faults = new FaultInjector(new SeededRandom(seed, 'faults'));
  for (const fault of options.faults ?? []) faults.add(parseFault(fault));

  const state = new SimulatorState({
    switches,
    accounts,
    tickets: new TicketStore(rows),
    faults,
    stats: new StatsRecorder(),
    random: new SeededRandom(seed, 'latency'),
    ...(options.rateLimitClock ? { clock: options.rateLimitClock } : {}),
  });
  const { server, close } = createSimulatorServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = urlFor(server.address() as AddressInfo);

  return {
    url,
    get switches() {
      return state.switches;
    },
    configure: (patch) => {
      state.configure(patch);
    },
    injectFaults: (fault) => faults.add(parseFault(fault)),
    clearFaults: () => faults.clear(),
    revokeAll: () => accounts.revokeAll(),
    revokeTokensFor: (username) => accounts.revokeFor(username),
    updateAccount: (username, patch) => accounts.update(username, patch),
    stats: () => state.stats.snapshot(state.switches),
    resetStats: () => state.stats.reset(),
    tickets: (username) => {
      if (!accounts.has(username)) throw new Error(`Unknown simulator account: ${username}`);
      return state.tickets.rowsFor(username);
    },
    close,
  };
}
