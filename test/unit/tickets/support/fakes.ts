import {
  type AuthenticatedBluestakes,
  CompanyNotFoundError,
  type SecondaryFunctions,
  type Ticket,
  type TicketSearchPageQuery,
  type TokenManager,
  UpstreamNotFoundError,
} from '@bluestakes/token-manager';
import type {
  StoredTicketLocation,
  SyncQueue,
  TicketRecord,
  TicketRepository,
  TicketSyncMessage,
  UpdatableTicket,
  UpdateCandidate,
  UpsertOutcome,
} from '../../../../functions/tickets';

/** A minimal ticket row; `rest` overrides any field. */
export function ticket(number: string, revision: string, rest: Partial<Ticket> = {}): Ticket {
  return {
    ticket: number,
    revision,
    street: 'S STATE ST',
    place: 'SANDY',
    county: 'SALT LAKE',
    replace_by_date: '2025-07-01T00:00:00Z',
    expires: '2025-07-08T00:00:00Z',
    original_ticket: ' ',
    ...rest,
  };
}

export interface FakeBluestakes {
  /** Search rows (one per revision), paged by offset/limit like the upstream. */
  rows: Ticket[];
  /** Details by number; missing numbers answer 404. */
  details: Map<string, Ticket>;
  /** Numbers whose `/responses` answer 404 (no responses yet). */
  noResponses: Set<string>;
  /** Numbers whose `/secondary-functions` say `update: true`. */
  updatable: Set<string>;
  /** Every upstream call, as `operation number-or-offset`. */
  readonly log: string[];
  /** How many times `makeAuthenticatedRequest` was entered. */
  requests: number;
  /** Errors thrown by the next calls of `makeAuthenticatedRequest`, in order. */
  readonly failNext: unknown[];
  readonly tokens: Pick<TokenManager, 'makeAuthenticatedRequest'>;
}

/** Bluestakes behind the layer's `makeAuthenticatedRequest`, in memory. */
export function fakeBluestakes(rows: Ticket[] = []): FakeBluestakes {
  const state: FakeBluestakes = {
    rows,
    details: new Map(),
    noResponses: new Set(),
    updatable: new Set(),
    log: [],
    requests: 0,
    failNext: [],
    tokens: {
      async makeAuthenticatedRequest(_companyId, request) {
        state.requests += 1;
        const failure = state.failNext.shift();
        if (failure !== undefined) throw failure;
        return request(api);
      },
    },
  };
  const detail = (number: string): Ticket => {
    const found = state.details.get(number.trim());
    if (found === undefined) throw new UpstreamNotFoundError(`Ticket ${number} not found`);
    return found;
  };
  const api: AuthenticatedBluestakes = {
    token: 'fake-token',
    async searchTickets() {
      throw new Error('the sync pages itself');
    },
    async searchTicketsPage(query: TicketSearchPageQuery) {
      state.log.push(`search ${query.offset}`);
      const page = state.rows.slice(query.offset, query.offset + query.limit);
      return {
        tickets: page.map((row) => ({ ...row, ticket: row.ticket.trim() })),
        count: page.length,
        total: state.rows.length,
      };
    },
    async getTicket(number: string) {
      state.log.push(`detail ${number}`);
      return detail(number);
    },
    async getTicketResponses(number: string) {
      state.log.push(`responses ${number}`);
      detail(number);
      if (state.noResponses.has(number)) throw new UpstreamNotFoundError('no responses');
      return [{ member_id: 1, ticket: number, response: '10' }];
    },
    async getSecondaryFunctions(number: string): Promise<SecondaryFunctions> {
      state.log.push(`secondary ${number}`);
      const found = detail(number);
      const update = state.updatable.has(number);
      return {
        ticket: number,
        revision: found.revision,
        cancel: true,
        comment: true,
        remark: true,
        retransmit: true,
        secondNotice: false,
        update,
      };
    },
  };
  return state;
}

interface StoredRow {
  record: TicketRecord;
  isContinueUpdate: boolean;
  replacedBy: string | null;
  syncedAt: Date;
}

export interface FakeRepository extends TicketRepository {
  readonly rows: Map<string, StoredRow>;
  readonly updatable: Map<string, UpdateCandidate & { companyId: string; foundAt: Date }>;
  readonly companies: Set<string>;
  readonly companiesWithCredentials: string[];
  readonly calls: string[];
}

