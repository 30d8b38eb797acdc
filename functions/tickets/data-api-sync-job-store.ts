import { CompanyNotFoundError, CredentialsNotFoundError } from '@bluestakes/token-manager';
import {
  numberOrNull,
  numberOrZero,
  type ResultValue,
  type Row,
  type SqlExecutor,
  type SqlParams,
  sqlJson,
  textOrNull,
  timeOrNull,
} from '@bluestakes/token-manager/internal';
import {
  ADVANCE_SQL,
  CLAIM_SQL,
  COMPANY,
  COMPLETE_RESPONSES_SQL,
  COMPLETE_TICKET_SQL,
  FAIL_SQL,
  FIND_SQL,
  FINISH_SQL,
  PARK_SQL,
  PENDING_SQL,
  PLAN_SQL,
  RECORD_CHECK_SQL,
  REQUEST_SQL,
  SAVE_PAGE_SQL,
  SKIP_TICKET_SQL,
  STALLED_SQL,
  WAIT_SQL,
} from './data-api-sync-job-sql';
import type {
  FoundTicket,
  PendingTicket,
  SyncJob,
  SyncJobState,
  SyncJobStep,
  SyncJobStore,
  SyncRun,
} from './sync-job-store';
import { upsertOutcome, upsertParams } from './ticket-upsert';

/** Job ticket rows read per fetch batch. */
const MAX_PENDING = 200;

