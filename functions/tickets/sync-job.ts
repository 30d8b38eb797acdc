/**
 * Runs a company's durable sync job step by step (search, fetch, retire, check). Kept as one closure
 * past 300 lines: every step shares the run's upstream wrapper, lease check and deadline.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type AuthenticatedBluestakes,
  CompanyDisabledError,
  CompanyNotFoundError,
  LoginHeldError,
  type LogSink,
  type TicketResponse,
  type TokenManager,
  UpstreamNotFoundError,
} from '@bluestakes/token-manager';
import { forEachWithConcurrency } from './concurrency';
import { selectLatestRevisions, storedRevision } from './revisions';
import {
  budgetWaitMs,
  ContinueLater,
  describeError,
  isTransientStoreFailure,
  JobTakenOver,
  needsNewCredentials,
  outageBackoffMs,
  outageWaitMs,
} from './sync-failures';
import type { SyncJob, SyncJobStore, SyncRun } from './sync-job-store';
import { MAX_DELAY_MS, type SyncQueue } from './sync-queue';
import { toTicketRecord } from './ticket-record';
import type { TicketRepository } from './ticket-repository';

const DAY_MS = 86_400_000;
/** Tickets due for their refresh within this window are checked for `update`. */
export const UPDATE_WINDOW_MS = 7 * DAY_MS;
const DEFAULT_PAGE_SIZE = 100;
/** A safety bound: 100 pages of 100 rows is far more than any company's 28 days. */
const MAX_SEARCH_PAGES = 100;
const DEFAULT_ATTEMPTS_PER_CALL = 4;
/** A run with no deadline (a test, a script) holds the job this long between progress writes. */
const UNBOUNDED_LEASE_MS = 15 * 60_000;
/** Kept on the lease beyond the run's deadline: the last call may still be finishing. */
const LEASE_SLACK_MS = 30_000;
/** Tickets read from the job per fetch batch. */
const FETCH_BATCH = 50;

/** What a sync job runs on; clients and clocks are injected so tests pass fakes. */
export interface SyncJobDependencies {
  /** The layer's token manager (only `makeAuthenticatedRequest` is used). */
  readonly tokens: Pick<TokenManager, 'makeAuthenticatedRequest'>;
  readonly jobs: SyncJobStore;
  readonly repository: Pick<TicketRepository, 'retireReplacedTickets' | 'findUpdateCandidates'>;
  /** Carries the job's continuations (and the fan-out's first messages). */
  readonly queue: SyncQueue;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log: LogSink;
  /** Attempts per upstream call when Bluestakes or the database is down. @default 4 */
  readonly attemptsPerCall?: number;
  /** Tickets fetched at once within one run. @default 4 */
  readonly concurrency?: number;
  /** Search rows per page. @default 100 */
  readonly pageSize?: number;
}

/** One run of a company's job. */
export interface SyncRunOptions {
  /** Epoch ms on the clock after which no upstream call starts; the job then waits for a continuation. */
  readonly deadline?: number;
  /** The continuation chain this run was woken by (from the queue message). */
  readonly wake?: string;
  /** The moment the run judges expiry and the update window by. @default the clock */
  readonly now?: Date;
}

/** The sync job's use cases: run one step of a company's job as far as the budget and deadline allow. */
export interface SyncJobRunner {
  /**
   * Runs the company's job when it may run now, until it is done, its deadline comes, or the budget's
   * next slot is further away than the deadline (then it saves its progress, schedules its own
   * continuation and returns). Rejected credentials park the job. A real fault marks it failed and is
   * thrown (the queue retries it, then dead-letters it).
   *
   * @returns the job as the run left it; undefined when the company never had one
   */
  run(companyId: string, options?: SyncRunOptions): Promise<SyncJob | undefined>;
}

/**
 * Builds the runner of durable ticket sync jobs.
 *
 * @param deps - the layer, the job store, the ticket store, the queue
 */
