import type { GeoJsonObject } from '@bluestakes/token-manager';
import type { TicketLocationFields } from './location';
import type { TicketRecord } from './ticket-record';

/** What an upsert did: a new row, a changed row, or nothing (same revision and content). */
export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';

/** How an upsert judges expiry and whether it refreshes `synced_at` regardless. */
export interface UpsertOptions {
  /** The moment the sync runs: tickets already expired by then are stored with `is_continue_update = false`. */
  readonly now: Date;
  /** Write `synced_at` even when nothing changed (a lookup that fetched the ticket confirms it is current). */
  readonly touch?: boolean;
}

/** A stored ticket's location, as the location route answers it. */
export interface StoredTicketLocation extends TicketLocationFields {
  readonly companyId: string;
  readonly ticketNumber: string;
  readonly revision: number;
  readonly state: string | null;
  readonly zip: string | null;
  readonly locationDescription: string | null;
  readonly workArea: GeoJsonObject | null;
  readonly syncedAt: Date;
  /** `synced_at` is within the asked-for age, by the database clock. */
  readonly fresh: boolean;
}

/** A stored ticket the sync should ask Bluestakes about (`/secondary-functions`). */
export interface UpdateCandidate {
  readonly ticketNumber: string;
  readonly replaceByDate: Date;
}

/** A row of `updatable_tickets`, with what the stored ticket says about it. */
export interface UpdatableTicket {
  readonly ticketNumber: string;
  readonly replaceByDate: Date | null;
  readonly foundAt: Date;
  readonly legalDate: Date | null;
  readonly expires: Date | null;
  readonly isContinueUpdate: boolean | null;
  readonly location: TicketLocationFields;
}

/** The consumers' store of tickets (`project_tickets`) and updateable tickets (`updatable_tickets`). */
export interface TicketRepository {
  /** Companies a scheduled sync should cover: those with credentials stored (`credentials_version > 0`). */
  listCompaniesWithCredentials(): Promise<string[]>;
  /**
   * Inserts or updates one ticket. Never lowers the stored revision, never touches a user's
   * `is_continue_update`, never takes over another company's ticket, and writes nothing when the
   * revision and content are unchanged (unless `touch`).
   */
  upsertTicket(record: TicketRecord, options: UpsertOptions): Promise<UpsertOutcome>;
  /**
   * Retires every stored ticket of the company that a stored ticket replaces (its `old_ticket`):
   * `is_continue_update = false`, once per replacement, and drops it from `updatable_tickets`.
   * @returns the retired ticket numbers
   */
  retireReplacedTickets(companyId: string): Promise<string[]>;
  /** Tickets with `is_continue_update` whose replace-by date is in `[from, to]` and not yet recorded. */
  findUpdateCandidates(companyId: string, window: { from: Date; to: Date }): Promise<UpdateCandidate[]>;
  /** @returns true when newly recorded, false when it already was */
  recordUpdatableTicket(companyId: string, candidate: UpdateCandidate): Promise<boolean>;
  /** The company's stored ticket, with `fresh` judged against `maxAgeSeconds`; undefined when not stored. */
  findTicketLocation(
    companyId: string,
    ticketNumber: string,
    maxAgeSeconds: number,
  ): Promise<StoredTicketLocation | undefined>;
  /** @throws CompanyNotFoundError when the company does not exist */
  listUpdatableTickets(companyId: string): Promise<UpdatableTicket[]>;
}
