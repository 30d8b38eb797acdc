import type { GeoJsonObject } from '@bluestakes/token-manager';
import { formatTicketLocation } from './location';
import type { SyncJob, SyncJobState } from './sync-job-store';
import type { StoredTicketLocation, TicketRepository, UpdatableTicket } from './ticket-repository';

/** A company's sync job as the routes answer it (`GET /tickets/sync/{company_id}`, `POST /tickets/sync`). */
export interface TicketSyncStatus {
  readonly company_id: string;
  readonly state: SyncJobState;
  /** The job finished: everything the search found is stored and the updateable check is done. */
  readonly complete: boolean;
  /** Distinct tickets the search found so far (highest revision each). */
  readonly tickets_found: number;
  /** Of those, stored at the found revision (fetched now or already stored). */
  readonly tickets_stored: number;
  /** Of those, still to fetch (or not yet compared with the store). */
  readonly tickets_remaining: number;
  readonly upstream_calls: number;
  readonly started_at: string;
  /** When a waiting job runs again. */
  readonly next_run_at: string | null;
  readonly finished_at: string | null;
  /** Why the job is failed or parked (or backing off); null otherwise. */
  readonly last_error: string | null;
  readonly pages: number;
  /** Tickets whose detail was fetched. */
  readonly fetched: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Listed by the search but gone when fetched (404). */
  readonly skipped: number;
  /** Stored tickets set `is_continue_update = false` because a stored ticket replaces them. */
  readonly retired: number;
  /** Tickets asked about with `/secondary-functions`. */
  readonly checked: number;
  /** Tickets newly recorded as updateable. */
  readonly updatable: number;
}

/** A ticket's location as the location route answers it. */
export interface TicketLocation {
  readonly company_id: string;
  readonly ticket: string;
  readonly revision: number;
  /** The one-line text, see `formatTicketLocation`. */
  readonly location: string;
  /** The caller's free-text directions (`location` upstream). */
  readonly location_description: string | null;
  readonly place: string | null;
  readonly county: string | null;
  readonly state: string | null;
  readonly zip: string | null;
  readonly work_area: GeoJsonObject | null;
  /** When the data was last fetched from (or confirmed by) Bluestakes (ISO-8601). */
  readonly synced_at: string;
  /** `stored`: served from the database; `bluestakes`: fetched now (and stored). */
  readonly source: 'stored' | 'bluestakes';
  /** Older than the route's maximum age: Bluestakes could not be asked now (budget busy or down). */
  readonly stale: boolean;
}

/** An updateable ticket as the listing route answers it. */
export interface UpdatableTicketView {
  readonly ticket: string;
  readonly replace_by_date: string | null;
  readonly found_at: string;
  readonly legal_date: string | null;
  readonly expires: string | null;
  /** The stored ticket's flag; null when the ticket row is gone. */
  readonly is_continue_update: boolean | null;
  readonly location: string;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/** The status view of a job. */
export function toSyncStatus(job: SyncJob): TicketSyncStatus {
  const { counters } = job;
  return {
    company_id: job.companyId,
    state: job.state,
    complete: job.state === 'done',
    tickets_found: job.ticketsFound,
    tickets_stored: job.ticketsDone,
    tickets_remaining: job.ticketsRemaining,
    upstream_calls: counters.upstreamCalls,
    started_at: job.startedAt.toISOString(),
    next_run_at: job.state === 'waiting' ? iso(job.nextRunAt) : null,
    finished_at: iso(job.finishedAt),
    last_error: job.lastError,
    pages: counters.pages,
    fetched: counters.fetched,
    inserted: counters.inserted,
    updated: counters.updated,
    unchanged: counters.unchanged,
    skipped: counters.skipped,
    retired: counters.retired,
    checked: counters.checked,
    updatable: counters.updatable,
  };
}

/** The location view of a stored ticket. */
export function toLocationView(
  stored: StoredTicketLocation,
  served: { readonly source: 'stored' | 'bluestakes'; readonly stale: boolean },
): TicketLocation {
  return {
    company_id: stored.companyId,
    ticket: stored.ticketNumber,
    revision: stored.revision,
    location: formatTicketLocation(stored),
    location_description: stored.locationDescription,
    place: stored.place,
    county: stored.county,
    state: stored.state,
    zip: stored.zip,
    work_area: stored.workArea,
    synced_at: stored.syncedAt.toISOString(),
    ...served,
  };
}

function toUpdatableView(entry: UpdatableTicket): UpdatableTicketView {
  return {
    ticket: entry.ticketNumber,
    replace_by_date: iso(entry.replaceByDate),
    found_at: entry.foundAt.toISOString(),
    legal_date: iso(entry.legalDate),
    expires: iso(entry.expires),
    is_continue_update: entry.isContinueUpdate,
    location: formatTicketLocation(entry.location),
  };
}

/**
 * The company's updateable tickets, soonest deadline first.
 *
 * @throws CompanyNotFoundError when the company does not exist
 */
export async function listUpdatableTicketViews(
  repository: Pick<TicketRepository, 'listUpdatableTickets'>,
  companyId: string,
): Promise<UpdatableTicketView[]> {
  return (await repository.listUpdatableTickets(companyId)).map(toUpdatableView);
}
