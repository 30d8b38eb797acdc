import { describe, expect, it } from 'vitest';
import { parseTicketDate, toTicketRecord } from '../../../functions/tickets';
import { ticket } from './support/fakes';

describe('parseTicketDate', () => {
  it.each([
    ['2024-12-31T00:00:00Z', '2024-12-31T00:00:00.000Z'],
    ['2024-12-31T07:00:00.123Z', '2024-12-31T07:00:00.123Z'],
    ['2024-12-31T00:00:00-07:00', '2024-12-31T07:00:00.000Z'],
    ['2024-12-31T00:00:00', '2024-12-31T00:00:00.000Z'],
    ['2024-12-31 08:30', '2024-12-31T08:30:00.000Z'],
    [' 2024-12-31 ', '2024-12-31T00:00:00.000Z'],
  ])('reads %j as %s (no offset: UTC)', (input, expected) => {
    expect(parseTicketDate(input)?.toISOString()).toBe(expected);
  });

  it.each([['string'], [''], ['  '], [null], [42], ['31/12/2024']])('is null for %j', (input) => {
    expect(parseTicketDate(input)).toBeNull();
  });
});

describe('toTicketRecord', () => {
  it('trims numbers and texts, reads dates and the work area, and keeps the whole ticket', () => {
    const workArea = { type: 'Feature', properties: {}, geometry: null };
    const detail = ticket(' A25001  ', '2', {
      original_ticket: ' A24009 ',
      replace_by_date: '2025-07-01T00:00:00Z',
      legal_date: 'string',
      place: ' SANDY ',
      cross1: ' ',
      st_from_address: '0',
      location: 'FRONT YARD   ',
      work_area: JSON.stringify(workArea),
    });

    const record = toTicketRecord('7', detail, []);

    expect(record).toMatchObject({
      companyId: '7',
      ticketNumber: 'A25001',
      oldTicket: 'A24009',
      revision: 2,
      replaceByDate: new Date('2025-07-01T00:00:00Z'),
      legalDate: null,
      place: 'SANDY',
      cross1: null,
      stFromAddress: '0',
      locationDescription: 'FRONT YARD',
      workArea,
      responses: [],
    });
    expect(record.raw).toBe(detail);
  });

  it('has no old ticket when original_ticket is blank, and revision 0 when unreadable', () => {
    const record = toTicketRecord('7', ticket('A1', 'x', { original_ticket: '   ' }), undefined);
    expect(record).toMatchObject({ oldTicket: null, revision: 0, responses: undefined });
  });
});
