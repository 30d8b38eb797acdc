import { setTimeout as delay } from 'node:timers/promises';
import {
  type AuthenticatedBluestakes,
  DatabaseUnavailableError,
  type GeoJsonObject,
  InvalidInputError,
  type LogSink,
  parseCompanyId,
  powertoolsLogSink,
  RateLimitExceededError,
  type Ticket,
  type TicketResponse,
  type TicketSummary,
  type TokenManager,
  TokenServiceError,
  TokenUnavailableError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '@bluestakes/token-manager';
import { forEachWithConcurrency } from './concurrency';
import { formatTicketLocation } from './location';
import { orderForFetch, selectLatestRevisions } from './revisions';
import {
  DEFAULT_DAYS_BACK,
  MAX_DAYS_BACK,
  parseTicketSyncMessage,
  type SyncQueue,
  type TicketSyncMessage,
} from './sync-queue';
import { toTicketRecord } from './ticket-record';
import type { TicketRepository, UpdatableTicket } from './ticket-repository';

const DAY_MS = 86_400_000;
/** Tickets due for their refresh within this window are checked for `update`. */
export const UPDATE_WINDOW_MS = 7 * DAY_MS;
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_CONCURRENCY = 4;
/** A safety bound: 100 pages of 100 rows is far more than any company's 28 days. */
const MAX_SEARCH_PAGES = 100;
const DEFAULT_ATTEMPTS_PER_CALL = 4;

/** What the ticket service is built from; clients and clocks are injected so tests pass fakes. */
export interface TicketServiceDependencies {
  /** The layer's token manager (only `makeAuthenticatedRequest` is used). */
  readonly tokens: Pick<TokenManager, 'makeAuthenticatedRequest'>;
  readonly repository: TicketRepository;
  /** Needed by `enqueueTicketSyncs` only. */
  readonly queue?: SyncQueue;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default the service's Powertools logger */
  readonly log?: LogSink;
  /** Attempts per upstream call when it fails with a rate limit or an outage. @default 4 */
  readonly attemptsPerCall?: number;
  /** Tickets fetched at once within one sync, unless the sync says otherwise. @default 4 */
  readonly concurrency?: number;
}

/** Options of one sync. */
export interface SyncOptions {
  /** Days back from `now` to search. @default 28 */
  readonly daysBack?: number;
  /** The moment the sync runs as; the search window and the update window are relative to it. @default the clock */
  readonly now?: Date;
  /** Epoch ms on the service clock after which no new upstream work starts; the result says `complete: false`. */
  readonly deadline?: number;
  /** Tickets fetched at once. @default the service's `concurrency` */
  readonly concurrency?: number;
  /** Search rows per page. @default 100 */
  readonly pageSize?: number;
}

/** What one sync did. Every count is of tickets; a second run over unchanged data only counts `unchanged`. */
export interface SyncResult {
  readonly company_id: string;
  /** Distinct tickets the search found (highest revision each). */
  readonly searched: number;
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
  /** False when the deadline stopped the sync early; the next run carries on where it matters. */
  readonly complete: boolean;
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
  /** When the data was last fetched from Bluestakes (ISO-8601). */
  readonly synced_at: string;
  /** `stored`: served from the database; `bluestakes`: fetched now (and stored). */
  readonly source: 'stored' | 'bluestakes';
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

/** One message of an SQS batch, stripped of the AWS event shape. */
export interface SyncQueueRecord {
  readonly messageId: string;
  readonly body: string;
}

/** What the queue worker reports for a batch. */
export interface ProcessSyncRecordsResult {
  /** Message ids to report back as failed (poison, failed or cut short); SQS redelivers them. */
  readonly failedMessageIds: string[];
  readonly results: SyncResult[];
}

/** The ticket consumers' use cases. */
export interface TicketService {
  /**
   * Syncs a company's tickets: the search window page by page, the highest revision per ticket,
   * detail and responses per ticket (each call its own `makeAuthenticatedRequest`, so a revoked token
   * costs one login and no ticket), idempotent upserts, replacement links, then the updateable check.
   */
  syncCompanyTickets(companyId: string | number, options?: SyncOptions): Promise<SyncResult>;
  /** The stored location when fresher than `maxAgeSeconds`, else fetched through the layer and stored. */
  getTicketLocation(
    companyId: string | number,
    ticketNumber: string,
    options: { readonly maxAgeSeconds: number },
  ): Promise<TicketLocation>;
  /** @throws CompanyNotFoundError when the company does not exist */
  listUpdatableTickets(companyId: string | number): Promise<UpdatableTicketView[]>;
  /** One message for the company, or one per company with credentials stored when none is given. */
  enqueueTicketSyncs(request: {
    readonly companyId?: string | number;
    readonly daysBack?: number;
  }): Promise<{ readonly enqueued: number }>;
  /** The queue worker: one sync per message, poison and failed messages reported, never thrown. */
  processSyncRecords(
    records: readonly SyncQueueRecord[],
    options?: { readonly deadline?: number },
  ): Promise<ProcessSyncRecordsResult>;
}

function checkDaysBack(daysBack: number): number {
  if (!Number.isInteger(daysBack) || daysBack < 1 || daysBack > MAX_DAYS_BACK) {
    throw new InvalidInputError('days_back', `days_back must be a whole number from 1 to ${MAX_DAYS_BACK}`);
  }
  return daysBack;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/** How long to wait before trying an upstream call again, or undefined when it is not worth it. */
function retryDelayMs(error: unknown, attempt: number): number | undefined {
  if (error instanceof RateLimitExceededError || error instanceof UpstreamRateLimitedError) {
    return Math.max(100, error.retryAfterMs ?? 1000);
  }
  if (
    error instanceof UpstreamUnavailableError ||
    error instanceof TokenUnavailableError ||
    error instanceof DatabaseUnavailableError
  ) {
    return Math.max(error.retryAfterMs ?? 0, 250 * 2 ** (attempt - 1));
  }
  return undefined;
}

function errorCode(error: unknown): string {
  return error instanceof TokenServiceError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
}

function toUpdatableView(entry: UpdatableTicket): UpdatableTicketView {
  return {
    ticket: entry.ticketNumber,
    replace_by_date: iso(entry.replaceByDate),
    found_at: entry.foundAt.toISOString(),
    legal_date: iso(entry.legalDate),
    expires: iso(entry.expires),
    is_continue_update: entry.isContinueUpdate,
    location: formatTicketLocation({
      street: entry.location.street,
      st_from_address: entry.location.stFromAddress,
      st_to_address: entry.location.stToAddress,
      cross1: entry.location.cross1,
      cross2: entry.location.cross2,
      place: entry.location.place,
      county: entry.location.county,
    }),
  };
}

/**
 * The ticket consumers' use cases over the layer's public API and a ticket store.
 *
 * @param deps - the token manager, the store, and (for the fan-out) the queue
 */
export function createTicketService(deps: TicketServiceDependencies): TicketService {
  const { tokens, repository } = deps;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? delay;
  const log = deps.log ?? powertoolsLogSink;
  const attemptsPerCall = Math.max(1, deps.attemptsPerCall ?? DEFAULT_ATTEMPTS_PER_CALL);
  const defaultConcurrency = Math.max(1, deps.concurrency ?? DEFAULT_CONCURRENCY);

  /**
   * One upstream call through the layer. Rate limits and outages are waited out (a sync is background
   * work that would rather be slow than fail), within the attempt budget and the deadline.
   */
  async function upstream<T>(
    companyId: string,
    deadline: number | undefined,
    request: (api: AuthenticatedBluestakes) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await tokens.makeAuthenticatedRequest(companyId, request);
      } catch (error) {
        const waitMs = retryDelayMs(error, attempt);
        const pastDeadline = deadline !== undefined && clock() + (waitMs ?? 0) >= deadline;
        if (waitMs === undefined || attempt >= attemptsPerCall || pastDeadline) throw error;
        await sleep(waitMs);
      }
    }
  }

  async function searchWindow(
    companyId: string,
    window: { start: Date; end: Date },
    pageSize: number,
    deadline: number | undefined,
  ): Promise<{ rows: TicketSummary[]; pages: number; complete: boolean }> {
    const rows: TicketSummary[] = [];
    for (let page = 0; page < MAX_SEARCH_PAGES; page += 1) {
      const offset = page * pageSize;
      const result = await upstream(companyId, deadline, (api) =>
        api.searchTicketsPage({ ...window, offset, limit: pageSize }),
      );
      rows.push(...result.tickets);
      // Rows the upstream sent: the parsed tickets may be fewer (rows without a number are dropped), and
      // `count` is undocumented (rows on the page, probably), so it only counts up to one page.
      const received = Math.max(result.tickets.length, Math.min(result.count ?? 0, pageSize));
      const pastTotal = result.total !== undefined && offset + pageSize >= result.total;
      if (result.tickets.length === 0 || received < pageSize || pastTotal) {
        return { rows, pages: page + 1, complete: true };
      }
    }
    log.warn('Ticket search stopped at the page limit', { companyId, pages: MAX_SEARCH_PAGES });
    return { rows, pages: MAX_SEARCH_PAGES, complete: false };
  }

  async function fetchResponses(
    companyId: string,
    ticketNumber: string,
    deadline: number | undefined,
  ): Promise<TicketResponse[]> {
    try {
      return await upstream(companyId, deadline, (api) => api.getTicketResponses(ticketNumber));
    } catch (error) {
      // 404 here means "no responses yet": the ticket itself was just fetched.
      if (error instanceof UpstreamNotFoundError) return [];
      throw error;
    }
  }

  async function isUpdatable(companyId: string, ticketNumber: string, deadline: number | undefined) {
    try {
      const functions = await upstream(companyId, deadline, (api) => api.getSecondaryFunctions(ticketNumber));
      return functions.update === true;
    } catch (error) {
      // As the original job did: an unknown ticket cannot be updated.
      if (error instanceof UpstreamNotFoundError) return false;
      throw error;
    }
  }

  const service: TicketService = {
    async syncCompanyTickets(companyIdInput, options = {}) {
      const companyId = parseCompanyId(companyIdInput);
      const daysBack = checkDaysBack(options.daysBack ?? DEFAULT_DAYS_BACK);
      const now = options.now ?? new Date(clock());
      const { deadline } = options;
      const mayStart = () => deadline === undefined || clock() < deadline;
      const counts = {
        fetched: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        skipped: 0,
        checked: 0,
        updatable: 0,
      };

      const search = await searchWindow(
        companyId,
        { start: new Date(now.getTime() - daysBack * DAY_MS), end: now },
        options.pageSize ?? DEFAULT_PAGE_SIZE,
        deadline,
      );
      const latest = selectLatestRevisions(search.rows);
      const stored = await repository.getSyncStates(
        companyId,
        latest.map((ticket) => ticket.ticket),
      );

      const fetchedAll = await forEachWithConcurrency(
        orderForFetch(latest, stored),
        options.concurrency ?? defaultConcurrency,
        mayStart,
        async (summary) => {
          let detail: Ticket;
          try {
            detail = await upstream(companyId, deadline, (api) => api.getTicket(summary.ticket));
          } catch (error) {
            if (!(error instanceof UpstreamNotFoundError)) throw error;
            counts.skipped += 1;
            return;
          }
          const responses = await fetchResponses(companyId, summary.ticket, deadline);
          counts.fetched += 1;
          const outcome = await repository.upsertTicket(toTicketRecord(companyId, detail, responses), {
            now,
          });
          counts[outcome] += 1;
        },
      );

      const retired = await repository.retireReplacedTickets(companyId);

      const candidates = await repository.findUpdateCandidates(companyId, {
        from: now,
        to: new Date(now.getTime() + UPDATE_WINDOW_MS),
      });
      const checkedAll = await forEachWithConcurrency(
        candidates,
        options.concurrency ?? defaultConcurrency,
        mayStart,
        async (candidate) => {
          counts.checked += 1;
          if (!(await isUpdatable(companyId, candidate.ticketNumber, deadline))) return;
          if (await repository.recordUpdatableTicket(companyId, candidate)) counts.updatable += 1;
        },
      );

      const result: SyncResult = {
        company_id: companyId,
        searched: latest.length,
        pages: search.pages,
        ...counts,
        retired: retired.length,
        complete: search.complete && fetchedAll && checkedAll,
      };
      log.info('Ticket sync done', { ...result, daysBack });
      return result;
    },

    async getTicketLocation(companyIdInput, ticketNumberInput, { maxAgeSeconds }) {
      const companyId = parseCompanyId(companyIdInput);
      const ticketNumber = ticketNumberInput.trim();
      const stored = await repository.findTicketLocation(companyId, ticketNumber, maxAgeSeconds);
      if (stored?.fresh === true) {
        return {
          company_id: companyId,
          ticket: stored.ticketNumber,
          revision: stored.revision,
          location: formatTicketLocation({
            street: stored.street,
            st_from_address: stored.stFromAddress,
            st_to_address: stored.stToAddress,
            cross1: stored.cross1,
            cross2: stored.cross2,
            place: stored.place,
            county: stored.county,
          }),
          location_description: stored.locationDescription,
          place: stored.place,
          county: stored.county,
          state: stored.state,
          zip: stored.zip,
          work_area: stored.workArea,
          synced_at: stored.syncedAt.toISOString(),
          source: 'stored',
        };
      }
      const detail = await tokens.makeAuthenticatedRequest(companyId, (api) => api.getTicket(ticketNumber));
      const now = new Date(clock());
      // The detail only: the stored responses stay as the last sync left them.
      const record = toTicketRecord(companyId, detail, undefined);
      await repository.upsertTicket(record, { now, touch: true });
      return {
        company_id: companyId,
        ticket: record.ticketNumber,
        revision: record.revision,
        location: formatTicketLocation(detail),
        location_description: record.locationDescription,
        place: record.place,
        county: record.county,
        state: record.state,
        zip: record.zip,
        work_area: record.workArea,
        synced_at: now.toISOString(),
        source: 'bluestakes',
      };
    },

    async listUpdatableTickets(companyIdInput) {
      const entries = await repository.listUpdatableTickets(parseCompanyId(companyIdInput));
      return entries.map(toUpdatableView);
    },

    async enqueueTicketSyncs(request) {
      if (deps.queue === undefined) throw new Error('This ticket service was built without a sync queue');
      const daysBack = checkDaysBack(request.daysBack ?? DEFAULT_DAYS_BACK);
      const companyIds =
        request.companyId === undefined
          ? await repository.listCompaniesWithCredentials()
          : [parseCompanyId(request.companyId)];
      const messages: TicketSyncMessage[] = companyIds.map((id) => ({ company_id: id, days_back: daysBack }));
      const { enqueued } = messages.length === 0 ? { enqueued: 0 } : await deps.queue.enqueue(messages);
      log.info('Ticket syncs enqueued', { enqueued, daysBack });
      return { enqueued };
    },

    async processSyncRecords(records, options = {}) {
      const failedMessageIds: string[] = [];
      const results: SyncResult[] = [];
      for (const record of records) {
        if (options.deadline !== undefined && clock() >= options.deadline) {
          // Not started: back to the queue untouched, for the next invocation.
          failedMessageIds.push(record.messageId);
          continue;
        }
        const parsed = parseTicketSyncMessage(record.body);
        if (!parsed.ok) {
          // Reported as failed so SQS moves it to the dead-letter queue after maxReceiveCount.
          log.warn('Poison ticket sync message', { messageId: record.messageId, reason: parsed.reason });
          failedMessageIds.push(record.messageId);
          continue;
        }
        const { company_id: companyId, days_back: daysBack } = parsed.message;
        try {
          const result = await service.syncCompanyTickets(companyId, {
            daysBack,
            ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
          });
          results.push(result);
          if (!result.complete) failedMessageIds.push(record.messageId);
        } catch (error) {
          log.warn('Ticket sync failed', {
            messageId: record.messageId,
            companyId,
            code: errorCode(error),
            error: error instanceof Error ? error.message : String(error),
          });
          failedMessageIds.push(record.messageId);
        }
      }
      return { failedMessageIds, results };
    },
  };
  return service;
}
