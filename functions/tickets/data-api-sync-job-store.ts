import { CompanyNotFoundError, CredentialsNotFoundError } from '@bluestakes/token-manager';
import {
  parseDataApiTimestamp,
  type ResultValue,
  type Row,
  type SqlExecutor,
  type SqlParams,
  sqlJson,
} from '@bluestakes/token-manager/internal';
import type {
  FoundTicket,
  PendingTicket,
  SyncJob,
  SyncJobState,
  SyncJobStep,
  SyncJobStore,
  SyncRun,
} from './sync-job-store';
import { UPSERT_SQL, upsertOutcome, upsertParams } from './ticket-upsert';

const COMPANY = 'CAST(:companyId AS bigint)';
/** The statements that record progress apply only while the run holds the job. */
const FENCE = `company_id = ${COMPANY} AND generation = CAST(:generation AS bigint) AND run_id = :runId`;
/** A live job untouched this long has lost its message (a failed send): a new request sends one again. */
const STALLED_AFTER_SECONDS = 900;
/** Job ticket rows read per fetch batch. */
const MAX_PENDING = 200;

const JOB_COLUMNS = `
  j.company_id, j.generation, j.state, j.step, j.days_back, j.window_start, j.window_end, j.search_offset,
  j.checked_tickets, j.pages, j.upstream_calls, j.fetched, j.inserted, j.updated, j.unchanged, j.skipped,
  j.retired, j.checked, j.updatable, j.run_id, j.wake_id, j.next_run_at, j.last_error, j.started_at,
  j.finished_at,
  CAST(round(extract(epoch FROM (j.next_run_at - now())) * 1000) AS bigint) AS next_run_in_ms,
  (SELECT count(*) FROM ticket_sync_job_tickets AS i
   WHERE i.company_id = j.company_id AND i.generation = j.generation) AS tickets_found,
  (SELECT count(*) FROM ticket_sync_job_tickets AS i
   WHERE i.company_id = j.company_id AND i.generation = j.generation AND i.work = 'done') AS tickets_done,
  (SELECT count(*) FROM ticket_sync_job_tickets AS i
   WHERE i.company_id = j.company_id AND i.generation = j.generation
     AND i.work IN ('plan', 'detail', 'responses')) AS tickets_remaining`;

const FIND_SQL = `SELECT ${JOB_COLUMNS} FROM ticket_sync_jobs AS j WHERE j.company_id = ${COMPANY}`;

/** A fresh job's columns; the same list starts a job the first time and restarts it later. */
const NEW_JOB_VALUES = `
  state = 'queued', step = 'search', days_back = EXCLUDED.days_back, window_start = EXCLUDED.window_start,
  window_end = EXCLUDED.window_end, search_offset = 0, pages = 0, checked_tickets = '[]'::jsonb,
  upstream_calls = 0, fetched = 0, inserted = 0, updated = 0, unchanged = 0, skipped = 0, retired = 0,
  checked = 0, updatable = 0, run_id = NULL, run_until = NULL, wake_id = NULL, next_run_at = NULL,
  last_error = NULL, credentials_version = EXCLUDED.credentials_version, started_at = now(),
  finished_at = NULL, updated_at = now()`;

const REQUEST_SQL = `
INSERT INTO ticket_sync_jobs AS j (company_id, state, days_back, window_start, window_end, credentials_version)
SELECT c.id, 'queued', CAST(:daysBack AS integer),
       COALESCE(CAST(:windowEnd AS timestamptz), now()) - make_interval(days => CAST(:daysBack AS integer)),
       COALESCE(CAST(:windowEnd AS timestamptz), now()), c.credentials_version
FROM companies AS c WHERE c.id = ${COMPANY}
ON CONFLICT (company_id) DO UPDATE SET generation = j.generation + 1, ${NEW_JOB_VALUES}
WHERE j.state IN ('done', 'failed')
   OR (j.state = 'parked' AND j.credentials_version <> EXCLUDED.credentials_version)
RETURNING j.generation`;

const STALLED_SQL = `
UPDATE ticket_sync_jobs SET updated_at = now()
WHERE company_id = ${COMPANY} AND (
  (state = 'queued' AND updated_at < now() - make_interval(secs => ${STALLED_AFTER_SECONDS}))
  OR (state = 'waiting' AND next_run_at < now() - make_interval(secs => ${STALLED_AFTER_SECONDS}))
  OR (state = 'running' AND run_until < now()))
RETURNING company_id`;

const CLAIM_SQL = `
UPDATE ticket_sync_jobs
SET state = 'running', run_id = :runId, run_until = now() + make_interval(secs => CAST(:leaseSeconds AS double precision)),
    wake_id = NULL, next_run_at = NULL, updated_at = now()
WHERE company_id = ${COMPANY} AND (
  state IN ('queued', 'failed')
  OR (state = 'waiting' AND next_run_at <= now())
  OR (state = 'running' AND run_until < now()))
RETURNING company_id`;