/** The ticket store in memory, with the Data API adapter's rules (tested for real in integration). */
export function fakeRepository(companies: readonly string[] = ['1']): FakeRepository {
  const rows = new Map<string, StoredRow>();
  const updatable = new Map<string, UpdateCandidate & { companyId: string; foundAt: Date }>();
  const calls: string[] = [];
  const repository: FakeRepository = {
    rows,
    updatable,
    companies: new Set(companies),
    companiesWithCredentials: [...companies],
    calls,
    async listCompaniesWithCredentials() {
      calls.push('listCompaniesWithCredentials');
      return [...repository.companiesWithCredentials];
    },
    async upsertTicket(record, options): Promise<UpsertOutcome> {
      calls.push(`upsert ${record.ticketNumber}`);
      const existing = rows.get(record.ticketNumber);
      if (existing === undefined) {
        const expired = record.expires !== null && record.expires < options.now;
        rows.set(record.ticketNumber, {
          record,
          isContinueUpdate: !expired,
          replacedBy: null,
          syncedAt: options.now,
        });
        return 'inserted';
      }
      if (existing.record.companyId !== record.companyId || record.revision < existing.record.revision) {
        return 'unchanged';
      }
      const sameResponses =
        record.responses === undefined ||
        JSON.stringify(record.responses) === JSON.stringify(existing.record.responses);
      const changed =
        record.revision !== existing.record.revision ||
        JSON.stringify(record.raw) !== JSON.stringify(existing.record.raw) ||
        !sameResponses;
      if (!changed && options.touch !== true) return 'unchanged';
      existing.record =
        record.responses === undefined ? { ...record, responses: existing.record.responses } : record;
      existing.syncedAt = options.now;
      return changed ? 'updated' : 'unchanged';
    },
    async retireReplacedTickets(companyId) {
      calls.push('retireReplacedTickets');
      const retired: string[] = [];
      for (const newer of rows.values()) {
        const old = newer.record.oldTicket === null ? undefined : rows.get(newer.record.oldTicket);
        if (old === undefined || old.replacedBy !== null || newer.record.companyId !== companyId) continue;
        if (old.record.companyId !== companyId) continue;
        old.isContinueUpdate = false;
        old.replacedBy = newer.record.ticketNumber;
        updatable.delete(old.record.ticketNumber);
        retired.push(old.record.ticketNumber);
      }
      return retired;
    },
    async findUpdateCandidates(companyId, window) {
      calls.push('findUpdateCandidates');
      return [...rows.values()]
        .filter(
          (row) =>
            row.record.companyId === companyId &&
            row.isContinueUpdate &&
            row.record.replaceByDate !== null &&
            row.record.replaceByDate >= window.from &&
            row.record.replaceByDate <= window.to &&
            !updatable.has(row.record.ticketNumber),
        )
        .map((row) => ({
          ticketNumber: row.record.ticketNumber,
          replaceByDate: row.record.replaceByDate as Date,
        }));
    },
    async recordUpdatableTicket(companyId, candidate) {
      calls.push(`record ${candidate.ticketNumber}`);
      if (updatable.has(candidate.ticketNumber)) return false;
      updatable.set(candidate.ticketNumber, {
        ...candidate,
        companyId,
        foundAt: new Date('2025-06-01T12:00:00Z'),
      });
      return true;
    },
    async findTicketLocation(companyId, number, maxAgeSeconds): Promise<StoredTicketLocation | undefined> {
      calls.push(`findTicketLocation ${number}`);
      const row = rows.get(number);
      if (row === undefined || row.record.companyId !== companyId) return undefined;
      const r = row.record;
      return {
        companyId,
        ticketNumber: r.ticketNumber,
        revision: r.revision,
        street: r.street,
        stFromAddress: r.stFromAddress,
        stToAddress: r.stToAddress,
        cross1: r.cross1,
        cross2: r.cross2,
        place: r.place,
        county: r.county,
        state: r.state,
        zip: r.zip,
        locationDescription: r.locationDescription,
        workArea: r.workArea,
        syncedAt: row.syncedAt,
        fresh: maxAgeSeconds > 0,
      };
    },
    async listUpdatableTickets(companyId): Promise<UpdatableTicket[]> {
      calls.push(`listUpdatableTickets ${companyId}`);
      if (!repository.companies.has(companyId)) throw new CompanyNotFoundError(companyId);
      return [...updatable.values()]
        .filter((entry) => entry.companyId === companyId)
        .map((entry) => {
          const r = rows.get(entry.ticketNumber)?.record;
          return {
            ticketNumber: entry.ticketNumber,
            replaceByDate: entry.replaceByDate,
            foundAt: entry.foundAt,
            legalDate: r?.legalDate ?? null,
            expires: r?.expires ?? null,
            isContinueUpdate: rows.get(entry.ticketNumber)?.isContinueUpdate ?? null,
            location: {
              street: r?.street ?? null,
              stFromAddress: r?.stFromAddress ?? null,
              stToAddress: r?.stToAddress ?? null,
              cross1: r?.cross1 ?? null,
              cross2: r?.cross2 ?? null,
              place: r?.place ?? null,
              county: r?.county ?? null,
            },
          };
        });
    },
  };
  return repository;
}

/** A message sent to a {@link RecordingQueue}, with its delay. */
export interface SentMessage {
  readonly body: TicketSyncMessage;
  readonly delayMs: number;
}

/** A sync queue that only records: tests deliver (or not) what was sent themselves. */
export interface RecordingQueue extends SyncQueue {
  readonly sent: SentMessage[];
}

export function recordingQueue(): RecordingQueue {
  const sent: SentMessage[] = [];
  return {
    sent,
    async enqueue(messages, options = {}) {
      for (const body of messages) sent.push({ body, delayMs: options.delayMs ?? 0 });
      return { enqueued: messages.length };
    },
  };
}
