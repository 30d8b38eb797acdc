import { describe, expect, it } from 'vitest';
import {
  buildSearchParams,
  keepLatestRevisions,
  parseSearchPage,
} from '../../../functions/layers/token-manager/src/bluestakes/search';
import {
  InvalidInputError,
  UpstreamBadResponseError,
} from '../../../functions/layers/token-manager/src/errors';

const US = { dateFormat: 'MM/DD/YYYY', timeZone: 'America/Denver' } as const;
const ISO = { dateFormat: 'YYYY-MM-DD', timeZone: 'America/Denver' } as const;
const FIRST_PAGE = { offset: 0, limit: 100 };

function entries(params: URLSearchParams): [string, string][] {
  return [...params.entries()];
}

describe('buildSearchParams', () => {
  it('sends MM/DD/YYYY dates and leaves offset out of the first page', () => {
    const params = buildSearchParams({ start: '2025-05-05', end: '06/02/2025' }, FIRST_PAGE, US);
    expect(entries(params)).toEqual([
      ['limit', '100'],
      ['start', '05/05/2025'],
      ['end', '06/02/2025'],
    ]);
  });

  it('sends YYYY-MM-DD dates when configured so', () => {
    const params = buildSearchParams({ start: '5/5/2025', end: '2025-06-02' }, FIRST_PAGE, ISO);
    expect(params.get('start')).toBe('2025-05-05');
    expect(params.get('end')).toBe('2025-06-02');
  });

  it('reads a Date as the calendar day in the configured time zone', () => {
    // 04:30 UTC on 1 March is still 28 February in Utah.
    const params = buildSearchParams(
      { start: new Date('2025-03-01T04:30:00Z'), end: new Date('2025-03-01T18:00:00Z') },
      FIRST_PAGE,
      US,
    );
    expect(params.get('start')).toBe('02/28/2025');
    expect(params.get('end')).toBe('03/01/2025');
    const utc = buildSearchParams(
      { start: new Date('2025-03-01T04:30:00Z'), end: new Date('2025-03-01T04:30:00Z') },
      FIRST_PAGE,
      { dateFormat: 'MM/DD/YYYY', timeZone: 'UTC' },
    );
    expect(utc.get('start')).toBe('03/01/2025');
  });

  it('sends the offset on later pages and optional filters only when they have a value', () => {
    const params = buildSearchParams(
      { start: '2025-05-05', end: '2025-06-02', state: ' UT ', county: '', sort: '  ' },
      { offset: 200, limit: 50 },
      US,
    );
    expect(entries(params)).toEqual([
      ['limit', '50'],
      ['offset', '200'],
      ['start', '05/05/2025'],
      ['end', '06/02/2025'],
      ['state', 'UT'],
    ]);
    const all = buildSearchParams(
      { start: '2025-05-05', end: '2025-06-02', state: 'UT', county: 'Salt Lake', sort: 'ticket' },
      FIRST_PAGE,
      US,
    );
    expect(all.toString()).toBe(
      'limit=100&start=05%2F05%2F2025&end=06%2F02%2F2025&sort=ticket&state=UT&county=Salt+Lake',
    );
  });

  it('rejects dates that are malformed, impossible or out of order', () => {
    const cases = [
      { start: '2025-13-01', end: '2025-12-01' },
      { start: '02/30/2025', end: '03/01/2025' },
      { start: 'yesterday', end: '2025-06-02' },
      { start: '2025-05-05T00:00:00Z', end: '2025-06-02' },
      { start: new Date(Number.NaN), end: '2025-06-02' },
      { start: '2025-06-03', end: '2025-06-02' },
    ];
    for (const query of cases) {
      expect(() => buildSearchParams(query, FIRST_PAGE, US), JSON.stringify(query)).toThrow(
        InvalidInputError,
      );
    }
  });
});

describe('parseSearchPage', () => {
  const rows = [
    { ticket: 'A1', revision: '0', place: 'Sandy' },
    { ticket: 'A2', revision: '1' },
  ];

  it('reads the {count, total, data} object', () => {
    expect(parseSearchPage({ count: 2, total: 7, data: rows })).toEqual({
      tickets: rows,
      received: 2,
      count: 2,
      total: 7,
    });
  });

  it('reads the object wrapped in a one-element array', () => {
    expect(parseSearchPage([{ count: '2', total: '7', data: rows }])).toEqual({
      tickets: rows,
      received: 2,
      count: 2,
      total: 7,
    });
  });

  it('reads a plain array of tickets', () => {
    expect(parseSearchPage(rows)).toEqual({ tickets: rows, received: 2 });
    expect(parseSearchPage([rows[0]])).toEqual({ tickets: [rows[0]], received: 1 });
    expect(parseSearchPage([])).toEqual({ tickets: [], received: 0 });
  });

  it('trims ticket numbers, stringifies revisions and drops rows without a ticket number', () => {
    const page = parseSearchPage({
      data: [
        { ticket: '  A3 ', revision: 2, cross1: ' ' },
        { ticket: '   ' },
        'string',
        null,
        { revision: '1' },
      ],
    });
    expect(page.tickets).toEqual([{ ticket: 'A3', revision: '2', cross1: ' ' }]);
    expect(page.received).toBe(5);
  });

  it('rejects any other shape', () => {
    for (const body of [null, 'text', 42, { tickets: [] }, { data: 'x' }]) {
      expect(() => parseSearchPage(body), JSON.stringify(body)).toThrow(UpstreamBadResponseError);
    }
  });
});

describe('keepLatestRevisions', () => {
  it('keeps the highest numeric revision per ticket, in order of first appearance', () => {
    const latest = keepLatestRevisions([
      { ticket: 'A1', revision: '9', tag: 'a1-9' },
      { ticket: 'B1', revision: '0', tag: 'b1-0' },
      { ticket: 'A1', revision: '10', tag: 'a1-10' },
      { ticket: 'A1', revision: '2', tag: 'a1-2' },
    ]);
    expect(latest.map((row) => row.tag)).toEqual(['a1-10', 'b1-0']);
  });

  it('keeps the first row on a tie and prefers any number to a non-numeric revision', () => {
    const latest = keepLatestRevisions([
      { ticket: 'A1', revision: 'x', tag: 'first' },
      { ticket: 'A1', revision: '0', tag: 'numeric' },
      { ticket: 'A1', revision: '0', tag: 'tie' },
    ]);
    expect(latest.map((row) => row.tag)).toEqual(['numeric']);
  });
});
