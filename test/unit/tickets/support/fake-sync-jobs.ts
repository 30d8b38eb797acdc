import { CompanyNotFoundError, CredentialsNotFoundError } from '@bluestakes/token-manager';
import type {
  PendingTicket,
  SyncJob,
  SyncJobState,
  SyncJobStep,
  SyncJobStore,
  SyncRun,
} from '../../../../functions/tickets';
import type { FakeRepository } from './fakes';

type Work = 'plan' | 'detail' | 'responses' | 'done' | 'skipped';

interface JobRow {
  generation: number;
  state: SyncJobState;
  step: SyncJobStep;
  daysBack: number;
  windowStart: Date;
  windowEnd: Date;
  searchOffset: number;
  checkedTickets: string[];
  counters: { -readonly [K in keyof SyncJob['counters']]: number };
  tickets: Map<string, { revision: number; work: Work }>;
  runId: string | null;
  runUntil: number;
  wakeId: string | null;
  nextRunAt: number | null;
  lastError: string | null;
  credentialsVersion: number;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface FakeSyncJobs extends SyncJobStore {
  readonly rows: Map<string, JobRow>;
  /** Each company's credentials version (0: none stored). */
  readonly credentials: Map<string, number>;
}

const DAY_MS = 86_400_000;

/**
 * The sync job store in memory, with the Data API adapter's rules (fencing, claim conditions, the
 * plan), over a fake ticket repository. The adapter itself is tested for real in integration.
 */
export function fakeSyncJobs(repository: FakeRepository, clock: () => number): FakeSyncJobs {
  const rows = new Map<string, JobRow>();
  const credentials = new Map<string, number>([...repository.companies].map((id) => [id, 1]));

  function view(companyId: string, row: JobRow): SyncJob {
    const works = [...row.tickets.values()].map((ticket) => ticket.work);
    return {
      companyId,
      generation: String(row.generation),
      state: row.state,
      step: row.step,
      daysBack: row.daysBack,
      windowStart: row.windowStart,
      windowEnd: row.windowEnd,
      searchOffset: row.searchOffset,
      checkedTickets: [...row.checkedTickets],
      counters: { ...row.counters },
      ticketsFound: works.length,
      ticketsDone: works.filter((work) => work === 'done').length,
      ticketsRemaining: works.filter((work) => work === 'plan' || work === 'detail' || work === 'responses')
        .length,
      runId: row.runId,
      wakeId: row.wakeId,
      nextRunAt: row.nextRunAt === null ? null : new Date(row.nextRunAt),
      lastError: row.lastError,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      nextRunInMs: row.nextRunAt === null ? null : row.nextRunAt - clock(),
    };
  }

  function held(run: SyncRun): JobRow | undefined {
    const row = rows.get(run.companyId);
    return row !== undefined && String(row.generation) === run.generation && row.runId === run.runId
      ? row
      : undefined;
  }

  function release(row: JobRow, state: SyncJobState, lastError: string | null): void {
    row.state = state;
    row.runId = null;
    row.lastError = lastError;
  }

  const zero = () => ({
    pages: 0,
    upstreamCalls: 0,
    fetched: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    retired: 0,
    checked: 0,
    updatable: 0,
  });

  const store: FakeSyncJobs = {
    rows,
    credentials,
    async request(companyId, { daysBack, windowEnd }) {
      if (!repository.companies.has(companyId)) throw new CompanyNotFoundError(companyId);
      const version = credentials.get(companyId) ?? 0;
      if (version === 0) throw new CredentialsNotFoundError(companyId);
      const existing = rows.get(companyId);
      const restart =
        existing === undefined ||
        existing.state === 'done' ||
        existing.state === 'failed' ||
        (existing.state === 'parked' && existing.credentialsVersion !== version);
      if (restart) {
        const end = windowEnd ?? new Date(clock());
        rows.set(companyId, {
          generation: (existing?.generation ?? 0) + 1,
          state: 'queued',
          step: 'search',
          daysBack,
          windowStart: new Date(end.getTime() - daysBack * DAY_MS),
          windowEnd: end,
          searchOffset: 0,
          checkedTickets: [],
          counters: zero(),
          tickets: new Map(),
          runId: null,
          runUntil: 0,
          wakeId: null,
          nextRunAt: null,
          lastError: null,
          credentialsVersion: version,
          startedAt: new Date(clock()),
          finishedAt: null,
        });
      }
      const row = rows.get(companyId) as JobRow;
      const stalled = !restart && row.state === 'running' && row.runUntil < clock();
      return { job: view(companyId, row), created: restart, needsMessage: restart || stalled };
    },
    async find(companyId) {
      const row = rows.get(companyId);
      return row === undefined ? undefined : view(companyId, row);
    },
    async claim(companyId, { runId, leaseMs }) {
      const row = rows.get(companyId);
      if (row === undefined) return { claimed: false, job: undefined };
      const now = clock();
      const may =
        row.state === 'queued' ||
        row.state === 'failed' ||
        (row.state === 'waiting' && (row.nextRunAt ?? 0) <= now) ||
        (row.state === 'running' && row.runUntil < now);
      if (may) {
        Object.assign(row, {
          state: 'running',
          runId,
          runUntil: now + leaseMs,
          wakeId: null,
          nextRunAt: null,
        });
      }
      return { claimed: may, job: view(companyId, row) };
    },
    async saveSearchPage(run, page) {
      const row = held(run);
      if (row === undefined) return false;
      for (const ticket of page.tickets) {
        const seen = row.tickets.get(ticket.ticketNumber);
        row.tickets.set(ticket.ticketNumber, {
          revision: Math.max(seen?.revision ?? Number.NEGATIVE_INFINITY, ticket.revision),
          work: 'plan',
        });
      }
      row.searchOffset = page.nextOffset;
      row.counters.pages += 1;
      row.counters.upstreamCalls += 1;
      row.step = page.last ? 'plan' : 'search';
      return true;
    },
    async plan(run) {
      const row = held(run);
      if (row === undefined) return false;
      for (const [number, ticket] of row.tickets) {
        if (ticket.work !== 'plan') continue;
        const stored = repository.rows.get(number);
        if (stored === undefined || stored.record.revision < ticket.revision) {
          ticket.work = 'detail';
        } else if (stored.record.companyId !== run.companyId) {
          ticket.work = 'done';
        } else {
          const members = stored.record.raw.members;
          const awaiting =
            (stored.record.expires === null || stored.record.expires.getTime() > clock()) &&
            (stored.record.responses?.length ?? 0) < (Array.isArray(members) ? members.length : 0);
          ticket.work = stored.record.revision === ticket.revision && awaiting ? 'responses' : 'done';
          if (ticket.work === 'done') row.counters.unchanged += 1;
        }
      }
      row.step = 'fetch';
      return true;
    },
    async pendingTickets(run, limit): Promise<PendingTicket[]> {
      const row = held(run);
      if (row === undefined) return [];
      return [...row.tickets.entries()]
        .filter(([, ticket]) => ticket.work === 'detail' || ticket.work === 'responses')
        .sort(
          ([a, x], [b, y]) =>
            Number(x.work === 'responses') - Number(y.work === 'responses') || (a < b ? -1 : 1),
        )
        .slice(0, limit)
        .map(([ticketNumber, ticket]) => ({
          ticketNumber,
          revision: ticket.revision,
          work: ticket.work as 'detail' | 'responses',
        }));
    },
    async completeTicket(run, record, { calls, now }) {
      const outcome = await repository.upsertTicket(record, { now });
      const row = held(run);
      if (row === undefined) return undefined;
      const ticket = row.tickets.get(record.ticketNumber);
      if (ticket !== undefined) ticket.work = record.responses === undefined ? 'responses' : 'done';
      row.counters.upstreamCalls += calls;
      row.counters.fetched += 1;
      row.counters[outcome] += 1;
      return outcome;
    },
    async completeResponses(run, { ticketNumber, responses }, calls) {
      const stored = repository.rows.get(ticketNumber);
      const changed =
        stored !== undefined && JSON.stringify(stored.record.responses) !== JSON.stringify(responses);
      if (stored !== undefined && changed) stored.record = { ...stored.record, responses };
      const row = held(run);
      if (row === undefined) return false;
      const ticket = row.tickets.get(ticketNumber);
      if (ticket !== undefined) ticket.work = 'done';
      row.counters.upstreamCalls += calls;
      row.counters[changed ? 'updated' : 'unchanged'] += 1;
      return true;
    },
    async skipTicket(run, ticketNumber, calls) {
      const row = held(run);
      if (row === undefined) return false;
      const ticket = row.tickets.get(ticketNumber);
      if (ticket !== undefined) ticket.work = 'skipped';
      row.counters.upstreamCalls += calls;
      row.counters.skipped += 1;
      return true;
    },
    async advance(run, step, added = {}) {
      const row = held(run);
      if (row === undefined) return false;
      row.step = step;
      row.counters.retired += added.retired ?? 0;
      return true;
    },
    async recordCheck(run, check) {
      const row = held(run);
      if (row === undefined) return false;
      if (check.updatable && (await repository.recordUpdatableTicket(run.companyId, check))) {
        row.counters.updatable += 1;
      }
      row.checkedTickets.push(check.ticketNumber);
      row.counters.checked += 1;
      row.counters.upstreamCalls += 1;
      return true;
    },
    async finish(run) {
      const row = held(run);
      if (row === undefined) return false;
      release(row, 'done', null);
      row.step = 'finish';
      row.finishedAt = new Date(clock());
      return true;
    },
    async wait(run, { delayMs, wakeId, reason }) {
      const row = held(run);
      if (row === undefined) return false;
      release(row, 'waiting', reason);
      row.wakeId = wakeId;
      row.nextRunAt = clock() + delayMs;
      return true;
    },
    async park(run, reason) {
      const row = held(run);
      if (row === undefined) return false;
      release(row, 'parked', reason);
      row.credentialsVersion = credentials.get(run.companyId) ?? 0;
      return true;
    },
    async fail(run, reason) {
      const row = held(run);
      if (row === undefined) return false;
      release(row, 'failed', reason);
      return true;
    },
  };
  return store;
}