const SAVE_PAGE_SQL = `
WITH found AS (
  INSERT INTO ticket_sync_job_tickets AS i (company_id, ticket_number, generation, revision)
  SELECT ${COMPANY}, f.ticket_number, CAST(:generation AS bigint), f.revision
  FROM jsonb_to_recordset(CAST(:tickets AS jsonb)) AS f(ticket_number text, revision bigint)
  WHERE EXISTS (SELECT 1 FROM ticket_sync_jobs WHERE ${FENCE})
  ON CONFLICT (company_id, ticket_number) DO UPDATE
  SET revision = CASE WHEN i.generation = EXCLUDED.generation THEN GREATEST(i.revision, EXCLUDED.revision)
                      ELSE EXCLUDED.revision END,
      work = 'plan', generation = EXCLUDED.generation
)
UPDATE ticket_sync_jobs
SET search_offset = CAST(:nextOffset AS integer), pages = pages + 1, upstream_calls = upstream_calls + 1,
    step = CASE WHEN :last THEN 'plan' ELSE 'search' END, updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

/**
 * Member responses arrive over time without a new revision: a ticket
 * stored at the found revision is asked for its responses again only while it is live and some of
 * its members have not answered. Everything else about it only changes with a new revision.
 */
const AWAITING_RESPONSES = `
  (t.expires IS NULL OR t.expires > now())
  AND jsonb_array_length(t.responses) < CASE jsonb_typeof(t.raw -> 'members')
    WHEN 'array' THEN jsonb_array_length(t.raw -> 'members') ELSE 0 END`;

const PLAN_SQL = `
WITH fenced AS (SELECT 1 FROM ticket_sync_jobs WHERE ${FENCE}),
planned AS (
  SELECT i.ticket_number,
    CASE
      WHEN t.ticket_number IS NULL THEN 'detail'
      -- Another company's ticket: the upsert would never write it, so it is not fetched.
      WHEN t.company_id <> i.company_id THEN 'done'
      WHEN t.revision < i.revision THEN 'detail'
      WHEN t.revision = i.revision AND ${AWAITING_RESPONSES} THEN 'responses'
      ELSE 'done'
    END AS work,
    t.ticket_number IS NOT NULL AND t.company_id = i.company_id AND t.revision >= i.revision AS current
  FROM ticket_sync_job_tickets AS i
  LEFT JOIN project_tickets AS t ON t.ticket_number = i.ticket_number
  WHERE i.company_id = ${COMPANY} AND i.generation = CAST(:generation AS bigint) AND i.work = 'plan'
    AND EXISTS (SELECT 1 FROM fenced)
),
marked AS (
  UPDATE ticket_sync_job_tickets AS i SET work = p.work
  FROM planned AS p
  WHERE i.company_id = ${COMPANY} AND i.ticket_number = p.ticket_number
),
-- The search just confirmed these rows are current: the location lookup may serve them as fresh.
confirmed AS (
  UPDATE project_tickets AS t SET synced_at = now()
  FROM planned AS p
  WHERE t.ticket_number = p.ticket_number AND t.company_id = ${COMPANY} AND p.current AND p.work = 'done'
)
UPDATE ticket_sync_jobs
SET step = 'fetch', unchanged = unchanged + (SELECT count(*) FROM planned WHERE current AND work = 'done'),
    updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

const PENDING_SQL = `
SELECT i.ticket_number, i.revision, i.work
FROM ticket_sync_job_tickets AS i
WHERE i.company_id = ${COMPANY} AND i.generation = CAST(:generation AS bigint)
  AND i.work IN ('detail', 'responses')
  AND EXISTS (SELECT 1 FROM ticket_sync_jobs WHERE ${FENCE})
ORDER BY i.work = 'responses', i.ticket_number
LIMIT CAST(:limit AS integer)`;

const MARK_TICKET = (work: string) => `
marked AS (
  UPDATE ticket_sync_job_tickets SET work = ${work}
  WHERE company_id = ${COMPANY} AND ticket_number = :ticketNumber AND generation = CAST(:generation AS bigint)
    AND EXISTS (SELECT 1 FROM ticket_sync_jobs WHERE ${FENCE})
)`;

const COMPLETE_TICKET_SQL = `
WITH stored AS (${UPSERT_SQL}),
${MARK_TICKET(':work')},
job AS (
  UPDATE ticket_sync_jobs
  SET upstream_calls = upstream_calls + CAST(:calls AS integer), fetched = fetched + 1,
      inserted = inserted + (SELECT count(*) FROM stored WHERE inserted),
      updated = updated + (SELECT count(*) FROM stored WHERE NOT inserted AND changed),
      unchanged = unchanged + 1 - (SELECT count(*) FROM stored WHERE inserted OR changed),
      updated_at = now()
  WHERE ${FENCE}
  RETURNING company_id
)
SELECT (SELECT count(*) FROM job) AS fenced, s.inserted, s.changed
FROM (SELECT 1) AS one LEFT JOIN stored AS s ON TRUE`;

