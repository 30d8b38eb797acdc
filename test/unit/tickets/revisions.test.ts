import type { TicketSummary } from '@bluestakes/token-manager';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { revisionNumber, selectLatestRevisions } from '../../../functions/tickets';

const row = (ticket: string, revision: string, extra: Partial<TicketSummary> = {}): TicketSummary => ({
  ticket,
  revision,
  ...extra,
});

describe('selectLatestRevisions', () => {
  it('keeps the highest numeric revision of each ticket, wherever it appears', () => {
    const rows = [row('A1', '0'), row('B2', '2'), row('A1', '10'), row('A1', '9'), row('B2', '1')];
    expect(selectLatestRevisions(rows)).toEqual([row('A1', '10'), row('B2', '2')]);
  });

  it('compares revisions as numbers, not text ("10" beats "9")', () => {
    expect(selectLatestRevisions([row('A1', '9'), row('A1', '10')])[0]?.revision).toBe('10');
  });

  it('treats padded numbers as the same ticket and returns them trimmed', () => {
    const result = selectLatestRevisions([row('A1  ', '0'), row(' A1', '1', { place: 'X' })]);
    expect(result).toEqual([row('A1', '1', { place: 'X' })]);
  });

  it('keeps the first row on a tie, and ranks unreadable revisions lowest', () => {
    const first = row('A1', '1', { place: 'first' });
    expect(selectLatestRevisions([first, row('A1', '1', { place: 'second' })])).toEqual([first]);
    expect(selectLatestRevisions([row('A1', 'x'), row('A1', '0')])[0]?.revision).toBe('0');
  });

  it('drops rows without a ticket number', () => {
    expect(selectLatestRevisions([row('  ', '1'), row('A1', '0')])).toEqual([row('A1', '0')]);
  });

  it('returns each ticket once, with its maximum revision, for any order of rows', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ ticket: fc.constantFrom('A1', 'A2', 'A3', ' A1 '), revision: fc.nat({ max: 20 }) }),
        ),
        (rows) => {
          const result = selectLatestRevisions(rows.map((r) => row(r.ticket, String(r.revision))));
          const numbers = result.map((r) => r.ticket);
          expect(new Set(numbers).size).toBe(numbers.length);
          for (const latest of result) {
            const max = Math.max(
              ...rows.filter((r) => r.ticket.trim() === latest.ticket).map((r) => r.revision),
            );
            expect(Number(latest.revision)).toBe(max);
          }
        },
      ),
    );
  });
});

describe('revisionNumber', () => {
  it.each([
    ['3', 3],
    [' 3 ', 3],
    [4, 4],
    ['', Number.NEGATIVE_INFINITY],
    ['abc', Number.NEGATIVE_INFINITY],
    [undefined, Number.NEGATIVE_INFINITY],
  ])('reads %j as %d', (input, expected) => {
    expect(revisionNumber(input)).toBe(expected);
  });
});
