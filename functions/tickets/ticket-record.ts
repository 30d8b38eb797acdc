import type { GeoJsonObject, Ticket, TicketResponse } from '@bluestakes/token-manager';
import { parseWorkArea, type TicketLocationFields } from './location';
import { storedRevision } from './revisions';

/** A ticket as the store keeps it: the columns queries use, plus the whole upstream object. */
export interface TicketRecord extends TicketLocationFields {
  readonly companyId: string;
  /** Trimmed: padded numbers broke URLs and duplicated rows in the original system. */
  readonly ticketNumber: string;
  /** The ticket this one replaces (`original_ticket`, trimmed); null when none. */
  readonly oldTicket: string | null;
  readonly replaceByDate: Date | null;
  readonly legalDate: Date | null;
  readonly expires: Date | null;
  readonly state: string | null;
  readonly zip: string | null;
  readonly locationDescription: string | null;
  readonly workArea: GeoJsonObject | null;
  readonly revision: number;
  readonly raw: Ticket;
  /** Undefined: keep what is stored (a location lookup fetches the detail only). */
  readonly responses: readonly TicketResponse[] | undefined;
}

const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * A ticket date as a Date, or null when absent or unreadable (including the Swagger placeholder
 * `"string"`). Values without an offset are read as UTC: the upstream's zone is undocumented, and
 * reading them in the server's zone would make the result depend on where the code runs.
 *
 * @param value - an ISO-8601 string as the API sends it
 */
export function parseTicketDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  const iso = ZONELESS_DATE_TIME.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/** Trimmed text, null for blanks; `"0"` house numbers are kept (they are data; formatting skips them). */
function column(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text;
}

/**
 * Maps a ticket detail (and its responses) to the stored record.
 *
 * @param companyId - canonical company id
 * @param ticket - `GET /tickets/{n}`
 * @param responses - `GET /tickets/{n}/responses`, or undefined to keep the stored ones
 */
export function toTicketRecord(
  companyId: string,
  ticket: Ticket,
  responses: readonly TicketResponse[] | undefined,
): TicketRecord {
  return {
    companyId,
    ticketNumber: ticket.ticket.trim(),
    oldTicket: column(ticket.original_ticket),
    replaceByDate: parseTicketDate(ticket.replace_by_date),
    legalDate: parseTicketDate(ticket.legal_date),
    expires: parseTicketDate(ticket.expires),
    place: column(ticket.place),
    street: column(ticket.street),
    stFromAddress: column(ticket.st_from_address),
    stToAddress: column(ticket.st_to_address),
    cross1: column(ticket.cross1),
    cross2: column(ticket.cross2),
    county: column(ticket.county),
    state: column(ticket.state),
    zip: column(ticket.zip),
    locationDescription: column(ticket.location),
    workArea: parseWorkArea(ticket.work_area),
    revision: storedRevision(ticket.revision),
    raw: ticket,
    responses,
  };
}