export function createSyncJobRunner(deps: SyncJobDependencies): SyncJobRunner {
  const { tokens, jobs, repository, queue, log } = deps;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? delay;
  const attemptsPerCall = Math.max(1, deps.attemptsPerCall ?? DEFAULT_ATTEMPTS_PER_CALL);
  const concurrency = Math.max(1, deps.concurrency ?? 4);
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;

  /**
   * One upstream call. A busy budget is waited out while the wait fits the deadline, else the run
   * continues later; outages get a few attempts with backoff; anything else is thrown.
   */
  async function upstream<T>(
    companyId: string,
    deadline: number | undefined,
    request: (api: AuthenticatedBluestakes) => Promise<T>,
  ): Promise<T> {
    const fits = (waitMs: number) => deadline === undefined || clock() + waitMs < deadline;
    for (let attempt = 1; ; ) {
      if (!fits(0)) throw new ContinueLater(0, null);
      try {
        return await tokens.makeAuthenticatedRequest(companyId, request);
      } catch (error) {
        const slotMs = budgetWaitMs(error);
        if (slotMs !== undefined) {
          if (!fits(slotMs)) {
            throw new ContinueLater(slotMs, error instanceof LoginHeldError ? describeError(error) : null);
          }
          await sleep(slotMs);
          continue;
        }
        const backoffMs = outageWaitMs(error, attempt);
        if (backoffMs === undefined || attempt >= attemptsPerCall) throw error;
        if (!fits(backoffMs)) throw new ContinueLater(backoffMs, describeError(error));
        await sleep(backoffMs);
        attempt += 1;
      }
    }
  }

  async function orNotFound<T>(call: Promise<T>, fallback: T): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return fallback;
      throw error;
    }
  }

  function mustHold(written: boolean | undefined): void {
    if (written !== true) throw new JobTakenOver();
  }

  async function search(run: SyncRun, job: SyncJob, deadline: number | undefined): Promise<void> {
    let offset = job.searchOffset;
    for (let pages = job.counters.pages; ; pages += 1) {
      const page = await upstream(run.companyId, deadline, (api) =>
        api.searchTicketsPage({ start: job.windowStart, end: job.windowEnd, offset, limit: pageSize }),
      );
      // Rows the upstream sent: the parsed tickets may be fewer (rows without a number are dropped), and
      // `count` is undocumented (rows on the page, probably), so it only counts up to one page.
      const received = Math.max(page.tickets.length, Math.min(page.count ?? 0, pageSize));
      const pastTotal = page.total !== undefined && offset + pageSize >= page.total;
      const limitReached = pages + 1 >= MAX_SEARCH_PAGES;
      if (limitReached) log.warn('Ticket search stopped at the page limit', { companyId: run.companyId });
      const last = page.tickets.length === 0 || received < pageSize || pastTotal || limitReached;
      const tickets = selectLatestRevisions(page.tickets).map((ticket) => ({
        ticketNumber: ticket.ticket,
        revision: storedRevision(ticket.revision),
      }));
      offset += pageSize;
      mustHold(await jobs.saveSearchPage(run, { tickets, nextOffset: offset, last }));
      if (last) return;
    }
  }

  async function fetchResponses(companyId: string, ticketNumber: string, deadline: number | undefined) {
    // A 404 here means "no responses yet".
    return orNotFound<TicketResponse[]>(
      upstream(companyId, deadline, (api) => api.getTicketResponses(ticketNumber)),
      [],
    );
  }

  async function fetchTickets(run: SyncRun, deadline: number | undefined, now: Date): Promise<void> {
    for (;;) {
      const pending = await jobs.pendingTickets(run, FETCH_BATCH);
      if (pending.length === 0) return;
      await forEachWithConcurrency(
        pending,
        concurrency,
        () => true,
        async (ticket) => {
          if (ticket.work === 'responses') {
            const responses = await fetchResponses(run.companyId, ticket.ticketNumber, deadline);
            mustHold(await jobs.completeResponses(run, { ticketNumber: ticket.ticketNumber, responses }, 1));
            return;
          }
          const detail = await orNotFound(
            upstream(run.companyId, deadline, (api) => api.getTicket(ticket.ticketNumber)),
            undefined,
          );
          if (detail === undefined) {
            mustHold(await jobs.skipTicket(run, ticket.ticketNumber, 1));
            return;
          }
          let responses: TicketResponse[];
          try {
            responses = await fetchResponses(run.companyId, ticket.ticketNumber, deadline);
          } catch (error) {
            // The detail is not fetched twice: stored now, only its responses are left for the next run.
            if (error instanceof ContinueLater) {
              const partial = toTicketRecord(run.companyId, detail, undefined);
              mustHold((await jobs.completeTicket(run, partial, { calls: 1, now })) !== undefined);
            }
            throw error;
          }
          const record = toTicketRecord(run.companyId, detail, responses);
          mustHold((await jobs.completeTicket(run, record, { calls: 2, now })) !== undefined);
        },
      );
    }
  }

  async function checkUpdatable(run: SyncRun, job: SyncJob, deadline: number | undefined, now: Date) {
    const checked = new Set(job.checkedTickets);
    const candidates = await repository.findUpdateCandidates(run.companyId, {
      from: now,
      to: new Date(now.getTime() + UPDATE_WINDOW_MS),
    });
    for (const candidate of candidates) {
      if (checked.has(candidate.ticketNumber)) continue;
      const functions = await orNotFound(
        upstream(run.companyId, deadline, (api) => api.getSecondaryFunctions(candidate.ticketNumber)),
        undefined,
      );
      // As the original job did: an unknown ticket cannot be updated.
      const updatable = functions?.update === true;
      mustHold(await jobs.recordCheck(run, { ...candidate, updatable }));
    }
  }

  async function steps(run: SyncRun, job: SyncJob, options: SyncRunOptions): Promise<void> {
    const { deadline } = options;
    const now = options.now ?? new Date(clock());
    if (job.step === 'search') await search(run, job, deadline);
    if (job.step === 'search' || job.step === 'plan') mustHold(await jobs.plan(run));
    if (['search', 'plan', 'fetch'].includes(job.step)) {
      await fetchTickets(run, deadline, now);
      const retired = await repository.retireReplacedTickets(run.companyId);
      mustHold(await jobs.advance(run, 'check', { retired: retired.length }));
    } else if (job.step === 'retire') {
      const retired = await repository.retireReplacedTickets(run.companyId);
      mustHold(await jobs.advance(run, 'check', { retired: retired.length }));
    }
    await checkUpdatable(run, job, deadline, now);
    mustHold(await jobs.finish(run));
  }

  /** The steps, picked up again from the stored progress after a transient store failure. */
  async function resumable(run: SyncRun, job: SyncJob, options: SyncRunOptions): Promise<void> {
    let current = job;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await steps(run, current, options);
        return;
      } catch (error) {
        const backoffMs = outageBackoffMs(attempt);
        const fits = options.deadline === undefined || clock() + backoffMs < options.deadline;
        if (!isTransientStoreFailure(error) || attempt >= attemptsPerCall || !fits) throw error;
        log.warn('Ticket sync job resumes after a store failure', { companyId: run.companyId, attempt });
        await sleep(backoffMs);
        const stored = await jobs.find(run.companyId);
        if (stored?.runId !== run.runId) throw new JobTakenOver();
        current = stored;
      }
    }
  }

  async function continueChain(job: SyncJob, wake: string | undefined): Promise<void> {
    // A continuation that arrived before its job is due (a wait longer than one message delay): pass
    // it on. Messages of no chain (duplicates, the schedule) leave a waiting job to its chain.
    if (job.state !== 'waiting' || wake === undefined || job.wakeId !== wake) return;
    const remainingMs = job.nextRunInMs ?? 0;
    if (remainingMs <= 0) return;
    await queue.enqueue([{ company_id: job.companyId, days_back: job.daysBack, wake }], {
      delayMs: Math.min(remainingMs, MAX_DELAY_MS),
    });
  }

  return {
    async run(companyId, options = {}) {
      const runId = randomUUID();
      const leaseMs =
        options.deadline === undefined
          ? UNBOUNDED_LEASE_MS
          : Math.max(0, options.deadline - clock()) + LEASE_SLACK_MS;
      const { claimed, job } = await jobs.claim(companyId, { runId, leaseMs });
      if (job === undefined) return undefined;
      if (!claimed) {
        await continueChain(job, options.wake);
        return job;
      }
      const run: SyncRun = { companyId, generation: job.generation, runId };
      try {
        await resumable(run, job, options);
        log.info('Ticket sync job done', { companyId });
      } catch (error) {
        if (error instanceof ContinueLater) {
          const wakeId = randomUUID();
          if (await jobs.wait(run, { delayMs: error.waitMs, wakeId, reason: error.reason })) {
            await queue.enqueue([{ company_id: companyId, days_back: job.daysBack, wake: wakeId }], {
              delayMs: Math.min(error.waitMs, MAX_DELAY_MS),
            });
            log.info('Ticket sync job continues later', { companyId, waitMs: error.waitMs });
          }
        } else if (needsNewCredentials(error)) {
          await jobs.park(run, describeError(error));
          log.warn('Ticket sync job parked until the credentials change', {
            companyId,
            error: describeError(error),
          });
        } else if (error instanceof CompanyDisabledError || error instanceof CompanyNotFoundError) {
          // Disabled or deleted while queued or running: nothing a retry can do, so no dead letter.
          await jobs.park(run, describeError(error)).catch(() => false);
          log.info('Ticket sync job stopped: the company is disabled or gone', {
            companyId,
            code: error.code,
          });
        } else if (!(error instanceof JobTakenOver)) {
          await jobs.fail(run, describeError(error)).catch(() => false);
          throw error;
        }
      }
      return jobs.find(companyId);
    },
  };
}
