import type { TicketResponse } from '@bluestakes/token-manager';
import type { TicketRecord } from './ticket-record';
import type { UpsertOutcome } from './ticket-repository';

/** Where a company's sync job is; `queued`, `running` and `waiting` are live. */
export type SyncJobState = 'queued' | 'running' | 'waiting' | 'done' | 'failed' | 'parked';

/** The step a job resumes at. */
export type SyncJobStep = 'search' | 'plan' | 'fetch' | 'retire' | 'check' | 'finish';

/** A job's counters, all of tickets except `pages` and `upstreamCalls`. */
export interface SyncJobCounters {
  readonly pages: number;
  readonly upstreamCalls: number;
  readonly fetched: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly retired: number;
  readonly checked: number;
  readonly updatable: number;
}

/** A company's sync job as stored, with the progress of its tickets. */
export interface SyncJob {
  readonly companyId: string;
  readonly generation: string;
  readonly state: SyncJobState;
  readonly step: SyncJobStep;
  readonly daysBack: number;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly searchOffset: number;
  readonly checkedTickets: readonly string[];
  readonly counters: SyncJobCounters;
  readonly ticketsFound: number;
  readonly ticketsDone: number;
  readonly ticketsRemaining: number;
  readonly runId: string | null;
  readonly wakeId: string | null;
  readonly nextRunAt: Date | null;
  readonly lastError: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  /** Milliseconds until `next_run_at` by the database clock (negative when past); null when none. */
  readonly nextRunInMs: number | null;
}

/** What a sync request found: the job, whether it is new, and whether a message must be sent for it. */
export interface SyncJobRequest {
  readonly job: SyncJob;
  /** A new job was started (none was live). */
  readonly created: boolean;
  /** Nothing will run the job unless a message is sent: new, or live but stalled (a message was lost). */
  readonly needsMessage: boolean;
}

/** The run holding a job: every progress write is fenced by it, so a run that lost the job writes nothing. */
export interface SyncRun {
  readonly companyId: string;
  readonly generation: string;
  readonly runId: string;
}

/** A ticket the fetch step works on. */
export interface PendingTicket {
  readonly ticketNumber: string;
  readonly revision: number;
  /** `detail`: detail and responses; `responses`: the responses only (same revision stored). */
  readonly work: 'detail' | 'responses';
}

/** What one search page found: trimmed numbers at their highest revision on the page. */
export interface FoundTicket {
  readonly ticketNumber: string;
  readonly revision: number;
}

/**
 * The durable sync jobs (`ticket_sync_jobs`, `ticket_sync_job_tickets`). Every write that records
 * progress takes the run and returns false when the run no longer holds the job.
 */
export interface SyncJobStore {
  /**
   * Joins the company's live job, or starts a new one when none is live (done, failed, never run) or
   * the job is parked and the credentials changed since. A new job searches `daysBack` days up to
   * `windowEnd` (the database's now by default), whichever run carries it on.
   *
   * @throws CompanyNotFoundError when the company does not exist
   * @throws CredentialsNotFoundError when no credentials are stored for it
   */
  request(
    companyId: string,
    options: { readonly daysBack: number; readonly windowEnd?: Date },
  ): Promise<SyncJobRequest>;
  /** The company's job, or undefined when it never had one. */
  find(companyId: string): Promise<SyncJob | undefined>;
  /**
   * Takes the job for one run when it may run now (queued, failed, waiting and due, or running with an
   * expired lease). Otherwise the job as it is, not claimed.
   */
  claim(
    companyId: string,
    run: { readonly runId: string; readonly leaseMs: number },
  ): Promise<{ readonly claimed: boolean; readonly job: SyncJob | undefined }>;
  /** Records one search page: its tickets, the next offset and whether the search is complete. */
  saveSearchPage(
    run: SyncRun,
    page: { readonly tickets: readonly FoundTicket[]; readonly nextOffset: number; readonly last: boolean },
  ): Promise<boolean>;
  /**
   * Compares what the search found with the store: a ticket needs its detail when it is not stored or
   * stored at a lower revision, its responses only when stored at the same revision and member
   * responses are still awaited, and nothing otherwise.
   */
  plan(run: SyncRun): Promise<boolean>;
  /** The job's tickets still to fetch: detail first, then responses. */
  pendingTickets(run: SyncRun, limit: number): Promise<PendingTicket[]>;
  /**
   * Stores a fetched ticket and marks it done, in one statement (a cut in between cannot lose or
   * repeat it). A record without responses is marked as still needing them.
   */
  completeTicket(
    run: SyncRun,
    record: TicketRecord,
    options: { readonly calls: number; readonly now: Date },
  ): Promise<UpsertOutcome | undefined>;
  /** Stores refreshed responses of a ticket stored at the same revision and marks it done. */
  completeResponses(
    run: SyncRun,
    ticket: { readonly ticketNumber: string; readonly responses: readonly TicketResponse[] },
    calls: number,
  ): Promise<boolean>;
  /** Marks a ticket gone upstream (detail 404) as skipped. */
  skipTicket(run: SyncRun, ticketNumber: string, calls: number): Promise<boolean>;
  /** Moves the job to `step`, adding `retired` to its counter. */
  advance(run: SyncRun, step: SyncJobStep, added?: { readonly retired?: number }): Promise<boolean>;
  /** Records a `/secondary-functions` answer; an updateable ticket is recorded in `updatable_tickets` too. */
  recordCheck(
    run: SyncRun,
    check: { readonly ticketNumber: string; readonly replaceByDate: Date; readonly updatable: boolean },
  ): Promise<boolean>;
  /** Done: `finished_at` set, the run released. */
  finish(run: SyncRun): Promise<boolean>;
  /** Waiting for the upstream budget: runs again at `next_run_at`, woken by the `wakeId` message chain. */
  wait(
    run: SyncRun,
    wake: { readonly delayMs: number; readonly wakeId: string; readonly reason: string | null },
  ): Promise<boolean>;
  /** Parked until the credentials change (rejected or missing): no run logs in again before that. */
  park(run: SyncRun, reason: string): Promise<boolean>;
  /** Failed with a real fault: the message goes back to the queue, and to the dead-letter queue in the end. */
  fail(run: SyncRun, reason: string): Promise<boolean>;
}