function checkedList(value: ResultValue | undefined): string[] {
  if (typeof value !== 'string') return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

function toJob(row: Row): SyncJob {
  return {
    companyId: String(row.company_id),
    generation: String(row.generation),
    state: String(row.state) as SyncJobState,
    step: String(row.step) as SyncJobStep,
    daysBack: numberOrZero(row.days_back),
    windowStart: timeOrNull(row.window_start) ?? new Date(0),
    windowEnd: timeOrNull(row.window_end) ?? new Date(0),
    searchOffset: numberOrZero(row.search_offset),
    checkedTickets: checkedList(row.checked_tickets),
    counters: {
      pages: numberOrZero(row.pages),
      upstreamCalls: numberOrZero(row.upstream_calls),
      fetched: numberOrZero(row.fetched),
      inserted: numberOrZero(row.inserted),
      updated: numberOrZero(row.updated),
      unchanged: numberOrZero(row.unchanged),
      skipped: numberOrZero(row.skipped),
      retired: numberOrZero(row.retired),
      checked: numberOrZero(row.checked),
      updatable: numberOrZero(row.updatable),
    },
    ticketsFound: numberOrZero(row.tickets_found),
    ticketsDone: numberOrZero(row.tickets_done),
    ticketsRemaining: numberOrZero(row.tickets_remaining),
    runId: textOrNull(row.run_id),
    wakeId: textOrNull(row.wake_id),
    nextRunAt: timeOrNull(row.next_run_at),
    lastError: textOrNull(row.last_error),
    startedAt: timeOrNull(row.started_at) ?? new Date(0),
    finishedAt: timeOrNull(row.finished_at),
    nextRunInMs: numberOrNull(row.next_run_in_ms),
  };
}

/**
 * The sync jobs over the RDS Data API. Each progress write is one statement fenced by the run (the
 * job's `run_id` and generation), so a run that lost the job (its lease expired and another took it)
 * changes nothing; storing a ticket and marking it done is one statement, so a cut between the two
 * cannot happen.
 *
 * @param executor - the layer's Data API executor
 */
export function createDataApiSyncJobStore(executor: SqlExecutor): SyncJobStore {
  const rows = async (sql: string, params: SqlParams) =>
    (await executor.execute(sql, params, { idempotent: true })).rows;
  const fenced = async (sql: string, run: SyncRun, params: SqlParams = {}) =>
    (await rows(sql, { companyId: run.companyId, generation: run.generation, runId: run.runId, ...params }))
      .length > 0;

  async function find(companyId: string): Promise<SyncJob | undefined> {
    const [row] = await rows(FIND_SQL, { companyId });
    return row === undefined ? undefined : toJob(row);
  }

  return {
    async request(companyId, { daysBack, windowEnd }) {
      const [company] = await rows(`SELECT credentials_version FROM companies WHERE id = ${COMPANY}`, {
        companyId,
      });
      if (company === undefined) throw new CompanyNotFoundError(companyId);
      if (numberOrZero(company.credentials_version) === 0) throw new CredentialsNotFoundError(companyId);
      // Not idempotent: a retried applied restart would start a second new job.
      const { rows: started } = await executor.execute(REQUEST_SQL, {
        companyId,
        daysBack,
        windowEnd: windowEnd ?? null,
      });
      const created = started.length > 0;
      if (created) {
        // What an earlier job found and the new one does not find again.
        await rows(
          `DELETE FROM ticket_sync_job_tickets
           WHERE company_id = ${COMPANY} AND generation < CAST(:generation AS bigint)`,
          { companyId, generation: String(started[0]?.generation) },
        );
      }
      const stalled = !created && (await rows(STALLED_SQL, { companyId })).length > 0;
      const job = await find(companyId);
      if (job === undefined) throw new CompanyNotFoundError(companyId);
      return { job, created, needsMessage: created || stalled };
    },

    find,

    async claim(companyId, { runId, leaseMs }) {
      const { rows: claimed } = await executor.execute(CLAIM_SQL, {
        companyId,
        runId,
        leaseSeconds: Math.max(1, leaseMs) / 1000,
      });
      return { claimed: claimed.length > 0, job: await find(companyId) };
    },

    saveSearchPage: (run, page: { tickets: readonly FoundTicket[]; nextOffset: number; last: boolean }) =>
      fenced(SAVE_PAGE_SQL, run, {
        tickets: sqlJson(
          page.tickets.map((ticket) => ({ ticket_number: ticket.ticketNumber, revision: ticket.revision })),
        ),
        nextOffset: page.nextOffset,
        last: page.last,
      }),

    plan: (run) => fenced(PLAN_SQL, run),

    async pendingTickets(run, limit): Promise<PendingTicket[]> {
      const found = await rows(PENDING_SQL, {
        companyId: run.companyId,
        generation: run.generation,
        runId: run.runId,
        limit: Math.min(limit, MAX_PENDING),
      });
      return found.map((row) => ({
        ticketNumber: String(row.ticket_number),
        revision: Number(row.revision),
        work: row.work === 'responses' ? 'responses' : 'detail',
      }));
    },

    async completeTicket(run, record, { calls, now }) {
      const [row] = await rows(COMPLETE_TICKET_SQL, {
        ...upsertParams(record, { now }),
        companyId: run.companyId,
        generation: run.generation,
        runId: run.runId,
        calls,
        // Stored without responses (the budget ran out between the two calls): only those are left.
        work: record.responses === undefined ? 'responses' : 'done',
      });
      if (row === undefined || numberOrZero(row.fenced) === 0) return undefined;
      return upsertOutcome(row.inserted === null ? undefined : row);
    },

    completeResponses: (run, ticket, calls) =>
      fenced(COMPLETE_RESPONSES_SQL, run, {
        ticketNumber: ticket.ticketNumber,
        responses: sqlJson(ticket.responses),
        calls,
      }),

    skipTicket: (run, ticketNumber, calls) => fenced(SKIP_TICKET_SQL, run, { ticketNumber, calls }),

    advance: (run, step, added = {}) => fenced(ADVANCE_SQL, run, { step, retired: added.retired ?? 0 }),

    recordCheck: (run, check) =>
      fenced(RECORD_CHECK_SQL, run, {
        ticketNumber: check.ticketNumber,
        replaceByDate: check.replaceByDate,
        updatable: check.updatable,
      }),

    finish: (run) => fenced(FINISH_SQL, run),

    wait: (run, wake) =>
      fenced(WAIT_SQL, run, {
        wakeId: wake.wakeId,
        delaySeconds: Math.max(0, wake.delayMs) / 1000,
        reason: wake.reason,
      }),

    park: (run, reason) => fenced(PARK_SQL, run, { reason }),

    fail: (run, reason) => fenced(FAIL_SQL, run, { reason }),
  };
}
