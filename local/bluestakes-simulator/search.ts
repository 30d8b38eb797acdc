import { revisionNumber } from './ticket-store';
import type { SimulatorSwitches, SimulatorTicket } from './types';

const DEFAULT_SEARCH_LIMIT = 100;
const MAX_SEARCH_LIMIT = 1000;

type SortField =
  | 'ticket'
  | 'revision'
  | 'started'
  | 'original_date'
  | 'replace_by_date'
  | 'legal_date'
  | 'expires';
const SORT_FIELDS: readonly SortField[] = [
  'ticket',
  'revision',
  'started',
  'original_date',
  'replace_by_date',
  'legal_date',
  'expires',
];

export interface SearchQuery {
  readonly limit: number;
  readonly offset: number;
  /** Inclusive `YYYY-MM-DD` bounds on the row's `started` date in Utah time. */
  readonly from?: string;
  readonly to?: string;
  readonly state?: string;
  readonly county?: string;
  readonly sort?: { readonly field: SortField; readonly descending: boolean };
}

export type ParsedSearch =
  | { readonly ok: true; readonly query: SearchQuery }
  | { readonly ok: false; readonly message: string };

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DIGITS = /^\d{1,10}$/;

const utahDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Denver',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function calendarDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

type DateParse = { kind: 'date'; value: string } | { kind: 'absent' } | { kind: 'invalid'; message: string };

function parseDate(name: string, raw: string, isoDates: SimulatorSwitches['isoDates']): DateParse {
  const us = US_DATE.exec(raw);
  if (us) {
    const value = calendarDate(Number(us[3]), Number(us[1]), Number(us[2]));
    return value ? { kind: 'date', value } : { kind: 'invalid', message: `${name} is not a calendar date` };
  }
  const iso = ISO_DATE.exec(raw);
  if (iso) {
    if (isoDates === 'ignore') return { kind: 'absent' };
    if (isoDates === 'reject') return { kind: 'invalid', message: `${name} must be MM/DD/YYYY` };
    const value = calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    return value ? { kind: 'date', value } : { kind: 'invalid', message: `${name} is not a calendar date` };
  }
  return { kind: 'invalid', message: `${name} must be MM/DD/YYYY` };
}

function parseInteger(name: string, raw: string, min: number, max: number): number | string {
  if (!DIGITS.test(raw)) return `${name} must be an integer from ${min} to ${max}`;
  const value = Number(raw);
  return value < min || value > max ? `${name} must be an integer from ${min} to ${max}` : value;
}

function parseSort(raw: string): SearchQuery['sort'] {
  const [fieldText = '', direction = ''] = raw.trim().split(/[\s:]+/);
  const descending = fieldText.startsWith('-') || direction.toLowerCase() === 'desc';
  const field = SORT_FIELDS.find((candidate) => candidate === fieldText.replace(/^[-+]/, '').toLowerCase());
  return field ? { field, descending } : undefined;
}

/** Empty parameters count as absent (clients send each one only when it has a value). */
export function parseSearchQuery(
  params: URLSearchParams,
  isoDates: SimulatorSwitches['isoDates'],
): ParsedSearch {
  const get = (name: string): string | undefined => {
    const value = params.get(name);
    return value === null || value.trim() === '' ? undefined : value.trim();
  };
  const limitText = get('limit');
  const limit =
    limitText === undefined ? DEFAULT_SEARCH_LIMIT : parseInteger('limit', limitText, 1, MAX_SEARCH_LIMIT);
  if (typeof limit === 'string') return { ok: false, message: limit };
  const offsetText = get('offset');
  const offset = offsetText === undefined ? 0 : parseInteger('offset', offsetText, 0, 1_000_000_000);
  if (typeof offset === 'string') return { ok: false, message: offset };

  const bounds: Record<'start' | 'end', string | undefined> = { start: undefined, end: undefined };
  for (const name of ['start', 'end'] as const) {
    const raw = get(name);
    if (raw === undefined) continue;
    const parsed = parseDate(name, raw, isoDates);
    if (parsed.kind === 'invalid') return { ok: false, message: parsed.message };
    if (parsed.kind === 'date') bounds[name] = parsed.value;
  }
  const sortText = get('sort');
  return {
    ok: true,
    query: {
      limit,
      offset,
      from: bounds.start,
      to: bounds.end,
      state: get('state')?.toUpperCase(),
      county: get('county')?.toUpperCase(),
      // Sort values are unknown upstream: a few plausible ones work, anything else keeps the default order.
      sort: sortText === undefined ? undefined : parseSort(sortText),
    },
  };
}

function rowDate(row: SimulatorTicket): string | undefined {
  const ms = Date.parse(row.started);
  return Number.isFinite(ms) ? utahDate.format(ms) : undefined;
}

function defaultOrder(a: SimulatorTicket, b: SimulatorTicket): number {
  const byTicket = a.ticket.trim().localeCompare(b.ticket.trim());
  return byTicket !== 0 ? byTicket : revisionNumber(a) - revisionNumber(b);
}

/** Every revision that matches is its own row, as upstream does. */
export function searchTickets(
  rows: readonly SimulatorTicket[],
  query: SearchQuery,
): { readonly total: number; readonly page: readonly SimulatorTicket[] } {
  const matches = rows.filter((row) => {
    if (query.state !== undefined && row.state.trim().toUpperCase() !== query.state) return false;
    if (query.county !== undefined && row.county.trim().toUpperCase() !== query.county) return false;
    if (query.from === undefined && query.to === undefined) return true;
    const date = rowDate(row);
    if (date === undefined) return false;
    return (query.from === undefined || date >= query.from) && (query.to === undefined || date <= query.to);
  });
  const sort = query.sort;
  matches.sort((a, b) => {
    if (!sort) return defaultOrder(a, b);
    const primary =
      sort.field === 'revision'
        ? revisionNumber(a) - revisionNumber(b)
        : a[sort.field].trim().localeCompare(b[sort.field].trim());
    return (sort.descending ? -primary : primary) || defaultOrder(a, b);
  });
  return { total: matches.length, page: matches.slice(query.offset, query.offset + query.limit) };
}

/** Search rows leave out the child arrays; clients fetch the detail for those. */
function searchRow(
  row: SimulatorTicket,
): Omit<SimulatorTicket, 'members' | 'grids' | 'deliveries' | 'responses'> {
  const { members: _members, grids: _grids, deliveries: _deliveries, responses: _responses, ...rest } = row;
  return rest;
}

export function shapeSearchReply(
  page: readonly SimulatorTicket[],
  total: number,
  shape: SimulatorSwitches['searchShape'],
): unknown {
  const data = page.map(searchRow);
  const body = { count: data.length, total, data };
  if (shape === 'array-wrapped') return [body];
  if (shape === 'plain-array') return data;
  return body;
}
