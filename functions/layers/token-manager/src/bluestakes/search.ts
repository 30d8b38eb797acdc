import { InvalidInputError, UpstreamBadResponseError } from '../errors';
import { isRecord } from './json';
import { normalizeTicketRow } from './response-shapes';
import type { TicketSearchQuery, TicketSummary } from './types';

/** The two date forms seen in clients; the newest original client says MM/DD/YYYY is required. */
export type SearchDateFormat = 'MM/DD/YYYY' | 'YYYY-MM-DD';

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

function checkedDate(field: string, year: number, month: number, day: number): CalendarDate {
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new InvalidInputError(field, `${field} is not a real calendar date`);
  }
  return { year, month, day };
}

/** The calendar day `date` falls on in `timeZone`. */
function calendarDateIn(field: string, date: Date, timeZone: string): CalendarDate {
  if (Number.isNaN(date.getTime())) throw new InvalidInputError(field, `${field} is an invalid Date`);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(date);
  const part = (type: 'year' | 'month' | 'day'): number =>
    Number(parts.find((candidate) => candidate.type === type)?.value);
  return checkedDate(field, part('year'), part('month'), part('day'));
}

function parseCalendarDate(field: string, value: unknown, timeZone: string): CalendarDate {
  if (value instanceof Date) return calendarDateIn(field, value, timeZone);
  if (typeof value === 'string') {
    const text = value.trim();
    const iso = ISO_DATE.exec(text);
    if (iso) return checkedDate(field, Number(iso[1]), Number(iso[2]), Number(iso[3]));
    const us = US_DATE.exec(text);
    if (us) return checkedDate(field, Number(us[3]), Number(us[1]), Number(us[2]));
  }
  throw new InvalidInputError(field, `${field} must be a Date, YYYY-MM-DD or MM/DD/YYYY`);
}

function formatCalendarDate(date: CalendarDate, format: SearchDateFormat): string {
  const yyyy = String(date.year).padStart(4, '0');
  const mm = String(date.month).padStart(2, '0');
  const dd = String(date.day).padStart(2, '0');
  return format === 'MM/DD/YYYY' ? `${mm}/${dd}/${yyyy}` : `${yyyy}-${mm}-${dd}`;
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export interface SearchFormatting {
  dateFormat: SearchDateFormat;
  /** IANA zone in which a `Date` is turned into a calendar day. */
  timeZone: string;
}

/**
 * Builds the query string of one search page. Each parameter goes out only when it has a value, and
 * `offset` is left out on the first page, as the original client did.
 */
export function buildSearchParams(
  query: TicketSearchQuery,
  page: { offset: number; limit: number },
  formatting: SearchFormatting,
): URLSearchParams {
  const start = parseCalendarDate('start', query.start, formatting.timeZone);
  const end = parseCalendarDate('end', query.end, formatting.timeZone);
  if (compareDates(start, end) > 0) throw new InvalidInputError('end', 'end must not be before start');

  const params = new URLSearchParams();
  params.set('limit', String(page.limit));
  if (page.offset > 0) params.set('offset', String(page.offset));
  params.set('start', formatCalendarDate(start, formatting.dateFormat));
  params.set('end', formatCalendarDate(end, formatting.dateFormat));
  for (const name of ['sort', 'state', 'county'] as const) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new InvalidInputError(name, `${name} must be a string`);
    if (value.trim() !== '') params.set(name, value.trim());
  }
  return params;
}

export interface ParsedSearchPage {
  tickets: TicketSummary[];
  /** Rows the upstream sent, before unusable ones were dropped: this decides whether the page was short. */
  received: number;
  count?: number;
  total?: number;
}

function optionalCount(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/**
 * Reads a search reply in any of the three shapes clients have met: `{count, total, data}`, that
 * object wrapped in a one-element array, or a plain array of tickets. Rows without a usable ticket
 * number are dropped (they cannot be fetched or deduplicated).
 */
export function parseSearchPage(body: unknown): ParsedSearchPage {
  let envelope: Record<string, unknown> | undefined;
  let rows: unknown[];
  if (Array.isArray(body)) {
    const first: unknown = body[0];
    if (body.length === 1 && isRecord(first) && Array.isArray(first.data)) {
      envelope = first;
      rows = first.data;
    } else {
      rows = body;
    }
  } else if (isRecord(body) && Array.isArray(body.data)) {
    envelope = body;
    rows = body.data;
  } else {
    throw new UpstreamBadResponseError(
      'Bluestakes searchTickets answered with neither a data array nor a list',
    );
  }

  const tickets: TicketSummary[] = [];
  for (const row of rows) {
    const ticket = normalizeTicketRow(row);
    if (ticket) tickets.push(ticket);
  }
  const page: ParsedSearchPage = { tickets, received: rows.length };
  const count = optionalCount(envelope?.count);
  const total = optionalCount(envelope?.total);
  if (count !== undefined) page.count = count;
  if (total !== undefined) page.total = total;
  return page;
}

function revisionNumber(ticket: TicketSummary): number {
  const value = Number(ticket.revision);
  return Number.isFinite(value) ? value : Number.NEGATIVE_INFINITY;
}

/**
 * Keeps one row per ticket number: the one with the highest `Number(revision)` (the first one seen on
 * a tie). Rows come back in the order their ticket number first appeared.
 */
export function keepLatestRevisions(tickets: readonly TicketSummary[]): TicketSummary[] {
  const latest = new Map<string, TicketSummary>();
  for (const ticket of tickets) {
    const current = latest.get(ticket.ticket);
    if (!current || revisionNumber(ticket) > revisionNumber(current)) latest.set(ticket.ticket, ticket);
  }
  return [...latest.values()];
}