const COMPLETE_RESPONSES_SQL = `
WITH stored AS (
  UPDATE project_tickets
  SET responses = CAST(:responses AS jsonb), synced_at = now(), updated_at = now()
  WHERE ticket_number = :ticketNumber AND company_id = ${COMPANY}
    AND responses IS DISTINCT FROM CAST(:responses AS jsonb)
  RETURNING ticket_number
),
${MARK_TICKET("'done'")}
UPDATE ticket_sync_jobs
SET upstream_calls = upstream_calls + CAST(:calls AS integer),
    updated = updated + (SELECT count(*) FROM stored),
    unchanged = unchanged + 1 - (SELECT count(*) FROM stored), updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

const SKIP_TICKET_SQL = `
WITH ${MARK_TICKET("'skipped'")}
UPDATE ticket_sync_jobs
SET upstream_calls = upstream_calls + CAST(:calls AS integer), skipped = skipped + 1, updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

const ADVANCE_SQL = `
UPDATE ticket_sync_jobs
SET step = :step, retired = retired + CAST(:retired AS integer), updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

const RECORD_CHECK_SQL = `
WITH fenced AS (SELECT 1 FROM ticket_sync_jobs WHERE ${FENCE}),
recorded AS (
  INSERT INTO updatable_tickets (company_id, ticket_number, replace_by_date)
  SELECT ${COMPANY}, :ticketNumber, CAST(:replaceByDate AS timestamptz)
  WHERE :updatable AND EXISTS (SELECT 1 FROM fenced)
  ON CONFLICT (company_id, ticket_number) DO NOTHING
  RETURNING ticket_number
)
UPDATE ticket_sync_jobs
SET checked_tickets = checked_tickets || jsonb_build_array(CAST(:ticketNumber AS text)),
    checked = checked + 1, upstream_calls = upstream_calls + 1,
    updatable = updatable + (SELECT count(*) FROM recorded), updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

const FINISH_SQL = `
UPDATE ticket_sync_jobs
SET state = 'done', step = 'finish', run_id = NULL, run_until = NULL, last_error = NULL,
    finished_at = now(), updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

const WAIT_SQL = `
UPDATE ticket_sync_jobs
SET state = 'waiting', run_id = NULL, run_until = NULL, wake_id = :wakeId,
    next_run_at = now() + make_interval(secs => CAST(:delaySeconds AS double precision)),
    last_error = :reason, updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

const PARK_SQL = `
UPDATE ticket_sync_jobs
SET state = 'parked', run_id = NULL, run_until = NULL, last_error = :reason, updated_at = now(),
    credentials_version = (SELECT c.credentials_version FROM companies AS c WHERE c.id = ${COMPANY})
WHERE ${FENCE}
RETURNING company_id`;

const FAIL_SQL = `
UPDATE ticket_sync_jobs
SET state = 'failed', run_id = NULL, run_until = NULL, last_error = :reason, updated_at = now()
WHERE ${FENCE}
RETURNING company_id`;

function time(value: ResultValue | undefined): Date | null {
  return typeof value === 'string' ? parseDataApiTimestamp(value) : null;
}

function count(value: ResultValue | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

function textOrNull(value: ResultValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

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
    daysBack: count(row.days_back),
    windowStart: time(row.window_start) ?? new Date(0),
    windowEnd: time(row.window_end) ?? new Date(0),
    searchOffset: count(row.search_offset),
    checkedTickets: checkedList(row.checked_tickets),
    counters: {
      pages: count(row.pages),
      upstreamCalls: count(row.upstream_calls),
      fetched: count(row.fetched),
      inserted: count(row.inserted),
      updated: count(row.updated),
      unchanged: count(row.unchanged),
      skipped: count(row.skipped),
      retired: count(row.retired),
      checked: count(row.checked),
      updatable: count(row.updatable),
    },
    ticketsFound: count(row.tickets_found),
    ticketsDone: count(row.tickets_done),
    ticketsRemaining: count(row.tickets_remaining),
    runId: textOrNull(row.run_id),
    wakeId: textOrNull(row.wake_id),
    nextRunAt: time(row.next_run_at),
    lastError: textOrNull(row.last_error),
    startedAt: time(row.started_at) ?? new Date(0),
    finishedAt: time(row.finished_at),
    nextRunInMs:
      row.next_run_in_ms === null || row.next_run_in_ms === undefined ? null : Number(row.next_run_in_ms),
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
      if (count(company.credentials_version) === 0) throw new CredentialsNotFoundError(companyId);
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
      if (row === undefined || count(row.fenced) === 0) return undefined;
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
